package loaders

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/biter777/countries"

	"github.com/attribution-explorer/attribution/graph"
)

// STIXExportOptions says who made an export and when.
type STIXExportOptions struct {
	// Producer names who made the bundle: an identity of that name (class
	// organization) is the created_by_ref of every object. Empty: the
	// project's own identity, "Attribution Explorer" (class system).
	Producer string
	// Created is the created and modified time of every object the export
	// makes (the extension's definition keeps its own). The zero time means
	// now; give a fixed time for reproducible output.
	Created time.Time
}

// stixExtensionJSON is the JSON schema of the attribution extension
// (docs/stix-extension.md); the extension definition points at it.
//
//go:embed stix_extension.json
var stixExtensionJSON []byte

// STIXExtensionSchema returns the JSON schema of the STIX extension that
// WriteSTIX uses for what STIX has no place for.
func STIXExtensionSchema() []byte { return slices.Clone(stixExtensionJSON) }

// WriteSTIX writes a batch as one STIX 2.1 bundle, object by object:
//
//   - the identity of the producer (and of the extension's author), and the
//     extension definition;
//   - each source as an x-attribution-source;
//   - each entity as the STIX object its kind maps to (stixExportTypes), or
//     as x-attribution-<kind> when STIX has no type for it;
//   - each relation as a relationship.
//
// Sources are also the external_references of the objects that cite them.
// What STIX has no property for (the graph's ids and kinds, dates with their
// precision, attributes, the ids of the sources) travels in the attribution
// extension (docs/stix-extension.md), so that ReadSTIX gives the batch back.
// STIX ids are deterministic: an entity's stix_id attribute when it names a
// type the entity can have, a relation id that is a relationship id, or a
// UUIDv5 of the graph id. Objects are written in id order, so that one batch
// and one Created time always give the same bytes.
//
// The batch must be valid on its own (graph.Batch.Check, every reference
// inside it) and hold only UTF-8 text; otherwise nothing is written.
func WriteSTIX(w io.Writer, b graph.Batch, opts STIXExportOptions) error {
	x, err := newSTIXWriter(b, opts)
	if err != nil {
		return err
	}
	return x.write(w)
}

// stixOut is every property the export writes, in the order it writes them.
type stixOut struct {
	Type             string   `json:"type"`
	SpecVersion      string   `json:"spec_version"`
	ID               string   `json:"id"`
	CreatedByRef     string   `json:"created_by_ref,omitempty"`
	Created          string   `json:"created"`
	Modified         string   `json:"modified"`
	Name             string   `json:"name,omitempty"`
	Description      string   `json:"description,omitempty"`
	IdentityClass    string   `json:"identity_class,omitempty"`
	Sectors          []string `json:"sectors,omitempty"`
	Country          string   `json:"country,omitempty"`
	IsFamily         *bool    `json:"is_family,omitempty"`
	Aliases          []string `json:"aliases,omitempty"`
	FirstSeen        string   `json:"first_seen,omitempty"`
	LastSeen         string   `json:"last_seen,omitempty"`
	RelationshipType string   `json:"relationship_type,omitempty"`
	SourceRef        string   `json:"source_ref,omitempty"`
	TargetRef        string   `json:"target_ref,omitempty"`
	StartTime        string   `json:"start_time,omitempty"`
	StopTime         string   `json:"stop_time,omitempty"`
	Confidence       *int     `json:"confidence,omitempty"`
	// The extension definition's own properties.
	Schema         string   `json:"schema,omitempty"`
	Version        string   `json:"version,omitempty"`
	ExtensionTypes []string `json:"extension_types,omitempty"`
	// The properties of the extension's own object types, at the top level.
	*attributionProps
	ExternalReferences []stixRefOut                 `json:"external_references,omitempty"`
	Extensions         map[string]*attributionProps `json:"extensions,omitempty"`
}

