package loaders

import (
	"bytes"
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

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
)

// MISPOptions describes the dataset a galaxy comes from, the graph it will
// be merged into, and bounds its size.
type MISPOptions struct {
	DatasetOptions
	// Base is the graph the galaxy will be merged into (curated data +
	// ATT&CK). Its entities' stix_id attributes ("intrusion-set--<uuid>",
	// "malware--<uuid>") let `related` entries be joined by UUID.
	Base []graph.Entity

	MaxBytes   int // 0 means MaxMISPBytes; never more than it
	MaxEntries int // 0 means MaxMISPEntries; never more than it
}

// MISPReport says what an import made of a galaxy.
type MISPReport struct {
	Dataset    string             // the dataset source's title, and its licence
	Galaxy     string             // the galaxy's name, type and version
	Entries    int                // entries of "values"
	Entities   map[graph.Kind]int // created, per kind
	Relations  map[string]int     // created, per relation type
	Sources    map[string]int     // created, per origin
	References map[string]int     // meta.refs read: became or repeated a source, or could not be one
	// Related counts the related entries, per outcome (mispRel* constants):
	// joined, relation made, or why not.
	Related map[string]int
	// Joined counts the actors given a Base actor's stix_id: Merge joins them.
	Joined int
	// Ambiguous lists the joins not made because a related UUID named
	// several Base actors, or several entries named one Base actor.
	Ambiguous []string
	Skipped   map[string]int // values skipped, per reason
	// Unmatched counts the values the mapping has no row for, per kind of
	// value: "country" -> "Middle East" -> 11.
	Unmatched map[string]map[string]int
}

func (rep *MISPReport) unmatched(what, value string) {
	if rep.Unmatched == nil {
		rep.Unmatched = map[string]map[string]int{}
	}
	if rep.Unmatched[what] == nil {
		rep.Unmatched[what] = map[string]int{}
	}
	rep.Unmatched[what][value]++
}

// String writes the report as a few aligned tables, largest counts first.
func (rep MISPReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "MISP galaxy import of %s\n", rep.Dataset)
	fmt.Fprintf(&b, "galaxy: %s\n", rep.Galaxy)
	fmt.Fprintf(&b, "entries: %d\n", rep.Entries)
	writeCounts(&b, "entities created", kindCounts(rep.Entities), 0)
	writeCounts(&b, "relations created", rep.Relations, 0)
	writeCounts(&b, "sources created", rep.Sources, 0)
	writeCounts(&b, "references", rep.References, 0)
	writeCounts(&b, "related entries", rep.Related, 0)
	fmt.Fprintf(&b, "actors joined to a Base actor by UUID: %d\n", rep.Joined)
	fmt.Fprintf(&b, "ambiguous joins: %d\n", len(rep.Ambiguous))
	for _, a := range rep.Ambiguous {
		fmt.Fprintf(&b, "  %s\n", a)
	}
	writeCounts(&b, "skipped", rep.Skipped, 0)
	writeUnmatched(&b, rep.Unmatched, 0)
	return b.String()
}

// ReadMISPGalaxy reads a MISP galaxy cluster file of threat actors
// (misp-galaxy's clusters/threat-actor.json) and returns what it says as a
// batch, following the tables of misp_mapping.go: a THREAT_ACTOR per entry
// of "values" (id "misp-" and a slug of its value), ATTRIBUTED_TO and
// TARGETED relations to COUNTRY and SECTOR entities, USES relations to Base
// entities, and sources for the dataset and the entries' refs. An entry
// whose related UUIDs name one Base actor takes its stix_id, so that Merge
// joins the two.
//
// Reading is all or nothing: malformed JSON, a top level that is not a
// threat-actor galaxy with a values list, an entry without a value or a
// uuid, a duplicate uuid, a field of the wrong type, an
// attribution-confidence that is not 0 to 100, a file over MaxBytes or more
// than MaxEntries entries give an Errors value and no batch; each problem
// says where: the entry (its position in values, value, uuid and byte
// offset), or the byte offset of malformed JSON. I/O errors are returned
// as they are (IsDatasetError is false for them). Values the mapping cannot
// read (regions among victims, unknown related types) are counted in the
// report, not errors.
//
// Entities are sorted by id, the actors joined to a Base actor first (Merge
// matches in batch order; see batch); relations by id.
//
// The batch passes graph's validation with the Base as what exists: its
// USES relations end at Base entities (ids outside the batch), so
// b.Check(graph.NoneExisting{}) passes only when no related entry became a
// relation. Reading the same file with the same Base twice gives identical
// batches.
func ReadMISPGalaxy(r io.Reader, opts MISPOptions) (graph.Batch, MISPReport, error) {
	x, err := newMISPReader(opts)
	if err != nil {
		return graph.Batch{}, MISPReport{}, err
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(x.opts.MaxBytes)+1))
	if err != nil {
		return graph.Batch{}, MISPReport{}, fmt.Errorf("MISP galaxy: reading: %w", err)
	}
	if len(data) > x.opts.MaxBytes {
		return graph.Batch{}, MISPReport{}, mispFatal("the input is larger than %d bytes", x.opts.MaxBytes)
	}
	raws, err := x.parse(data)
	if err != nil {
		return graph.Batch{}, MISPReport{}, err
	}
	for _, raw := range raws {
		x.entry(raw)
	}
	if err := x.failed(); err != nil {
		return graph.Batch{}, MISPReport{}, err
	}
	x.assignIDs()
	x.resolveRelated()
	b := x.batch()
	if err := x.failed(); err != nil {
		return graph.Batch{}, MISPReport{}, err
	}
	return b, x.report, nil
}

