package loaders

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/attribution-explorer/attribution/graph"
)

// Limits of a STIX bundle: anything larger is refused.
const (
	MaxSTIXObjectBytes = 10 << 20  // one object, as JSON text
	MaxSTIXObjects     = 1_000_000 // objects in one bundle
)

// maxSTIXErrors is how many problems an error lists before "and N more".
const maxSTIXErrors = 20

// STIXOptions describes the dataset a bundle comes from, and bounds its size.
type STIXOptions struct {
	DatasetOptions

	MaxObjectBytes int // 0 means MaxSTIXObjectBytes; never more than it
	MaxObjects     int // 0 means MaxSTIXObjects; never more than it
}

// STIXReport says what an import made of a bundle.
type STIXReport struct {
	Dataset   string             // the dataset source's title, and its licence
	Objects   int                // objects in the bundle
	Entities  map[graph.Kind]int // created, per kind
	Relations map[string]int     // created, per relation type
	Sources   map[string]int     // created, per origin (see the source* constants)
	// References counts the external references read: those that became
	// or repeated a source, those that could not be one.
	References map[string]int
	Skipped    map[string]int // objects and relationships skipped, per reason
	// Unmatched counts the values the mapping has no row for, per kind of
	// value: "relationship type" -> "mitigates" -> 1445.
	Unmatched map[string]map[string]int
}

// Origins of sources, as the report counts them.
const (
	sourceDataset = "the dataset"
	sourceCreated = "the dataset, by creation date of its objects"
	sourcePage    = "ATT&CK pages of objects"
	sourceDated   = "cited documents with a publication date"
	sourceUndated = "cited documents without a publication date"

	refNew    = "became a source"
	refRepeat = "cite a source another reference made"
	refNoURL  = "without a URL (aliases' citations, ids): not a source"
	refBadURL = "with a URL that is not http(s): not a source"
)

// bump adds one to m[key], making m if needed.
func bump(m *map[string]int, key string) {
	if *m == nil {
		*m = map[string]int{}
	}
	(*m)[key]++
}

func (rep *STIXReport) unmatched(what, value string) {
	if rep.Unmatched == nil {
		rep.Unmatched = map[string]map[string]int{}
	}
	if rep.Unmatched[what] == nil {
		rep.Unmatched[what] = map[string]int{}
	}
	rep.Unmatched[what][value]++
}

// String writes the report as a few aligned tables, largest counts first.
func (rep STIXReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "STIX import of %s\n", rep.Dataset)
	fmt.Fprintf(&b, "objects in the bundle: %d\n", rep.Objects)
	writeCounts(&b, "entities created", kindCounts(rep.Entities), 0)
	writeCounts(&b, "relations created", rep.Relations, 0)
	writeCounts(&b, "sources created", rep.Sources, 0)
	writeCounts(&b, "external references", rep.References, 0)
	writeCounts(&b, "skipped", rep.Skipped, 0)
	writeUnmatched(&b, rep.Unmatched, 0)
	return b.String()
}

// ReadSTIX reads a STIX 2.1 bundle and returns what it says as a batch:
// entities for the object types of stixTypes, relations for the
// relationship types of stixRelations, and sources for the dataset, its
// objects' ATT&CK pages and their external references.
//
// The bundle is read as a stream, one object at a time, so memory grows with
// what is imported (and the ids of the bundle), not with the size of the
// input: ATT&CK Enterprise, 50 MB, peaks at a heap of 50 to 70 MB. Reading is all or
// nothing: malformed JSON, a spec_version other than 2.1, a duplicate id, a
// relationship to an id the bundle does not hold, an object over the size
// limit or too many objects give an error naming the object (its id, or its
// position and byte offset) and no batch. The batch passes graph's
// validation. Reading the same bundle twice gives identical batches.
func ReadSTIX(r io.Reader, opts STIXOptions) (graph.Batch, STIXReport, error) {
	x, err := newSTIXReader(opts)
	if err != nil {
		return graph.Batch{}, STIXReport{}, err
	}
	if err := x.read(r); err != nil {
		return graph.Batch{}, STIXReport{}, err
	}
	x.resolve()
	b := x.batch()
	if err := x.failed(); err != nil {
		return graph.Batch{}, STIXReport{}, err
	}
	return b, x.report, nil
}

// stixObject is every property the importer reads, for every type; the
// others are not decoded.
type stixObject struct {
	Type               string          `json:"type"`
	ID                 string          `json:"id"`
	SpecVersion        *string         `json:"spec_version"`
	Created            string          `json:"created"`
	Name               string          `json:"name"`
	Description        string          `json:"description"`
	Aliases            []string        `json:"aliases"`
	XMitreAliases      []string        `json:"x_mitre_aliases"`
	Revoked            bool            `json:"revoked"`
	XMitreDeprecated   bool            `json:"x_mitre_deprecated"`
	XMitreSpecVersion  string          `json:"x_mitre_attack_spec_version"`
	FirstSeen          string          `json:"first_seen"`
	LastSeen           string          `json:"last_seen"`
	IdentityClass      string          `json:"identity_class"`
	Country            string          `json:"country"`
	RelationshipType   string          `json:"relationship_type"`
	SourceRef          string          `json:"source_ref"`
	TargetRef          string          `json:"target_ref"`
	StartTime          string          `json:"start_time"`
	StopTime           string          `json:"stop_time"`
	Confidence         json.Number     `json:"confidence"`
	ExternalReferences []stixReference `json:"external_references"`
	// Extensions is read only for the attribution extension (see attribution).
	Extensions json.RawMessage `json:"extensions"`
	rawAttributionProps
}