type stixRefOut struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`
}

// attributionProps are the properties of the attribution extension
// (stix_extension.json): inside extensions[stixExtensionID] on STIX's own
// types (a property extension), at the top level on its own types (new
// SDOs, whose extension entry holds only the extension_type).
type attributionProps struct {
	ExtensionType  string            `json:"extension_type,omitempty"`
	BundleIdentity bool              `json:"bundle_identity,omitempty"`
	AttributionID  string            `json:"attribution_id,omitempty"`
	Kind           string            `json:"kind,omitempty"`
	RelationType   string            `json:"relation_type,omitempty"`
	Role           string            `json:"role,omitempty"`
	Aliases        []string          `json:"aliases,omitempty"`
	Start          string            `json:"start,omitempty"`
	End            string            `json:"end,omitempty"`
	Attributes     map[string]string `json:"attributes,omitempty"`
	Sources        []string          `json:"sources,omitempty"`
	Alternatives   []stixAlternative `json:"alternatives,omitempty"`
	Publisher      string            `json:"publisher,omitempty"`
	URL            string            `json:"url,omitempty"`
	Published      string            `json:"published,omitempty"`
	Language       string            `json:"language,omitempty"`
}

// stixAlternative is a graph.Alternative: another dataset's value of an
// entity's description, start or end, with its sources.
type stixAlternative struct {
	Field   string   `json:"field"`
	Value   string   `json:"value"`
	Sources []string `json:"sources,omitempty"`
}

type stixWriter struct {
	b                  graph.Batch
	ts                 string // created and modified of what the export makes
	producer           string // its name
	producerID         string
	bundleID           string
	entityType         []string // the STIX type of each entity
	entityID           []string // and its STIX id
	stixOf             map[string]string
	sourceIndex        map[string]int
	entities, rels, sr []int // indexes, in id order
}

func exportErr(format string, args ...any) error {
	return Errors{"STIX export: " + fmt.Sprintf(format, args...)}
}

func newSTIXWriter(b graph.Batch, opts STIXExportOptions) (*stixWriter, error) {
	if err := b.Check(graph.NoneExisting{}); err != nil {
		return nil, fmt.Errorf("STIX export: the batch is not valid on its own: %w", err)
	}
	if err := checkUTF8(b); err != nil {
		return nil, err
	}
	t := opts.Created
	if t.IsZero() {
		t = time.Now()
	}
	t = t.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return nil, exportErr("time %v is not between the years 1 and 9999", t)
	}
	x := &stixWriter{b: b, ts: t.Format(stixTime), producer: strings.TrimSpace(opts.Producer),
		stixOf: map[string]string{}, sourceIndex: map[string]int{}}
	if x.producer == "" {
		x.producer = stixProject
	}
	if !utf8.ValidString(x.producer) {
		return nil, exportErr("the producer's name is not UTF-8")
	}
	x.producerID = "identity--" + uuid5(stixNamespace, "identity/"+x.producer)

	byID := func(n int, id func(int) string) []int {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(i, j int) int { return strings.Compare(id(i), id(j)) })
		return idx
	}
	x.sr = byID(len(b.Sources), func(i int) string { return b.Sources[i].ID })
	x.entities = byID(len(b.Entities), func(i int) string { return b.Entities[i].ID })
	x.rels = byID(len(b.Relations), func(i int) string { return b.Relations[i].ID })

	used := map[string]string{stixProjectID: "the project's identity", x.producerID: "the producer's identity", stixExtensionID: "the extension"}
	claim := func(id, what string) error {
		if prev, dup := used[id]; dup && prev != what {
			return exportErr("%s and %s would have the same STIX id %s", prev, what, id)
		}
		used[id] = what
		return nil
	}
	for _, i := range x.sr {
		s := b.Sources[i]
		x.sourceIndex[s.ID] = i
		if err := claim(stixSourceType+"--"+uuid5(stixNamespace, "source/"+s.ID), "source "+s.ID); err != nil {
			return nil, err
		}
	}
	x.entityType = make([]string, len(b.Entities))
	x.entityID = make([]string, len(b.Entities))
	for _, i := range x.entities {
		e := &b.Entities[i]
		typ := exportType(e)
		id := ""
		// Keep a STIX id the entity came with, when it names this type and
		// no entity before it took it.
		if sid := e.Attr(attrSTIXID); strings.HasPrefix(sid, typ+"--") && isUUID(sid[len(typ)+2:]) && used[sid] == "" {
			id = sid
		}
		if id == "" {
			id = typ + "--" + uuid5(stixNamespace, "entity/"+e.ID)
		}
		if err := claim(id, "entity "+e.ID); err != nil {
			return nil, err
		}
		x.entityType[i], x.entityID[i] = typ, id
		x.stixOf[e.ID] = id
	}
	for _, i := range x.rels {
		if err := claim(x.relationshipID(&b.Relations[i]), "relation "+b.Relations[i].ID); err != nil {
			return nil, err
		}
	}
	// The bundle's id is a UUIDv5 of what it holds.
	h := sha256.New()
	fmt.Fprintf(h, "%q %q\n", x.producer, x.ts)
	enc := json.NewEncoder(h)
	for _, i := range x.sr {
		enc.Encode(b.Sources[i])
	}
	for _, i := range x.entities {
		enc.Encode(b.Entities[i])
	}
	for _, i := range x.rels {
		enc.Encode(b.Relations[i])
	}
	x.bundleID = "bundle--" + uuid5(stixNamespace, "bundle/"+hex.EncodeToString(h.Sum(nil)))
	return x, nil
}

// stixTime is how STIX 2.1 writes timestamps (to the millisecond, in UTC).
const stixTime = "2006-01-02T15:04:05.000Z"

// exportType is the STIX type an entity is written as.
func exportType(e *graph.Entity) string {
	types := stixExportTypes[e.Kind]
	if len(types) == 0 || e.Kind == graph.Country && isoCountry(e.Attr(attrISO2)) == "" {
		return stixExtensionPrefix + strings.ReplaceAll(strings.ToLower(string(e.Kind)), "_", "-")
	}
	// A STIX id of another type the kind can have keeps its type.
	sid := e.Attr(attrSTIXID)
	for _, t := range types {
		if strings.HasPrefix(sid, t+"--") && isUUID(sid[len(t)+2:]) {
			return t
		}
	}
	return types[0]
}

// isoCountry returns code when it is an ISO 3166-1 alpha-2 country code
// (not one of the user-assigned codes such as XK), else "".
func isoCountry(code string) string {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' ||
		code == "AA" || code == "ZZ" || code[0] == 'X' || code[0] == 'Q' && code[1] >= 'M' {
		return ""
	}
	if c := countries.ByName(code); c == countries.Unknown || !c.IsValid() || c.Alpha2() != code {
		return ""
	}
	return code
}

// relationshipID keeps a relation id that is a STIX relationship id (as the
// importer makes them), or makes one.
func (x *stixWriter) relationshipID(r *graph.Relation) string {
	if strings.HasPrefix(r.ID, "relationship--") && isUUID(r.ID[len("relationship--"):]) {
		return r.ID
	}
	return "relationship--" + uuid5(stixNamespace, "relation/"+r.ID)
}

// uuid5 is the RFC 9562 UUID version 5 of name in the namespace ns (a UUID
// in its text form): the first 16 bytes of SHA-1(ns, name) with the version
// and variant bits set.
func uuid5(ns, name string) string {
	raw, err := hex.DecodeString(strings.ReplaceAll(ns, "-", ""))
	if err != nil || len(raw) != 16 {
		panic("loaders: bad UUID namespace " + ns)
	}
	h := sha1.New()
	h.Write(raw)
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// checkUTF8: JSON carries only UTF-8 text; anything else would come back
// changed, so it is refused.
func checkUTF8(b graph.Batch) error {
	bad := func(what, id, field string) error {
		return exportErr("%s %q: %s is not valid UTF-8 (JSON cannot carry it unchanged)", what, id, field)
	}
	for _, s := range b.Sources {
		for field, v := range map[string]string{"title": s.Title, "publisher": s.Publisher, "url": s.URL, "language": s.Language} {
			if !utf8.ValidString(v) {
				return bad("source", s.ID, field)
			}
		}
	}
	for _, e := range b.Entities {
		if !utf8.ValidString(e.Name) || !utf8.ValidString(e.Description) {
			return bad("entity", e.ID, "name or description")
		}
		for _, a := range e.Aliases {
			if !utf8.ValidString(a) {
				return bad("entity", e.ID, "an alias")
			}
		}
		for _, a := range e.Attributes {
			if !utf8.ValidString(a.Key) || !utf8.ValidString(a.Value) {
				return bad("entity", e.ID, "an attribute")
			}
		}
		for _, a := range e.Alternatives {
			if !utf8.ValidString(a.Value) {
				return bad("entity", e.ID, "an alternative")
			}
		}
	}
	for _, r := range b.Relations {
		if !utf8.ValidString(r.Role) || !utf8.ValidString(r.Description) {
			return bad("relation", r.ID, "role or description")
		}
	}
	return nil
}

// write streams the bundle.
func (x *stixWriter) write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "{\n  \"type\": \"bundle\",\n  \"id\": %q,\n  \"objects\": [", x.bundleID)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	n := 0
	put := func(o *stixOut) error {
		buf.Reset()
		if err := enc.Encode(o); err != nil {
			return fmt.Errorf("STIX export: %s: %w", o.ID, err)
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		bw.WriteString("\n    ")
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	for _, o := range x.preamble() {
		if err := put(o); err != nil {
			return err
		}
	}
	for _, i := range x.sr {
		if err := put(x.source(&x.b.Sources[i])); err != nil {
			return err
		}
	}
	for _, i := range x.entities {
		if err := put(x.entity(i)); err != nil {
			return err
		}
	}
	for _, i := range x.rels {
		if err := put(x.relation(&x.b.Relations[i])); err != nil {
			return err
		}
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

// preamble: the identities and the extension definition.
func (x *stixWriter) preamble() []*stixOut {
	marked := func() map[string]*attributionProps {
		return map[string]*attributionProps{stixExtensionID: {ExtensionType: "property-extension", BundleIdentity: true}}
	}
	project := &stixOut{Type: "identity", SpecVersion: "2.1", ID: stixProjectID,
		Created: stixExtensionCreated, Modified: stixExtensionCreated,
		Name: stixProject, IdentityClass: "system",
		Description: "The attribution explorer (github.com/attribution-explorer/attribution), author of the attribution extension.",
		Extensions:  marked()}
	out := []*stixOut{project}
	if x.producerID != stixProjectID {
		out = append(out, &stixOut{Type: "identity", SpecVersion: "2.1", ID: x.producerID,
			Created: x.ts, Modified: x.ts, Name: x.producer, IdentityClass: "organization", Extensions: marked()})
	}
	out = append(out, &stixOut{Type: "extension-definition", SpecVersion: "2.1", ID: stixExtensionID,
		CreatedByRef: stixProjectID, Created: stixExtensionCreated, Modified: stixExtensionCreated,
		Name: "Attribution explorer graph",
		Description: "What an attribution explorer graph says that STIX has no place for: its ids, kinds, dates with their " +
			"precision (year, month or day), attributes and sources; new object types for sources, for the kinds STIX has " +
			"no type for (indictments, events, categories of stolen data) and for entities a STIX type cannot hold.",
		Schema: stixExtensionSchema, Version: stixExtensionVersion,
		ExtensionTypes: []string{"new-sdo", "property-extension"}})
	return out
}

// newSDO is the extension entry of the extension's own object types.
func newSDO() map[string]*attributionProps {
	return map[string]*attributionProps{stixExtensionID: {ExtensionType: "new-sdo"}}
}

func (x *stixWriter) object(typ, id string) *stixOut {
	return &stixOut{Type: typ, SpecVersion: "2.1", ID: id, CreatedByRef: x.producerID, Created: x.ts, Modified: x.ts}
}

func (x *stixWriter) source(s *graph.Source) *stixOut {
	o := x.object(stixSourceType, stixSourceType+"--"+uuid5(stixNamespace, "source/"+s.ID))
	o.Name = s.Title
	o.attributionProps = &attributionProps{AttributionID: s.ID, Publisher: s.Publisher, URL: s.URL,
		Published: s.Published.String(), Language: s.Language}
	o.Extensions = newSDO()
	return o
}

func (x *stixWriter) entity(i int) *stixOut {
	e := &x.b.Entities[i]
	typ := x.entityType[i]
	o := x.object(typ, x.entityID[i])
	o.Name, o.Description = e.Name, e.Description
	p := &attributionProps{AttributionID: e.ID, Kind: string(e.Kind), Start: e.Start.String(), End: e.End.String(),
		Sources: e.Sources}
	if len(e.Attributes) > 0 {
		p.Attributes = map[string]string{}
		for _, a := range e.Attributes {
			p.Attributes[a.Key] = a.Value
		}
	}
	for _, a := range e.Alternatives {
		p.Alternatives = append(p.Alternatives, stixAlternative{Field: a.Field, Value: a.Value, Sources: a.Sources})
	}
	if strings.HasPrefix(typ, stixExtensionPrefix) || stixAliasTypes[typ] {
		o.Aliases = e.Aliases
	} else {
		p.Aliases = e.Aliases
	}
	if strings.HasPrefix(typ, stixExtensionPrefix) {
		o.attributionProps = p
		o.Extensions = newSDO()
	} else {
		p.ExtensionType = "property-extension"
		o.Extensions = map[string]*attributionProps{stixExtensionID: p}
	}
	if stixTypes[typ].Start != "" { // first_seen and last_seen
		o.FirstSeen, o.LastSeen = firstInstant(e.Start), lastInstant(e.End)
	}
	switch typ {
	case "identity":
		o.IdentityClass = stixExportClasses[e.Kind]
		if e.Kind == graph.Sector {
			o.Sectors = sectorsOf(e)
		}
	case "location":
		o.Country = isoCountry(e.Attr(attrISO2))
	case "malware":
		yes := true
		o.IsFamily = &yes
	}
	if id := e.Attr(attrMitreAttackID); id != "" {
		o.ExternalReferences = append(o.ExternalReferences, stixRefOut{SourceName: "mitre-attack", ExternalID: id})
	}
	if e.Kind == graph.Vulnerability {
		for _, c := range strings.Split(e.Attr(attrCVEs), ",") {
			if c = strings.TrimSpace(c); cveID.MatchString(c) {
				o.ExternalReferences = append(o.ExternalReferences, stixRefOut{SourceName: cveSourceName, ExternalID: c})
			}
		}
	}
	o.ExternalReferences = append(o.ExternalReferences, x.references(e.Sources)...)
	return o
}

// cveID is the form STIX gives CVE ids in external references.
var cveID = regexp.MustCompile(`^CVE-\d{4}-(0\d{3}|[1-9]\d{3,})$`)

// sectorsOf: the industry-sector-ov values a SECTOR's name and aliases are.
func sectorsOf(e *graph.Entity) []string {
	var out []string
	for _, s := range append([]string{e.Name}, e.Aliases...) {
		v := strings.Join(strings.Fields(strings.ToLower(s)), "-")
		if stixSectors[v] && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func (x *stixWriter) relation(r *graph.Relation) *stixOut {
	o := x.object("relationship", x.relationshipID(r))
	o.RelationshipType = stixExportRelations[r.Type]
	if o.RelationshipType == "" {
		o.RelationshipType = strings.ReplaceAll(strings.ToLower(r.Type), "_", "-")
	}
	o.Description = r.Description
	o.SourceRef, o.TargetRef = x.stixOf[r.From], x.stixOf[r.To]
	o.StartTime, o.StopTime = firstInstant(r.Start), lastInstant(r.End)
	o.Confidence = r.Confidence
	o.ExternalReferences = x.references(r.Sources)
	o.Extensions = map[string]*attributionProps{stixExtensionID: {ExtensionType: "property-extension",
		AttributionID: r.ID, RelationType: r.Type, Role: r.Role, Start: r.Start.String(), End: r.End.String(),
		Sources: r.Sources}}
	return o
}

// references cites sources as external references: source_name is the
// source's id, description a citation in ATT&CK's form ("Publisher. (2021,
// July 19). Title."), url its URL when it is a plain RFC 3986 URI.
func (x *stixWriter) references(ids []string) []stixRefOut {
	var out []stixRefOut
	for _, id := range ids {
		s := &x.b.Sources[x.sourceIndex[id]]
		name := id
		if name == "cve" || name == "capec" { // STIX reserves these names for CVE and CAPEC ids
			name = "source-" + name
		}
		ref := stixRefOut{SourceName: name, Description: citationOf(s)}
		if plainURI(s.URL) {
			ref.URL = s.URL
		}
		out = append(out, ref)
	}
	return out
}

// citationOf writes a source as ATT&CK writes citations, which citation()
// reads back.
func citationOf(s *graph.Source) string {
	var b strings.Builder
	if p := strings.TrimSpace(s.Publisher); p != "" {
		b.WriteString(strings.TrimSuffix(p, "."))
		b.WriteString(". ")
	}
	d := s.Published
	switch d.Precision() {
	case graph.YearPrecision:
		fmt.Fprintf(&b, "(%04d)", d.Year)
	case graph.MonthPrecision:
		fmt.Fprintf(&b, "(%04d, %s)", d.Year, time.Month(d.Month))
	case graph.DayPrecision:
		fmt.Fprintf(&b, "(%04d, %s %d)", d.Year, time.Month(d.Month), d.Day)
	default:
		b.WriteString("(n.d.)")
	}
	b.WriteString(". ")
	title := strings.TrimSpace(s.Title)
	b.WriteString(title)
	if !strings.HasSuffix(title, ".") {
		b.WriteByte('.')
	}
	return b.String()
}

// plainURI: an http(s) URL made only of the characters RFC 3986 allows, as
// STIX's url property wants; others stay in the source object alone.
func plainURI(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`"+`{|}`, c) >= 0 {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// firstInstant and lastInstant are the first and last instants of the
// interval a date covers, as STIX timestamps ("" for no date).
func firstInstant(d graph.PartialDate) string {
	if d.IsZero() {
		return ""
	}
	n := d.First()
	return fmt.Sprintf("%04d-%02d-%02dT00:00:00.000Z", n/10000, n/100%100, n%100)
}

func lastInstant(d graph.PartialDate) string {
	if d.IsZero() {
		return ""
	}
	n := d.Last()
	return fmt.Sprintf("%04d-%02d-%02dT23:59:59.999Z", n/10000, n/100%100, n%100)
}