func mispFatal(format string, args ...any) error {
	return Errors{"MISP galaxy: " + fmt.Sprintf(format, args...)}
}

// mispWhere names an entry in errors.
type mispWhere struct {
	index       int   // 1-based position in "values"
	offset      int64 // byte offset of the entry's "{"
	value, uuid string
}

func (w mispWhere) String() string {
	s := fmt.Sprintf("value #%d", w.index)
	if v := w.value; v != "" {
		if r := []rune(v); len(r) > 60 {
			v = string(r[:60]) + "…"
		}
		s += fmt.Sprintf(" %q", v)
	}
	if w.uuid != "" {
		return s + fmt.Sprintf(" (uuid %s, at byte %d)", w.uuid, w.offset)
	}
	return s + fmt.Sprintf(" (at byte %d)", w.offset)
}

// mispRaw is an entry of "values", not yet decoded.
type mispRaw struct {
	at   mispWhere
	json json.RawMessage
}

// mispEntry is what an entry says, resolved.
type mispEntry struct {
	at          mispWhere
	value, uuid string
	description string
	synonyms    []string
	countries   []string // ISO 3166-1 alpha-2, each once
	confidence  *int
	victims     []string // ISO 3166-1 alpha-2, each once
	sectors     []string // keys of mispReader.sectors, each once
	refs        []string // source ids
	related     []mispRelatedEntry

	id      string         // the entity's id
	stixID  string         // the joined Base actor's stix_id, or ""
	byName  bool           // joined by the same-name rule
	cands   []string       // stix_ids (lower case) of the Base actors its related entries name
	targets []mispBaseLink // relations to Base entities
}

type mispRelatedEntry struct{ dest, typ string }

type mispBaseLink struct{ typ, to string }

// mispSector is a sector the galaxy names, under one or more spellings.
type mispSector struct {
	name      string
	spellings []string // other spellings seen, each once (folded)
	id        string
}

type mispReader struct {
	opts    MISPOptions
	dataset dataset
	report  MISPReport
	problems

	galaxyType, galaxyName, galaxyVersion string

	entries   []*mispEntry
	byUUID    map[string]*mispEntry     // lower-case uuid -> entry
	sources   map[string]graph.Source   // the dataset and the refs
	countries map[string]country        // ISO alpha-2 -> country
	sectors   map[string]*mispSector    // slug of the folded name -> sector
	baseUUID  map[string][]int          // lower-case UUID of a Base stix_id -> positions in Base
	baseKinds map[string]graph.Kind     // Base id -> kind
	baseIDs   map[string]int            // Base id -> position
	stixNames map[string]map[string]int // lower-case stix_id -> folded Base names -> count
}

func newMISPReader(opts MISPOptions) (*mispReader, error) {
	ds, err := opts.DatasetOptions.resolve("MISP galaxy import")
	if err != nil {
		return nil, err
	}
	if opts.MaxBytes <= 0 || opts.MaxBytes > MaxMISPBytes {
		opts.MaxBytes = MaxMISPBytes
	}
	if opts.MaxEntries <= 0 || opts.MaxEntries > MaxMISPEntries {
		opts.MaxEntries = MaxMISPEntries
	}
	x := &mispReader{
		problems: problems{max: maxMISPErrors},
		opts:     opts, dataset: ds,
		byUUID:    map[string]*mispEntry{},
		sources:   map[string]graph.Source{},
		countries: map[string]country{},
		sectors:   map[string]*mispSector{},
		baseUUID:  map[string][]int{},
		baseKinds: map[string]graph.Kind{},
		baseIDs:   map[string]int{},
		stixNames: map[string]map[string]int{},
	}
	x.report.Dataset = ds.reportTitle()
	for i, e := range opts.Base {
		x.baseKinds[e.ID] = e.Kind
		if _, dup := x.baseIDs[e.ID]; !dup {
			x.baseIDs[e.ID] = i
		}
		sid := strings.ToLower(strings.TrimSpace(e.Attr(attrSTIXID)))
		if _, uuid, ok := strings.Cut(sid, "--"); ok && uuid != "" {
			x.baseUUID[uuid] = append(x.baseUUID[uuid], i)
			if x.stixNames[sid] == nil {
				x.stixNames[sid] = map[string]int{}
			}
			x.stixNames[sid][textmatch.Fold(strings.TrimSpace(e.Name))]++
		}
	}
	return x, nil
}