// rawAttributionProps are the top-level properties of the attribution
// extension's own object types, kept raw so that they can fail no other
// object: they are decoded only on objects that declare the extension.
type rawAttributionProps struct {
	BundleIdentity json.RawMessage `json:"bundle_identity,omitempty"`
	AttributionID  json.RawMessage `json:"attribution_id,omitempty"`
	Kind           json.RawMessage `json:"kind,omitempty"`
	RelationType   json.RawMessage `json:"relation_type,omitempty"`
	Role           json.RawMessage `json:"role,omitempty"`
	Start          json.RawMessage `json:"start,omitempty"`
	End            json.RawMessage `json:"end,omitempty"`
	Attributes     json.RawMessage `json:"attributes,omitempty"`
	Sources        json.RawMessage `json:"sources,omitempty"`
	Alternatives   json.RawMessage `json:"alternatives,omitempty"`
	Publisher      json.RawMessage `json:"publisher,omitempty"`
	URL            json.RawMessage `json:"url,omitempty"`
	Published      json.RawMessage `json:"published,omitempty"`
	Language       json.RawMessage `json:"language,omitempty"`
}

type stixReference struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description"`
	URL         string `json:"url"`
	ExternalID  string `json:"external_id"`
}

// timestamp returns the property named name (one of stixType's Start and End).
func (o *stixObject) timestamp(name string) string {
	switch name {
	case "first_seen":
		return o.FirstSeen
	case "last_seen":
		return o.LastSeen
	case "":
		return ""
	}
	panic("loaders: stixTypes names an unknown timestamp " + name)
}

// where names an object in errors.
type where struct {
	id     string
	index  int   // 1-based position in "objects"
	offset int64 // byte offset where reading it began
}

func (w where) String() string {
	if w.id == "" {
		return fmt.Sprintf("object #%d (at byte %d)", w.index, w.offset)
	}
	return fmt.Sprintf("object %q (#%d, at byte %d)", w.id, w.index, w.offset)
}

// pendingRelationship is a relationship kept until every object is known.
type pendingRelationship struct {
	at                       where
	skip                     string // revoked or deprecated
	typ, from, to            string
	created                  string
	start, stop, description string
	confidence               *int
	refs                     []stixReference
	ext                      *attributionProps // the attribution extension's, if it has them
}

// candidate is a source, with what decides between two that share an id.
type candidate struct {
	src    graph.Source
	origin string
	rank   int // lower wins: 0 the dataset, 1 a page, 2 a dated citation, 3 an undated one
}

func (c *candidate) better(d *candidate) bool {
	if c.rank != d.rank {
		return c.rank < d.rank
	}
	if c.src.Title != d.src.Title {
		return c.src.Title < d.src.Title
	}
	if c.src.URL != d.src.URL {
		return c.src.URL < d.src.URL
	}
	return c.src.Published.String() < d.src.Published.String()
}

// What an object id of the bundle became, besides an entity index.
const (
	stixSkipped      = -1
	stixRelationship = -2
)

type stixReader struct {
	opts          STIXOptions
	dataset       dataset
	report        STIXReport
	sources       map[string]*candidate
	entities      []graph.Entity
	entityAt      []where
	pageOf        []string         // the ATT&CK page source of each entity, or ""
	byObject      map[string]int32 // every id of the bundle: entity index, stixSkipped or stixRelationship
	byEntityID    map[string]where
	relationships []pendingRelationship
	relations     []graph.Relation
	relationAt    []where
	problems
}

func newSTIXReader(opts STIXOptions) (*stixReader, error) {
	ds, err := opts.DatasetOptions.resolve("STIX import")
	if err != nil {
		return nil, err
	}
	if opts.MaxObjectBytes <= 0 || opts.MaxObjectBytes > MaxSTIXObjectBytes {
		opts.MaxObjectBytes = MaxSTIXObjectBytes
	}
	if opts.MaxObjects <= 0 || opts.MaxObjects > MaxSTIXObjects {
		opts.MaxObjects = MaxSTIXObjects
	}
	x := &stixReader{
		problems: problems{max: maxSTIXErrors},
		opts:     opts, dataset: ds,
		sources:    map[string]*candidate{},
		byObject:   map[string]int32{},
		byEntityID: map[string]where{},
	}
	x.report.Dataset = ds.reportTitle()
	return x, nil
}

// slug makes an id of a title: "MITRE ATT&CK Enterprise 18.1" is
// "mitre-attck-enterprise-18.1".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '&' || r == '\'':
		default:
			dash = true
		}
	}
	return b.String()
}

func (x *stixReader) problem(at where, format string, args ...any) {
	x.problems.add(at.String(), format, args...)
}

func fatal(format string, args ...any) error {
	return Errors{"STIX bundle: " + fmt.Sprintf(format, args...)}
}

// boundedReader lets a json.Decoder read at most up to limit, so that one
// huge value cannot make it buffer more than the object size limit.
type boundedReader struct {
	r     io.Reader
	n     int64 // bytes read so far
	limit int64
}

var errTooLarge = errors.New("too large")

func (b *boundedReader) Read(p []byte) (int, error) {
	left := b.limit - b.n
	if left <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// slack is what the decoder may read beyond an object of the largest size:
// the comma and white space before the next one.
const slack = 64 << 10

// read streams the bundle: its top-level members, and the objects one at a time.
func (x *stixReader) read(r io.Reader) error {
	in := &boundedReader{r: r}
	dec := json.NewDecoder(in)
	dec.UseNumber()
	max := int64(x.opts.MaxObjectBytes)
	bound := func() { in.limit = dec.InputOffset() + max + slack }
	// what names the value being read; only fatal errors come here.
	jsonErr := func(err error, what string) error {
		var syn *json.SyntaxError
		switch {
		case errors.Is(err, errTooLarge):
			return fatal("%s is larger than %d bytes", what, max)
		case errors.As(err, &syn):
			return fatal("malformed JSON at byte %d in %s: %v", syn.Offset, what, err)
		case (err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF)) && in.n == 0:
			return fatal("the input is empty")
		case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
			return fatal("the input ends at byte %d, in the middle of %s", in.n, what)
		}
		return fatal("reading %s (at byte %d): %v", what, dec.InputOffset(), err)
	}
	delim := func(want json.Delim, what string) error {
		bound()
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(err, fmt.Sprintf("%s (at byte %d)", what, dec.InputOffset()))
		}
		if d, ok := tok.(json.Delim); !ok || d != want {
			return fatal("%s: want %q at byte %d, found %v", what, string(want), dec.InputOffset(), tok)
		}
		return nil
	}
	if err := delim('{', "the bundle"); err != nil {
		return err
	}
	seen := map[string]bool{}
	var typ, id string
	for {
		bound()
		if !dec.More() {
			break
		}
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(err, fmt.Sprintf("the bundle (at byte %d)", dec.InputOffset()))
		}
		key, _ := tok.(string)
		if seen[key] {
			return fatal("the bundle has two %q members", key)
		}
		seen[key] = true
		str := func(dst *string) error {
			bound()
			var v any
			if err := dec.Decode(&v); err != nil {
				return jsonErr(err, fmt.Sprintf("the bundle's %s (at byte %d)", key, dec.InputOffset()))
			}
			s, ok := v.(string)
			if !ok {
				return fatal("the bundle's %s must be a string, not %s", key, jsonType(v))
			}
			*dst = s
			return nil
		}
		switch key {
		case "type":
			if err := str(&typ); err != nil {
				return err
			}
		case "id":
			if err := str(&id); err != nil {
				return err
			}
		case "spec_version":
			// STIX 2.1 bundles carry no spec_version; 2.0 ones say "2.0".
			var v string
			if err := str(&v); err != nil {
				return err
			}
			if v != "2.1" {
				return fatal("spec_version %q: this importer reads STIX 2.1 only", v)
			}
		case "objects":
			if err := delim('[', "the bundle's objects"); err != nil {
				return err
			}
			for n := 1; ; n++ {
				bound()
				if !dec.More() {
					break
				}
				if n > x.opts.MaxObjects {
					return fatal("more than %d objects (object #%d at byte %d)", x.opts.MaxObjects, n, dec.InputOffset())
				}
				start := dec.InputOffset()
				at := where{index: n, offset: start}
				var o stixObject
				err := dec.Decode(&o)
				if size := dec.InputOffset() - start; err == nil && size > max {
					err = errTooLarge
				}
				var typeErr *json.UnmarshalTypeError
				if errors.As(err, &typeErr) && typeErr.Field == "" {
					x.problem(at, "is a JSON %s, not an object", typeErr.Value)
					continue
				}
				if errors.As(err, &typeErr) {
					at.id = o.ID
					if !x.wanted(o.Type) {
						err = nil // a property we do not read, of an object we skip
					} else {
						x.problem(at, "%s is %s, not %s", typeErr.Field, typeErr.Value, typeErr.Type)
						x.byObject[o.ID] = stixSkipped
						continue
					}
				}
				if err != nil {
					return jsonErr(err, at.String())
				}
				x.object(&o, at)
			}
			if err := delim(']', "the bundle's objects"); err != nil {
				return err
			}
		default:
			// Not a STIX 2.1 bundle property: read it (bounded) and ignore it.
			bound()
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return jsonErr(err, fmt.Sprintf("the bundle's %s (at byte %d)", key, dec.InputOffset()))
			}
		}
	}
	if err := delim('}', "the bundle"); err != nil {
		return err
	}
	bound()
	if _, err := dec.Token(); err != io.EOF {
		return fatal("data after the end of the bundle (at byte %d)", dec.InputOffset())
	}
	if typ != "bundle" {
		return fatal("type %q: a STIX bundle has type \"bundle\"", typ)
	}
	if !strings.HasPrefix(id, "bundle--") || !isUUID(id[len("bundle--"):]) {
		return fatal("id %q is not a bundle id (bundle--<UUID>)", id)
	}
	return nil
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "a string"
}

// isUUID reports whether s is a UUID in its 8-4-4-4-12 hexadecimal form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
				return false
			}
		}
	}
	return true
}

// wanted reports whether objects of type t may become entities or relations
// (so that their properties must have the types STIX gives them).
func (x *stixReader) wanted(t string) bool {
	if t == "relationship" || strings.HasPrefix(t, stixExtensionPrefix) {
		return true
	}
	row, ok := stixTypes[t]
	return ok && row.Skip == ""
}