func (x *mispReader) problem(at mispWhere, format string, args ...any) {
	x.problemAt(at.String(), format, args...)
}

// problemAt records a problem of the thing named where.
func (x *mispReader) problemAt(where, format string, args ...any) {
	x.problems.add(where, format, args...)
}

func (x *mispReader) skip(reason string) { bump(&x.report.Skipped, reason) }

// rawKind names the JSON type of a value, for errors.
func rawKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// parse checks that data is one JSON object, a galaxy cluster, and returns
// its entries.
func (x *mispReader) parse(data []byte) ([]mispRaw, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, mispFatal("the input is empty")
	}
	// One pass over the whole input finds malformed JSON, with its offset;
	// the walk below then meets well-formed JSON only.
	var whole json.RawMessage
	if err := json.Unmarshal(data, &whole); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, mispFatal("malformed JSON at byte %d: %v", syn.Offset, err)
		}
		return nil, mispFatal("malformed JSON: %v", err)
	}
	if k := rawKind(whole); k != "an object" {
		return nil, mispFatal("the top level is %s, not an object: a galaxy cluster file is one object with a values list", k)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // the "{"
		return nil, mispFatal("reading the top level: %v", err)
	}
	seen := map[string]bool{}
	var raws []mispRaw
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, mispFatal("reading the top level (at byte %d): %v", dec.InputOffset(), err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, mispFatal("the top level has two %q members", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if key != "values" {
			if err := dec.Decode(&raw); err != nil {
				return nil, mispFatal("reading %s (at byte %d): %v", key, dec.InputOffset(), err)
			}
		}
		switch key {
		case "values":
			if raws, err = x.values(dec); err != nil {
				return nil, err
			}
		case "type", "name":
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, mispFatal("the galaxy's %s is %s, not a string", key, rawKind(raw))
			}
			if key == "type" {
				x.galaxyType = s
			} else {
				x.galaxyName = s
			}
		case "version":
			x.galaxyVersion = strings.Trim(string(bytes.TrimSpace(raw)), `"`)
		}
	}
	switch {
	case !seen["values"]:
		return nil, mispFatal("no values list: the top level is not a galaxy cluster")
	case !seen["type"]:
		return nil, mispFatal("no type: the top level is not a galaxy cluster (want type \"threat-actor\")")
	case !mispGalaxyTypes[x.galaxyType]:
		return nil, mispFatal("type %q: this importer reads the threat-actor galaxy (type \"threat-actor\")", x.galaxyType)
	}
	name := x.galaxyName
	if name == "" {
		name = "(unnamed)"
	}
	x.report.Galaxy = name + " (type " + x.galaxyType
	if x.galaxyVersion != "" {
		x.report.Galaxy += ", version " + x.galaxyVersion
	}
	x.report.Galaxy += ")"
	return raws, nil
}

// values reads the entries of "values", keeping each with its position.
func (x *mispReader) values(dec *json.Decoder) ([]mispRaw, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, mispFatal("reading values (at byte %d): %v", dec.InputOffset(), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		kind := "a string"
		switch tok.(type) {
		case json.Delim:
			kind = "an object"
		case json.Number:
			kind = "a number"
		case bool:
			kind = "a boolean"
		case nil:
			kind = "null"
		}
		return nil, mispFatal("values is %s, not a list", kind)
	}
	var raws []mispRaw
	for n := 1; dec.More(); n++ {
		if n > x.opts.MaxEntries {
			return nil, mispFatal("more than %d entries in values (value #%d at byte %d)", x.opts.MaxEntries, n, dec.InputOffset())
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, mispFatal("reading value #%d (at byte %d): %v", n, dec.InputOffset(), err)
		}
		start := dec.InputOffset() - int64(len(raw))
		raws = append(raws, mispRaw{at: mispWhere{index: n, offset: start}, json: raw})
	}
	if _, err := dec.Token(); err != nil { // the "]"
		return nil, mispFatal("reading values: %v", err)
	}
	x.report.Entries = len(raws)
	return raws, nil
}

// str decodes a string field; absent and null are "".
func (x *mispReader) str(at mispWhere, field string, raw json.RawMessage) (string, bool) {
	if raw == nil || isNull(raw) {
		return "", true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		x.problem(at, "%s is %s, not a string", field, rawKind(raw))
		return "", false
	}
	return s, true
}