// object checks one object and imports it, or keeps it for later
// (relationships), or counts why it is skipped.
func (x *stixReader) object(o *stixObject, at where) {
	at.id = o.ID
	x.report.Objects++
	switch {
	case o.Type == "":
		x.problem(at, "no type")
		return
	case o.ID == "":
		x.problem(at, "no id")
		return
	case !strings.HasPrefix(o.ID, o.Type+"--") || !isUUID(o.ID[len(o.Type)+2:]):
		x.problem(at, "id is not %s--<UUID>", o.Type)
		return
	}
	if _, dup := x.byObject[o.ID]; dup {
		x.problem(at, "duplicate id: the bundle holds two objects %q", o.ID)
		return
	}
	x.byObject[o.ID] = stixSkipped
	row, known := stixTypes[o.Type]
	switch {
	case o.SpecVersion != nil && *o.SpecVersion != "2.1":
		x.problem(at, "spec_version %q: this importer reads STIX 2.1 only", *o.SpecVersion)
		return
	case o.SpecVersion == nil && !isObservable(o.Type):
		x.problem(at, "no spec_version: STIX 2.1 requires \"2.1\" on every object but cyber-observables (is this STIX 2.0?)")
		return
	}
	ext, ok := x.attribution(o, at)
	if !ok {
		return
	}
	if o.Type == "relationship" {
		x.byObject[o.ID] = stixRelationship
		x.relationship(o, at, ext)
		return
	}
	if ext != nil && x.extObject(o, ext, at) {
		return
	}
	switch {
	case !known && strings.HasPrefix(o.Type, "x-mitre-"):
		x.skip(skipXMitre)
		x.report.unmatched(unmatchedXMitreType, o.Type)
		return
	case !known:
		x.skip(skipUnknownType)
		x.report.unmatched(unmatchedObjectType, o.Type)
		return
	case row.Skip != "":
		x.skip(row.Skip)
		if row.Skip == skipNoKind {
			x.report.unmatched(unmatchedObjectType, o.Type)
		}
		return
	case o.Revoked:
		x.skip(skipRevoked)
		return
	case o.XMitreDeprecated:
		x.skip(skipDeprecated)
		return
	}
	kind := row.Kind
	var attrs []graph.Attribute
	name := strings.TrimSpace(o.Name)
	switch row.By {
	case "identity_class":
		k, ok := stixIdentityClasses[o.IdentityClass]
		if !ok {
			x.skip(skipIdentityClass)
			class := o.IdentityClass
			if class == "" {
				class = "(none)"
			}
			x.report.unmatched(unmatchedIdentityClass, class)
			return
		}
		kind = k
	case "country":
		c := strings.ToUpper(strings.TrimSpace(o.Country))
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			x.skip(skipNoCountry)
			return
		}
		kind = graph.Country
		attrs = append(attrs, graph.Attribute{Key: attrISO2, Value: c})
		if name == "" {
			name = c
		}
	}
	x.entity(o, at, kind, row, name, attrs)
}

func (x *stixReader) skip(reason string) { bump(&x.report.Skipped, reason) }

// entity makes the entity of an object of a mapped type.
func (x *stixReader) entity(o *stixObject, at where, kind graph.Kind, row stixType, name string, attrs []graph.Attribute) {
	created, ok := x.created(o.Created, at)
	if !ok {
		return
	}
	e := graph.Entity{Kind: kind, Name: name, Description: strings.TrimSpace(o.Description)}
	attrs = append(attrs, graph.Attribute{Key: attrSTIXID, Value: o.ID})
	var attackID, page string
	var cves []string
	for _, ref := range o.ExternalReferences {
		switch {
		case attackSourceNames[ref.SourceName] && ref.ExternalID != "" && attackID == "":
			attackID = strings.TrimSpace(ref.ExternalID)
			if id, ok := x.reference(ref, at, fmt.Sprintf("%s (%s)", name, attackID), true); ok {
				page = id
				e.Sources = append(e.Sources, id)
			}
			continue
		case ref.SourceName == cveSourceName && ref.ExternalID != "":
			cves = append(cves, strings.TrimSpace(ref.ExternalID))
		}
		if id, ok := x.reference(ref, at, "", false); ok {
			e.Sources = append(e.Sources, id)
		}
	}
	e.ID = strings.ToLower(o.ID)
	if attackID != "" {
		attrs = append(attrs, graph.Attribute{Key: attrMitreAttackID, Value: attackID})
		if id := "attack-" + strings.ToLower(attackID); graph.ValidID(id) {
			e.ID = id
		}
	}
	if len(cves) > 0 {
		attrs = append(attrs, graph.Attribute{Key: attrCVEs, Value: strings.Join(cves, ", ")})
	}
	if prev, dup := x.byEntityID[e.ID]; dup {
		x.problem(at, "entity id %q is already the id of %s (same ATT&CK id?)", e.ID, prev)
		return
	}
	for _, a := range append(o.Aliases, o.XMitreAliases...) {
		if a = strings.TrimSpace(a); a != "" && a != name {
			e.Aliases = append(e.Aliases, a)
		}
	}
	attack := o.XMitreSpecVersion != ""
	var okStart, okEnd bool
	e.Start, okStart = x.seen(o.timestamp(row.Start), row.Start, attack, at)
	e.End, okEnd = x.seen(o.timestamp(row.End), row.End, attack, at)
	if !okStart || !okEnd {
		return
	}
	e.Attributes = attrs
	e.Sources = append(e.Sources, x.datasetSources(created)...)
	e.Normalize()
	x.byObject[o.ID] = int32(len(x.entities))
	x.byEntityID[e.ID] = at
	x.entities = append(x.entities, e)
	x.entityAt = append(x.entityAt, at)
	x.pageOf = append(x.pageOf, page)
}

// created parses an object's created timestamp, which every imported object needs.
func (x *stixReader) created(ts string, at where) (graph.PartialDate, bool) {
	if ts == "" {
		x.problem(at, "no created timestamp (STIX 2.1 requires one)")
		return graph.PartialDate{}, false
	}
	t, err := parseTimestamp(ts)
	if err != nil {
		x.problem(at, "created %q is not a STIX timestamp (RFC 3339, e.g. 2017-05-31T21:31:43.767Z)", ts)
		return graph.PartialDate{}, false
	}
	return dayOf(t), true
}

// seen reads a timestamp that dates an entity or a relation. ATT&CK records
// first_seen and last_seen to the month, as midnight of the first day in
// some American time zone ("2019-09-01T04:00:00.000Z", and
// "2023-01-31T23:00:00.000Z" for February 2023): on ATT&CK objects they are
// rounded to the nearest day and kept at month precision. Other timestamps
// keep their UTC day.
func (x *stixReader) seen(ts, prop string, monthly bool, at where) (graph.PartialDate, bool) {
	if ts == "" {
		return graph.PartialDate{}, true
	}
	t, err := parseTimestamp(ts)
	if err != nil {
		x.problem(at, "%s %q is not a STIX timestamp (RFC 3339, e.g. 2017-05-31T21:31:43.767Z)", prop, ts)
		return graph.PartialDate{}, false
	}
	if monthly {
		t = t.Add(12 * time.Hour)
		return graph.PartialDate{Year: t.Year(), Month: int(t.Month())}, true
	}
	return dayOf(t), true
}

func parseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil && (t.Year() < 1 || t.Year() > 9999) {
		err = errors.New("year out of range")
	}
	return t.UTC(), err
}