// list decodes a field MISP writes as a string or a list of strings.
func (x *mispReader) list(at mispWhere, field string, raw json.RawMessage) ([]string, bool) {
	if raw == nil || isNull(raw) {
		return nil, true
	}
	switch rawKind(raw) {
	case "a string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			x.problem(at, "%s: %v", field, err)
			return nil, false
		}
		return []string{s}, true
	case "a list":
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			x.problem(at, "%s: %v", field, err)
			return nil, false
		}
		out := make([]string, 0, len(items))
		ok := true
		for i, item := range items {
			var s string
			if err := json.Unmarshal(item, &s); err != nil || rawKind(item) != "a string" {
				x.problem(at, "%s[%d] is %s, not a string", field, i, rawKind(item))
				ok = false
				continue
			}
			out = append(out, s)
		}
		return out, ok
	}
	x.problem(at, "%s is %s, not a string or a list of strings", field, rawKind(raw))
	return nil, false
}

// entry reads one entry of "values".
func (x *mispReader) entry(raw mispRaw) {
	at := raw.at
	if k := rawKind(raw.json); k != "an object" {
		x.problem(at, "is %s, not an object", k)
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw.json, &fields); err != nil {
		x.problem(at, "%v", err)
		return
	}
	// The value and the uuid name the entry in every later problem.
	value, okValue := x.str(at, "value", fields["value"])
	value = strings.TrimSpace(value)
	at.value = value
	uuid, okUUID := x.str(at, "uuid", fields["uuid"])
	uuid = strings.TrimSpace(uuid)
	at.uuid = uuid
	ok := okValue && okUUID
	if okValue && value == "" {
		x.problem(at, "no value: every entry needs one, its name")
		ok = false
	}
	if okUUID && uuid == "" {
		x.problem(at, "no uuid: every entry of a galaxy has one")
		ok = false
	} else if okUUID && !isUUID(uuid) {
		x.problem(at, "uuid %q is not a UUID", uuid)
		ok = false
	}
	e := &mispEntry{at: at, value: value, uuid: strings.ToLower(uuid)}
	desc, okDesc := x.str(at, "description", fields["description"])
	e.description = strings.TrimSpace(desc)
	ok = ok && okDesc
	if !x.meta(e, fields["meta"]) {
		ok = false
	}
	if !x.related(e, fields["related"]) {
		ok = false
	}
	if !ok {
		return
	}
	if prev, dup := x.byUUID[e.uuid]; dup {
		x.problem(at, "duplicate uuid: %s has it too", prev.at)
		return
	}
	x.byUUID[e.uuid] = e
	x.entries = append(x.entries, e)
}

// meta reads an entry's meta object, following mispMetaKeys.
func (x *mispReader) meta(e *mispEntry, raw json.RawMessage) bool {
	if raw == nil || isNull(raw) {
		return true
	}
	at := e.at
	if k := rawKind(raw); k != "an object" {
		x.problem(at, "meta is %s, not an object", k)
		return false
	}
	var meta map[string]json.RawMessage
	if err := json.Unmarshal(raw, &meta); err != nil {
		x.problem(at, "meta: %v", err)
		return false
	}
	ok := true
	for _, key := range slices.Sorted(maps.Keys(meta)) {
		field, known := mispMetaKeys[key]
		if !known {
			name := key
			for _, p := range mispMetaPrefixes {
				if strings.HasPrefix(key, p) {
					name = p + "*"
				}
			}
			x.report.unmatched(mispUnmatchedMeta, name)
			continue
		}
		where := "meta." + key
		if field == mispConfidence {
			if !x.confidence(e, where, meta[key]) {
				ok = false
			}
			continue
		}
		values, okValues := x.list(at, where, meta[key])
		if !okValues {
			ok = false
			continue
		}
		for _, v := range values {
			switch field {
			case mispSynonyms:
				switch v = strings.TrimSpace(v); {
				case v == "":
					x.skip(mispSkipEmpty)
				case v == e.value:
					x.skip(mispSkipAliasName)
				default:
					e.synonyms = append(e.synonyms, v)
				}
			case mispCountry:
				if iso, found := x.country(v); found {
					e.countries = x.once(e.countries, iso)
				}
			case mispVictims:
				if iso, found := x.country(v); found {
					e.victims = x.once(e.victims, iso)
				}
			case mispSectors:
				if sec, found := x.sector(v); found {
					e.sectors = x.once(e.sectors, sec)
				}
			case mispRefs:
				if id, found := x.reference(v, at); found {
					e.refs = append(e.refs, id)
				}
			}
		}
	}
	return ok
}

// once appends v to xs unless it holds it already (then counts it as skipped).
func (x *mispReader) once(xs []string, v string) []string {
	if slices.Contains(xs, v) {
		x.skip(mispSkipTwice)
		return xs
	}
	return append(xs, v)
}