func dayOf(t time.Time) graph.PartialDate {
	return graph.PartialDate{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
}

// datasetSources are the dataset itself and the dataset as of the object's
// creation.
//
// A claim is known no later than the STIX created date of the object that
// states it. graph has one place for "when was this public": the
// publication dates of a claim's sources (graph.KnownFrom takes the
// earliest); a relation or an entity has no date of its own for it. So the
// dataset is also a source per creation day, published that day, that each
// object created that day cites: "<dataset>, objects created on
// 2017-05-31". One source per day rather than one per object: ATT&CK's
// 20,000 relationships share about a thousand creation days, and an object's
// own page is already a source.
func (x *stixReader) datasetSources(created graph.PartialDate) []string {
	x.add(&candidate{origin: sourceDataset, src: x.dataset.source()})
	day := created.String()
	id := x.dataset.id + ".created-" + day
	x.add(&candidate{origin: sourceCreated, src: graph.Source{
		ID: id, Title: x.dataset.title + ", objects created on " + day, Publisher: x.opts.Publisher,
		URL: x.opts.URL, Published: created, Language: x.opts.Language,
	}})
	return []string{x.dataset.id, id}
}

// add keeps a source; of two with one id, the better (see candidate.better).
func (x *stixReader) add(c *candidate) {
	if old, ok := x.sources[c.src.ID]; ok {
		if c.better(old) {
			x.sources[c.src.ID] = c
		}
		return
	}
	x.sources[c.src.ID] = c
}

// reference makes an external reference a source, when it has a usable URL.
// page: it is the object's ATT&CK page, titled pageTitle.
func (x *stixReader) reference(ref stixReference, at where, pageTitle string, page bool) (string, bool) {
	raw := strings.TrimSpace(ref.URL)
	if raw == "" {
		bump(&x.report.References, refNoURL)
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bump(&x.report.References, refBadURL)
		return "", false
	}
	c := &candidate{src: graph.Source{ID: sourceID(u, raw), URL: raw}}
	if page {
		c.origin, c.rank = sourcePage, 1
		c.src.Title, c.src.Publisher, c.src.Language = pageTitle, x.opts.Publisher, x.opts.Language
	} else {
		c.src.Title, c.src.Published = citation(ref)
		c.origin, c.rank = sourceUndated, 3
		if !c.src.Published.IsZero() {
			c.origin, c.rank = sourceDated, 2
		}
	}
	if old, ok := x.sources[c.src.ID]; ok {
		if old.src.URL != raw && !strings.HasPrefix(c.src.ID, "attack-") {
			// Two URLs with one hash (2^-64): never merge them silently.
			x.problem(at, "the URLs %s and %s have the same source id %s", old.src.URL, raw, c.src.ID)
			return "", false
		}
		bump(&x.report.References, refRepeat)
	} else {
		bump(&x.report.References, refNew)
	}
	x.add(c)
	return c.src.ID, true
}

// sourceID is a stable id for the document at a URL: "attack-g0065" for
// ATT&CK's page of G0065 (as the curated data names it, with or without a
// final slash), "ref-" and 16 hexadecimal digits of the URL's SHA-256 for
// anything else.
func sourceID(u *url.URL, raw string) string {
	if u.Host == "attack.mitre.org" && u.RawQuery == "" && u.Fragment == "" {
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if (len(parts) == 2 || len(parts) == 3) && isAttackID(parts[1]) && (len(parts) == 2 || isDigits(parts[2])) {
			id := "attack-" + strings.ToLower(strings.Join(parts[1:], "."))
			if graph.ValidID(id) {
				return id
			}
		}
	}
	h := sha256.Sum256([]byte(raw))
	return "ref-" + hex.EncodeToString(h[:8])
}

// isAttackID: letters then digits, "G0065", "TA0001".
func isAttackID(s string) bool {
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	return i > 0 && i < len(s) && isDigits(s[i:])
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// citation reads the title and publication date of an external reference
// whose description is an ATT&CK citation:
//
//	Axel F, Pierre T. (2017, October 16). Leviathan: Espionage actor spearphishes maritime and defense targets. Retrieved February 15, 2018.
//
// The date is kept at the precision the citation gives ("(2019)",
// "(2019, March)", "(2019, March 4)"); "(n.d.)" or no date is undated. The
// "Retrieved" date is when ATT&CK read it, not when it was published, and
// is ignored. Without a title, the reference's external_id or source_name
// stands for it.
func citation(ref stixReference) (string, graph.PartialDate) {
	desc := strings.TrimSpace(ref.Description)
	var date graph.PartialDate
	title := desc
	if open, close, ok := citationDate(desc); ok {
		date = parseCitationDate(desc[open+1 : close])
		title = desc[close+1:]
	}
	if i := strings.LastIndex(title, " Retrieved"); i >= 0 {
		title = title[:i]
	}
	title = strings.Trim(title, " .")
	if title == "" || strings.HasPrefix(title, "(Citation:") {
		title = strings.TrimSpace(ref.ExternalID)
	}
	if title == "" {
		title = strings.TrimSpace(ref.SourceName)
	}
	if title == "" {
		title = strings.TrimSpace(ref.URL)
	}
	return title, date
}

// citationDate finds the parenthesised date of a citation: the first
// "(...)" that holds "n.d.", "null" or starts with a four-digit year.
func citationDate(s string) (open, close int, ok bool) {
	for from := 0; ; {
		i := strings.IndexByte(s[from:], '(')
		if i < 0 {
			return 0, 0, false
		}
		open = from + i
		j := strings.IndexByte(s[open:], ')')
		if j < 0 {
			return 0, 0, false
		}
		close = open + j
		in := strings.TrimSpace(s[open+1 : close])
		if in == "n.d." || in == "null" || len(in) >= 4 && isDigits(in[:4]) && (len(in) == 4 || in[4] == ',') {
			return open, close, true
		}
		from = open + 1
	}
}

// parseCitationDate reads "2019", "2019, March", "2019, March 4" (and keeps
// what it can of "2019, March null" or "2016, Summer"); "n.d." is no date.
func parseCitationDate(s string) graph.PartialDate {
	s = strings.TrimSpace(s)
	if len(s) < 4 || !isDigits(s[:4]) {
		return graph.PartialDate{}
	}
	y, _ := strconv.Atoi(s[:4])
	if y < 1 {
		return graph.PartialDate{}
	}
	d := graph.PartialDate{Year: y}
	rest := strings.Fields(strings.TrimPrefix(s[4:], ","))
	if len(rest) == 0 {
		return d
	}
	m, ok := months[strings.ToLower(strings.TrimSuffix(rest[0], "."))]
	if !ok {
		return d
	}
	d.Month = m
	if len(rest) < 2 || !isDigits(rest[1]) || len(rest[1]) > 2 {
		return d
	}
	day, _ := strconv.Atoi(rest[1])
	if _, err := graph.ParseDate(fmt.Sprintf("%04d-%02d-%02d", y, m, day)); err == nil {
		d.Day = day
	}
	return d
}

// relationship keeps a relationship until every object is known.
func (x *stixReader) relationship(o *stixObject, at where, ext *attributionProps) {
	p := pendingRelationship{
		at: at, typ: o.RelationshipType, from: o.SourceRef, to: o.TargetRef, created: o.Created,
		start: o.StartTime, stop: o.StopTime, description: strings.TrimSpace(o.Description),
		refs: o.ExternalReferences, ext: ext,
	}
	if ext != nil { // exactly as written: the extension's sources, not the references
		p.description, p.refs = o.Description, nil
	}
	switch {
	case o.Revoked:
		p.skip = skipRevoked
	case o.XMitreDeprecated:
		p.skip = skipDeprecated
	}
	if o.Confidence != "" {
		c, err := strconv.Atoi(o.Confidence.String())
		if err != nil || c < 0 || c > 100 {
			x.problem(at, "confidence %s is not a whole number from 0 to 100", o.Confidence)
			return
		}
		p.confidence = &c
	}
	if p.skip != "" {
		p.refs, p.description = nil, "" // not needed: spare the memory
	}
	x.relationships = append(x.relationships, p)
}

// resolve turns the relationships into relations, now that every object is known.
func (x *stixReader) resolve() {
	for i := range x.relationships {
		p := &x.relationships[i]
		from, okFrom := x.byObject[p.from]
		to, okTo := x.byObject[p.to]
		if !okFrom || !okTo || p.from == "" || p.to == "" {
			missing := p.from
			if okFrom && p.from != "" {
				missing = p.to
			}
			x.problem(p.at, "%s refers to %q, which is not in the bundle", p.typ, missing)
			continue
		}
		if p.skip != "" {
			x.skip(p.skip)
			continue
		}
		if p.ext != nil {
			x.extRelation(p, from, to)
			continue
		}
		row, ok := stixRelations[p.typ]
		if !ok {
			x.skip(skipRelNoMapping)
			x.report.unmatched(unmatchedRelType, p.typ)
			continue
		}
		if from < 0 || to < 0 {
			x.skip(skipRelEndSkipped)
			continue
		}
		if row.Reverse {
			from, to = to, from
		}
		if from == to {
			x.skip(skipRelSelf)
			continue
		}
		fk, tk := x.entities[from].Kind, x.entities[to].Kind
		typ := ""
		for _, t := range row.Types {
			if rt, ok := graph.LookupRelationType(t); ok && rt.Allows(fk, tk) {
				typ = t
				break
			}
		}
		if typ == "" {
			x.skip(skipRelKinds)
			x.report.unmatched(unmatchedRelKinds, fmt.Sprintf("%s %s -> %s", p.typ, fk, tk))
			continue
		}
		created, ok := x.created(p.created, p.at)
		if !ok {
			continue
		}
		start, okStart := x.seen(p.start, "start_time", false, p.at)
		end, okEnd := x.seen(p.stop, "stop_time", false, p.at)
		if !okStart || !okEnd {
			continue
		}
		r := graph.Relation{
			ID: strings.ToLower(p.at.id), Type: typ, Role: row.Role,
			From: x.entities[from].ID, To: x.entities[to].ID,
			Start: start, End: end, Confidence: p.confidence, Description: p.description,
		}
		for _, ref := range p.refs {
			if id, ok := x.reference(ref, p.at, "", false); ok {
				r.Sources = append(r.Sources, id)
			}
		}
		// The page of the object the relationship starts from lists it
		// (ATT&CK shows a group's techniques and software on the group's page).
		src := from
		if row.Reverse {
			src = to
		}
		if page := x.pageOf[src]; page != "" {
			r.Sources = append(r.Sources, page)
		}
		r.Sources = append(r.Sources, x.datasetSources(created)...)
		r.Normalize()
		x.relations = append(x.relations, r)
		x.relationAt = append(x.relationAt, p.at)
		bump(&x.report.Relations, typ)
		p.refs, p.description = nil, ""
	}
	x.relationships = nil
}

// batch sorts what was read into a batch, checks it as any store would, and
// counts it in the report.
func (x *stixReader) batch() graph.Batch {
	var b graph.Batch
	for _, id := range slices.Sorted(maps.Keys(x.sources)) {
		c := x.sources[id]
		b.Sources = append(b.Sources, c.src)
		bump(&x.report.Sources, c.origin)
	}
	b.Entities, b.Relations = x.entities, x.relations
	for _, p := range b.Validate(graph.NoneExisting{}) {
		switch p.Item {
		case "entity":
			x.problem(x.entityAt[p.Index], "%s: %s", p.Field, p.Message)
		case "relation":
			x.problem(x.relationAt[p.Index], "%s: %s", p.Field, p.Message)
		default:
			x.errs = append(x.errs, fmt.Sprintf("source %q: %s: %s", b.Sources[p.Index].ID, p.Field, p.Message))
		}
	}
	for _, e := range b.Entities {
		if x.report.Entities == nil {
			x.report.Entities = map[graph.Kind]int{}
		}
		x.report.Entities[e.Kind]++
	}
	sort.Slice(b.Entities, func(i, j int) bool { return b.Entities[i].ID < b.Entities[j].ID })
	sort.Slice(b.Relations, func(i, j int) bool { return b.Relations[i].ID < b.Relations[j].ID })
	return b
}

// The attribution extension (docs/stix-extension.md): objects that carry it
// come back exactly as WriteSTIX wrote them, with the graph's own ids,
// kinds, dates at their precision, attributes and sources. Besides those,
// each cites the dataset; the external references and created dates are
// not read (they repeat the sources for STIX's sake, and say when the
// export was made).

// attribution returns the attribution extension's properties of an object,
// or nil when it does not use the extension; ok is false when it uses it
// wrongly (a problem is then reported).
func (x *stixReader) attribution(o *stixObject, at where) (p *attributionProps, ok bool) {
	if len(o.Extensions) == 0 {
		return nil, true
	}
	var exts map[string]json.RawMessage
	if json.Unmarshal(o.Extensions, &exts) != nil {
		return nil, true // not an object: not this importer's to judge
	}
	raw, used := exts[stixExtensionID]
	if !used {
		return nil, true
	}
	bad := func(err error) (*attributionProps, bool) {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			x.problem(at, "the attribution extension's %s is %s, not %s", typeErr.Field, typeErr.Value, typeErr.Type)
		} else {
			x.problem(at, "the attribution extension: %v", err)
		}
		return nil, false
	}
	p = &attributionProps{}
	if err := json.Unmarshal(raw, p); err != nil {
		return bad(err)
	}
	own := strings.HasPrefix(o.Type, stixExtensionPrefix)
	switch {
	case p.ExtensionType == "new-sdo" && own:
		// The properties are the object's own.
		top, err := json.Marshal(o.rawAttributionProps)
		if err == nil {
			p = &attributionProps{}
			err = json.Unmarshal(top, p)
		}
		if err != nil {
			return bad(err)
		}
		p.Aliases = nil // an object of the extension's types has its own aliases
		return p, true
	case p.ExtensionType == "property-extension" && !own:
		return p, true
	}
	x.problem(at, "the attribution extension's extension_type is %q on an object of type %s (want new-sdo on the extension's own types, property-extension on STIX's)", p.ExtensionType, o.Type)
	return nil, false
}

// extObject imports an object with the attribution extension, and reports
// whether it did (objects of types the graph skips are left to object).
func (x *stixReader) extObject(o *stixObject, p *attributionProps, at where) bool {
	switch {
	case p.BundleIdentity:
		x.skip(skipBundleIdentity)
	case o.Type == stixSourceType:
		x.extSource(o, p, at)
	case !strings.HasPrefix(o.Type, stixExtensionPrefix) && (stixTypes[o.Type].Kind == "" && stixTypes[o.Type].By == ""):
		return false
	case o.Revoked:
		x.skip(skipRevoked)
	default:
		x.extEntity(o, p, at)
	}
	return true
}

// extDate reads a date of the extension ("2021", "2021-07", "2021-07-19").
func (x *stixReader) extDate(s, prop string, at where) (graph.PartialDate, bool) {
	d, err := graph.ParseDate(s)
	if err != nil {
		x.problem(at, "the attribution extension's %s: %v", prop, err)
		return graph.PartialDate{}, false
	}
	return d, true
}

// cites makes the claim's sources: the extension's, and the dataset.
func (x *stixReader) cites(ids []string) []string {
	x.add(&candidate{origin: sourceDataset, src: x.dataset.source()})
	return append(slices.Clone(ids), x.dataset.id)
}

func (x *stixReader) extSource(o *stixObject, p *attributionProps, at where) {
	if _, ok := x.created(o.Created, at); !ok {
		return
	}
	published, ok := x.extDate(p.Published, "published", at)
	if !ok {
		return
	}
	s := graph.Source{ID: p.AttributionID, Title: o.Name, Publisher: p.Publisher, URL: p.URL,
		Published: published, Language: p.Language}
	switch old, dup := x.sources[s.ID]; {
	case s.ID == x.dataset.id:
		x.problem(at, "the bundle has a source %q, the id the dataset is imported as: give the dataset another id (DatasetOptions.ID)", s.ID)
		return
	case dup && old.origin == sourceBundle:
		x.problem(at, "duplicate source id %q: the bundle holds two x-attribution-source objects with it", s.ID)
		return
	}
	x.add(&candidate{src: s, origin: sourceBundle, rank: -1})
}

func (x *stixReader) extEntity(o *stixObject, p *attributionProps, at where) {
	if _, ok := x.created(o.Created, at); !ok {
		return
	}
	e := graph.Entity{ID: p.AttributionID, Kind: graph.Kind(p.Kind), Name: o.Name, Description: o.Description,
		Aliases: append(slices.Clone(o.Aliases), p.Aliases...)}
	var okStart, okEnd bool
	e.Start, okStart = x.extDate(p.Start, "start", at)
	e.End, okEnd = x.extDate(p.End, "end", at)
	if !okStart || !okEnd {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(p.Attributes)) {
		e.Attributes = append(e.Attributes, graph.Attribute{Key: k, Value: p.Attributes[k]})
	}
	for _, a := range p.Alternatives {
		e.Alternatives = append(e.Alternatives, graph.Alternative{Field: a.Field, Value: a.Value, Sources: x.cites(a.Sources)})
	}
	if prev, dup := x.byEntityID[e.ID]; dup {
		x.problem(at, "entity id %q is already the id of %s", e.ID, prev)
		return
	}
	e.Sources = x.cites(p.Sources)
	e.Normalize()
	x.byObject[o.ID] = int32(len(x.entities))
	x.byEntityID[e.ID] = at
	x.entities = append(x.entities, e)
	x.entityAt = append(x.entityAt, at)
	x.pageOf = append(x.pageOf, "")
}

// extRelation makes the relation of a relationship with the extension. Its
// type and ends are checked with the rest of the batch.
func (x *stixReader) extRelation(p *pendingRelationship, from, to int32) {
	if from < 0 || to < 0 {
		x.skip(skipRelEndSkipped)
		return
	}
	if _, ok := x.created(p.created, p.at); !ok {
		return
	}
	start, okStart := x.extDate(p.ext.Start, "start", p.at)
	end, okEnd := x.extDate(p.ext.End, "end", p.at)
	if !okStart || !okEnd {
		return
	}
	r := graph.Relation{ID: p.ext.AttributionID, Type: p.ext.RelationType, Role: p.ext.Role,
		From: x.entities[from].ID, To: x.entities[to].ID, Start: start, End: end,
		Confidence: p.confidence, Description: p.description, Sources: x.cites(p.ext.Sources)}
	r.Normalize()
	x.relations = append(x.relations, r)
	x.relationAt = append(x.relationAt, p.at)
	bump(&x.report.Relations, r.Type)
	p.description = ""
}