// confidence reads attribution-confidence: "50", or 50.
func (x *mispReader) confidence(e *mispEntry, where string, raw json.RawMessage) bool {
	if raw == nil || isNull(raw) {
		return true
	}
	var text string
	switch rawKind(raw) {
	case "a string":
		if err := json.Unmarshal(raw, &text); err != nil {
			x.problem(e.at, "%s: %v", where, err)
			return false
		}
		text = strings.TrimSpace(text)
		if text == "" {
			x.skip(mispSkipEmpty)
			return true
		}
	case "a number":
		text = string(bytes.TrimSpace(raw))
	default:
		x.problem(e.at, "%s is %s, not a number from 0 to 100", where, rawKind(raw))
		return false
	}
	c, err := strconv.Atoi(text)
	if err != nil || c < 0 || c > 100 {
		x.problem(e.at, "%s %q is not a whole number from 0 to 100", where, text)
		return false
	}
	e.confidence = &c
	return true
}

// country resolves a country as the galaxy writes it: an ISO code ("CN")
// or a name ("The Philippines").
func (x *mispReader) country(s string) (string, bool) {
	name := strings.TrimSpace(s)
	folded := textmatch.Fold(name)
	switch {
	case name == "":
		x.skip(mispSkipEmpty)
		return "", false
	case mispNothing[folded]:
		x.skip(mispSkipNothing)
		return "", false
	}
	var c country
	var ok bool
	if code, known := mispCountryNames[folded]; known {
		c, ok = lookupCountry(code)
		ok = ok && c.ISO2 == code
	} else {
		c, ok = lookupCountry(name)
	}
	if !ok {
		x.report.unmatched(mispUnmatchedCountry, name)
		return "", false
	}
	x.countries[c.ISO2] = c
	return c.ISO2, true
}

// sector resolves a sector as the galaxy writes it; spellings that differ
// only in case, accents or punctuation, and those mispSectorNames joins,
// are one sector.
func (x *mispReader) sector(s string) (string, bool) {
	name := strings.TrimSpace(s)
	folded := textmatch.Fold(name)
	switch {
	case name == "":
		x.skip(mispSkipEmpty)
		return "", false
	case mispNothing[folded]:
		x.skip(mispSkipNothing)
		return "", false
	case mispNotSectors[folded] || slug(folded) == "":
		x.report.unmatched(mispUnmatchedSector, name)
		return "", false
	}
	canonical, renamed := mispSectorNames[folded]
	if !renamed {
		canonical = name
	}
	key := slug(textmatch.Fold(canonical))
	sec := x.sectors[key]
	if sec == nil {
		sec = &mispSector{name: canonical}
		x.sectors[key] = sec
	}
	if renamed {
		sec.name = canonical // the table's name wins over a spelling seen first
	}
	if !slices.ContainsFunc(sec.spellings, func(o string) bool { return textmatch.Fold(o) == folded }) {
		sec.spellings = append(sec.spellings, name)
	}
	return key, true
}

// reference makes a URL of meta.refs a source: its id is the STIX
// importer's (sourceID), its title the URL's host and path.
func (x *mispReader) reference(raw string, at mispWhere) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		x.skip(mispSkipEmpty)
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bump(&x.report.References, refBadURL)
		return "", false
	}
	id := sourceID(u, raw)
	title := u.Host + strings.TrimRight(u.Path, "/")
	if old, seen := x.sources[id]; seen {
		switch {
		case old.URL == raw:
		case strings.HasPrefix(id, "attack-"):
			// Two spellings of one ATT&CK page ("/G0065/", "/G0065"):
			// keep the smaller, whatever the order of the file.
			if raw < old.URL {
				x.sources[id] = graph.Source{ID: id, Title: title, URL: raw}
			}
		default:
			// Two URLs with one hash (2^-64): never merge them silently.
			x.problem(at, "the URLs %s and %s have the same source id %s", old.URL, raw, id)
			return "", false
		}
		bump(&x.report.References, refRepeat)
		return id, true
	}
	x.sources[id] = graph.Source{ID: id, Title: title, URL: raw}
	bump(&x.report.References, refNew)
	return id, true
}

// related reads an entry's related list; what it becomes is decided once
// every entry is known (resolveRelated).
func (x *mispReader) related(e *mispEntry, raw json.RawMessage) bool {
	if raw == nil || isNull(raw) {
		return true
	}
	if k := rawKind(raw); k != "a list" {
		x.problem(e.at, "related is %s, not a list", k)
		return false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		x.problem(e.at, "related: %v", err)
		return false
	}
	ok := true
	for i, item := range items {
		if k := rawKind(item); k != "an object" {
			x.problem(e.at, "related[%d] is %s, not an object", i, k)
			ok = false
			continue
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(item, &fields); err != nil {
			x.problem(e.at, "related[%d]: %v", i, err)
			ok = false
			continue
		}
		dest, okDest := x.str(e.at, fmt.Sprintf("related[%d].dest-uuid", i), fields["dest-uuid"])
		typ, okType := x.str(e.at, fmt.Sprintf("related[%d].type", i), fields["type"])
		if !okDest || !okType {
			ok = false
			continue
		}
		if dest = strings.TrimSpace(dest); dest == "" {
			x.problem(e.at, "related[%d] has no dest-uuid", i)
			ok = false
			continue
		}
		e.related = append(e.related, mispRelatedEntry{dest: strings.ToLower(dest), typ: strings.TrimSpace(typ)})
	}
	return ok
}

// mispSlug is the slug of a name for an id: folded (accents away), at most
// mispMaxSlug characters.
func mispSlug(name string) string {
	s := slug(textmatch.Fold(name))
	if len(s) > mispMaxSlug {
		s = strings.TrimRight(s[:mispMaxSlug], "-.")
	}
	return s
}

// assignIDs gives every entry its id: "misp-" and the slug of its value;
// when several values have one slug, each adds its uuid; a value without a
// slug (no letter or digit of the Latin alphabet) is its uuid.
func (x *mispReader) assignIDs() {
	count := map[string]int{}
	for _, e := range x.entries {
		count[mispSlug(e.value)]++
	}
	for _, e := range x.entries {
		s := mispSlug(e.value)
		switch {
		case s == "":
			e.id = mispIDPrefix + e.uuid
		case count[s] > 1:
			e.id = mispIDPrefix + s + "-" + e.uuid
		default:
			e.id = mispIDPrefix + s
		}
	}
}

// allows reports whether row may name the Base entity b.
func (row mispRelatedType) allows(b graph.Entity) bool {
	typ, _, _ := strings.Cut(strings.ToLower(b.Attr(attrSTIXID)), "--")
	if !slices.Contains(row.STIXTypes, typ) {
		return false
	}
	if row.Join {
		return b.Kind == mispJoinKind
	}
	rt, ok := graph.LookupRelationType(row.Relation)
	return ok && rt.Allows(graph.ThreatActor, b.Kind)
}

// resolveRelated decides what each related entry becomes, now that every
// entry is known.
//
// A join gives an entry the stix_id of a Base actor its related entries
// name (similar, same-as). When they name several, the one with the
// entry's name (folded) is joined, if only one has it; else none. When
// several entries name one Base actor, the one with its name is joined, if
// only one has it; else none. Merge would join only one of them anyway.
func (x *mispReader) resolveRelated() {
	type pending struct {
		e   *mispEntry
		sid string
	}
	var joins []pending
	for _, e := range x.entries {
		links := map[mispBaseLink]bool{}
		for _, rel := range e.related {
			row, ok := mispRelated[rel.typ]
			if !ok {
				bump(&x.report.Related, mispRelNoMapping)
				typ := rel.typ
				if typ == "" {
					typ = "(none)"
				}
				x.report.unmatched(mispUnmatchedRelated, typ)
				continue
			}
			var found []int
			for _, i := range x.baseUUID[rel.dest] {
				if row.allows(x.opts.Base[i]) {
					found = append(found, i)
				}
			}
			switch {
			case len(found) == 0 && len(x.baseUUID[rel.dest]) > 0:
				bump(&x.report.Related, mispRelWrongType)
				continue
			case len(found) == 0 && x.byUUID[rel.dest] != nil:
				bump(&x.report.Related, mispRelGalaxy)
				continue
			case len(found) == 0:
				bump(&x.report.Related, mispRelUnknown)
				continue
			}
			if row.Join {
				// Base entities sharing a stix_id are one candidate: Merge
				// joins by the id, and reports Base duplicates itself.
				sid := strings.ToLower(strings.TrimSpace(x.opts.Base[found[0]].Attr(attrSTIXID)))
				if slices.Contains(e.cands, sid) {
					bump(&x.report.Related, mispRelDuplicated)
					continue
				}
				e.cands = append(e.cands, sid)
				joins = append(joins, pending{e, sid})
				continue
			}
			ids := map[string]bool{}
			for _, i := range found {
				ids[x.opts.Base[i].ID] = true
			}
			if len(ids) > 1 {
				bump(&x.report.Related, mispRelAmbiguous)
				x.report.Ambiguous = append(x.report.Ambiguous, fmt.Sprintf("%s (%s): %s %s names %d Base entities: %s",
					e.id, e.value, rel.typ, rel.dest, len(ids), strings.Join(slices.Sorted(maps.Keys(ids)), ", ")))
				continue
			}
			link := mispBaseLink{typ: row.Relation, to: x.opts.Base[found[0]].ID}
			if links[link] {
				bump(&x.report.Related, mispRelDuplicated)
				continue
			}
			links[link] = true
			e.targets = append(e.targets, link)
			bump(&x.report.Related, mispRelRelation)
		}
	}

	named := func(e *mispEntry, sid string) bool { return x.stixNames[sid][textmatch.Fold(e.value)] > 0 }
	// First each entry chooses among the Base actors it names...
	choice := map[*mispEntry]string{}
	byName := map[*mispEntry]bool{}
	claims := map[string][]*mispEntry{}
	for _, e := range x.entries {
		switch len(e.cands) {
		case 0:
			continue
		case 1:
			choice[e] = e.cands[0]
		default:
			var same []string
			for _, sid := range e.cands {
				if named(e, sid) {
					same = append(same, sid)
				}
			}
			if len(same) != 1 {
				names := make([]string, len(e.cands))
				for i, sid := range e.cands {
					names[i] = x.baseNames(sid)
				}
				x.report.Ambiguous = append(x.report.Ambiguous, fmt.Sprintf("%s (%s): names %d Base actors, %d of them named %s: %s",
					e.id, e.value, len(e.cands), len(same), e.value, strings.Join(names, ", ")))
				continue
			}
			choice[e], byName[e] = same[0], true
		}
		claims[choice[e]] = append(claims[choice[e]], e)
	}
	// ... then each Base actor takes the one entry that chose it.
	for _, sid := range slices.Sorted(maps.Keys(claims)) {
		es := claims[sid]
		if len(es) == 1 {
			es[0].stixID, es[0].byName = sid, byName[es[0]]
			continue
		}
		var same []*mispEntry
		for _, e := range es {
			if named(e, sid) {
				same = append(same, e)
			}
		}
		ids := make([]string, len(es))
		for i, e := range es {
			ids[i] = e.id
		}
		if len(same) != 1 {
			x.report.Ambiguous = append(x.report.Ambiguous, fmt.Sprintf("%s: named by %d entries, %d of them with its name: %s",
				x.baseNames(sid), len(es), len(same), strings.Join(ids, ", ")))
			continue
		}
		same[0].stixID, same[0].byName = sid, true
	}
	joined := map[string]bool{}
	for _, e := range x.entries {
		joined[e.stixID] = e.stixID != ""
	}
	for _, j := range joins {
		switch {
		case j.e.stixID == j.sid && j.e.byName:
			bump(&x.report.Related, mispRelJoinedBy)
		case j.e.stixID == j.sid:
			bump(&x.report.Related, mispRelJoined)
		case j.e.stixID != "":
			bump(&x.report.Related, mispRelNotChosen)
		case joined[j.sid]:
			bump(&x.report.Related, mispRelTaken)
		default:
			bump(&x.report.Related, mispRelAmbiguous)
		}
	}
	for _, e := range x.entries {
		if e.stixID != "" {
			x.report.Joined++
		}
	}
	sort.Strings(x.report.Ambiguous)
}

// baseNames names the Base entities with a stix_id for the report:
// "attack-g0059 Magic Hound (intrusion-set--...)".
func (x *mispReader) baseNames(sid string) string {
	_, uuid, _ := strings.Cut(sid, "--")
	var names []string
	for _, i := range x.baseUUID[uuid] {
		if b := x.opts.Base[i]; strings.EqualFold(strings.TrimSpace(b.Attr(attrSTIXID)), sid) {
			names = append(names, b.ID+" "+b.Name)
		}
	}
	return strings.Join(names, " and ") + " (" + sid + ")"
}

// mispExisting is the Base, as graph's validation sees it.
type mispExisting map[string]graph.Kind

func (m mispExisting) EntityKind(id string) graph.Kind { return m[id] }
func (mispExisting) HasSource(string) bool             { return false }

// freeID returns id, or id and a number, so that the entity is not taken
// for another: an id of the batch, or of a Base entity Merge would not join
// e to (two entities with one id after Merge).
func (x *mispReader) freeID(e graph.Entity, used map[string]bool, ix **mergeIndex) string {
	id := e.ID
	free := func(id string) bool {
		if used[id] {
			return false
		}
		pos, inBase := x.baseIDs[id]
		if !inBase {
			return true
		}
		if *ix == nil {
			*ix = newMergeIndex(x.opts.Base)
		}
		e.ID = id
		target, _, _ := (*ix).match(e, nil)
		return target == pos
	}
	for n := 2; !free(id); n++ {
		id = fmt.Sprintf("%s-%d", e.ID, n)
	}
	used[id] = true
	return id
}

// mispRelationID is "<from>:<type>:<to>", or a hash of it when that is too long.
func mispRelationID(from, typ, to string) string {
	id := from + ":" + strings.ToLower(typ) + ":" + to
	if graph.ValidID(id) {
		return id
	}
	h := sha256.Sum256([]byte(id))
	return "misp-rel-" + hex.EncodeToString(h[:8])
}

// batch makes the batch, checks it as a store would (with the Base as what
// exists), and counts it in the report.
func (x *mispReader) batch() graph.Batch {
	var b graph.Batch
	var entityAt, relationAt []string
	ds := x.dataset.source()
	x.sources[ds.ID] = ds
	for _, id := range slices.Sorted(maps.Keys(x.sources)) {
		b.Sources = append(b.Sources, x.sources[id])
		if id == ds.ID {
			bump(&x.report.Sources, mispSourceDataset)
		} else {
			bump(&x.report.Sources, mispSourceRef)
		}
	}
	used := map[string]bool{}
	var ix *mergeIndex
	dsOnly := []string{ds.ID}

	for _, e := range x.entries {
		ent := graph.Entity{ID: e.id, Kind: graph.ThreatActor, Name: e.value, Aliases: e.synonyms,
			Description: e.description,
			Attributes:  []graph.Attribute{{Key: attrMISPUUID, Value: e.uuid}},
			Sources:     append([]string{ds.ID}, e.refs...)}
		if e.stixID != "" {
			ent.Attributes = append(ent.Attributes, graph.Attribute{Key: attrSTIXID, Value: e.stixID})
		}
		ent.Normalize()
		ent.ID = x.freeID(ent, used, &ix)
		e.id = ent.ID
		b.Entities = append(b.Entities, ent)
		entityAt = append(entityAt, e.at.String())
	}
	countryID := map[string]string{}
	for _, iso := range slices.Sorted(maps.Keys(x.countries)) {
		ent := x.countries[iso].entity(dsOnly)
		ent.ID = x.freeID(ent, used, &ix)
		countryID[iso] = ent.ID
		b.Entities = append(b.Entities, ent)
		entityAt = append(entityAt, "country "+iso)
	}
	for _, key := range slices.Sorted(maps.Keys(x.sectors)) {
		sec := x.sectors[key]
		ent := graph.Entity{ID: mispSlug(sec.name), Kind: graph.Sector, Name: sec.name, Sources: dsOnly}
		for _, s := range sec.spellings {
			if textmatch.Fold(s) != textmatch.Fold(sec.name) {
				ent.Aliases = append(ent.Aliases, s)
			}
		}
		ent.Normalize()
		ent.ID = x.freeID(ent, used, &ix)
		sec.id = ent.ID
		b.Entities = append(b.Entities, ent)
		entityAt = append(entityAt, "sector "+sec.name)
	}

	// A relation cites the dataset, whose entry states it (its meta:
	// country, cfr-suspected-victims ...), not the entry's refs: MISP gives
	// those for the entry as a whole, and they stay on the entity as its
	// references (APT40's cover the group in general, none its targeting of
	// Norway).
	for _, e := range x.entries {
		add := func(typ, to string, confidence *int) {
			r := graph.Relation{ID: mispRelationID(e.id, typ, to), Type: typ, From: e.id, To: to,
				Sources: slices.Clone(dsOnly)}
			if confidence != nil {
				c := *confidence
				r.Confidence = &c
			}
			r.Normalize()
			b.Relations = append(b.Relations, r)
			relationAt = append(relationAt, e.at.String())
			bump(&x.report.Relations, typ)
		}
		for _, iso := range e.countries {
			add("ATTRIBUTED_TO", countryID[iso], e.confidence)
		}
		if len(e.countries) == 0 && e.confidence != nil {
			x.skip(mispSkipConfidence)
		}
		for _, iso := range e.victims {
			add("TARGETED", countryID[iso], nil)
		}
		for _, key := range e.sectors {
			add("TARGETED", x.sectors[key].id, nil)
		}
		for _, t := range e.targets {
			add(t.typ, t.to, nil)
		}
	}

	for _, p := range b.Validate(mispExisting(x.baseKinds)) {
		switch p.Item {
		case "entity":
			x.problemAt(entityAt[p.Index], "%s: %s", p.Field, p.Message)
		case "relation":
			x.problemAt(relationAt[p.Index], "%s: %s", p.Field, p.Message)
		default:
			x.problemAt(fmt.Sprintf("source %q", b.Sources[p.Index].ID), "%s: %s", p.Field, p.Message)
		}
	}
	for _, e := range b.Entities {
		if x.report.Entities == nil {
			x.report.Entities = map[graph.Kind]int{}
		}
		x.report.Entities[e.Kind]++
	}
	// Merge matches entities in batch order, and a base entity takes one:
	// the actors joined by STIX id come first, so that an earlier entity
	// matching by alias cannot take the Base actor their join names.
	sort.Slice(b.Entities, func(i, j int) bool {
		ji, jj := b.Entities[i].Attr(attrSTIXID) != "", b.Entities[j].Attr(attrSTIXID) != ""
		if ji != jj {
			return ji
		}
		return b.Entities[i].ID < b.Entities[j].ID
	})
	sort.Slice(b.Relations, func(i, j int) bool { return b.Relations[i].ID < b.Relations[j].ID })
	return b
}
