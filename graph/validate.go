package graph

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one thing wrong with a batch. Item and Index say which element
// ("source", "entity" or "relation" and its position in the batch), Field
// which of its fields, so a loader can point at the file and line.
type Problem struct {
	Item    string
	Index   int
	Field   string
	Message string
}

func (p Problem) Error() string {
	return fmt.Sprintf("%s #%d: %s: %s", p.Item, p.Index+1, p.Field, p.Message)
}

// Existing tells what a store already holds, for references a batch does not
// define itself. Kind returns "" for unknown entities.
type Existing interface {
	EntityKind(id string) Kind
	HasSource(id string) bool
}

// NoneExisting is an empty store.
type NoneExisting struct{}

func (NoneExisting) EntityKind(string) Kind { return "" }
func (NoneExisting) HasSource(string) bool  { return false }

// ValidID reports whether s can be an id: lower-case letters, digits and . _ : -,
// starting with a letter or digit, at most 200 characters.
func ValidID(s string) bool {
	if s == "" || len(s) > maxIDBytes {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case i > 0 && (r == '.' || r == '_' || r == ':' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// Limits of the size of what a batch holds, so that no dataset or writer can
// store values that make every answer that reads them huge (a 1-MB name, 32
// aliases of it, made a 96-MB answer). The public data is well inside them:
// its longest name has 301 characters, alias 50, description 4,692 bytes,
// title 614 characters, URL 626 bytes; at most 40 aliases and 201 sources.
const (
	MaxNameChars        = 500    // name of an entity, in characters
	MaxAliasChars       = 200    // one alias
	MaxAliases          = 200    // aliases of one entity
	MaxDescriptionBytes = 20_000 // description of an entity or relation, an alternative's value
	MaxAttributes       = 50     // attributes of one entity
	MaxAttributeBytes   = 2_000  // one attribute's value (keys: 64)
	MaxItemSources      = 1_000  // sources cited by one entity, relation or alternative
	MaxTitleChars       = 1_000  // title of a source
	MaxShortChars       = 300    // a source's publisher, a relation's role
	MaxURLBytes         = 2_000  // a source's URL
)

// SizeProblems returns the problems of sizes alone: each value over one of
// the limits above, naming the item, its id and the field. It costs a pass
// over the batch and nothing else, so readers call it before merging.
func (b *Batch) SizeProblems() []Problem {
	var ps []Problem
	over := func(item string, i int, id, field string, n, limit int, unit string) {
		if n > limit {
			ps = append(ps, Problem{item, i, field, fmt.Sprintf("%q: %d %s long; the limit is %d", shortID(id), n, unit, limit)})
		}
	}
	count := func(item string, i int, id, field string, n, limit int) {
		if n > limit {
			ps = append(ps, Problem{item, i, field, fmt.Sprintf("%q: %d of them; the limit is %d", shortID(id), n, limit)})
		}
	}
	chars := utf8.RuneCountInString
	for i, s := range b.Sources {
		over("source", i, s.ID, "id", len(s.ID), maxIDBytes, "bytes")
		over("source", i, s.ID, "title", chars(s.Title), MaxTitleChars, "characters")
		over("source", i, s.ID, "publisher", chars(s.Publisher), MaxShortChars, "characters")
		over("source", i, s.ID, "url", len(s.URL), MaxURLBytes, "bytes")
	}
	for i, e := range b.Entities {
		over("entity", i, e.ID, "id", len(e.ID), maxIDBytes, "bytes")
		over("entity", i, e.ID, "name", chars(e.Name), MaxNameChars, "characters")
		count("entity", i, e.ID, "aliases", len(e.Aliases), MaxAliases)
		for _, a := range e.Aliases {
			over("entity", i, e.ID, "aliases", chars(a), MaxAliasChars, "characters")
		}
		over("entity", i, e.ID, "description", len(e.Description), MaxDescriptionBytes, "bytes")
		count("entity", i, e.ID, "attributes", len(e.Attributes), MaxAttributes)
		for _, a := range e.Attributes {
			over("entity", i, e.ID, "attributes", len(a.Key), 64, "bytes")
			over("entity", i, e.ID, "attributes."+shortID(a.Key), len(a.Value), MaxAttributeBytes, "bytes")
		}
		count("entity", i, e.ID, "sources", len(e.Sources), MaxItemSources)
		count("entity", i, e.ID, "alternatives", len(e.Alternatives), MaxAliases)
		for _, a := range e.Alternatives {
			over("entity", i, e.ID, "alternatives", len(a.Value), MaxDescriptionBytes, "bytes")
			count("entity", i, e.ID, "alternatives.sources", len(a.Sources), MaxItemSources)
		}
	}
	for i, r := range b.Relations {
		over("relation", i, r.ID, "id", len(r.ID), maxIDBytes, "bytes")
		over("relation", i, r.ID, "role", chars(r.Role), MaxShortChars, "characters")
		over("relation", i, r.ID, "description", len(r.Description), MaxDescriptionBytes, "bytes")
		count("relation", i, r.ID, "sources", len(r.Sources), MaxItemSources)
	}
	return ps
}

// maxIDBytes is the longest id ValidID takes.
const maxIDBytes = 200

// shortID cuts a value for a message.
func shortID(s string) string {
	if len(s) > 60 {
		for i := 60; i > 0; i-- {
			if utf8.RuneStart(s[i]) {
				return escape(s[:i]) + "…"
			}
		}
	}
	return escape(s)
}

// Validate returns every problem of the batch, in batch order; references may
// point into the batch or at what ex holds. Sizes are checked first, and a
// batch with values over the limits is not looked at further.
func (b *Batch) Validate(ex Existing) []Problem {
	if ps := b.SizeProblems(); len(ps) > 0 {
		return ps
	}
	var ps []Problem
	add := func(item string, i int, field, format string, args ...any) {
		ps = append(ps, Problem{item, i, field, fmt.Sprintf(format, args...)})
	}
	sources := map[string]bool{}
	for i, s := range b.Sources {
		if !ValidID(s.ID) {
			add("source", i, "id", "%q is not a valid id (lower-case letters, digits and . _ : -)", s.ID)
		} else if sources[s.ID] {
			add("source", i, "id", "duplicate source id %q", s.ID)
		}
		sources[s.ID] = true
		if strings.TrimSpace(s.Title) == "" {
			add("source", i, "title", "a source needs a title")
		}
		if s.URL != "" {
			if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				add("source", i, "url", "%q is not an http(s) URL", s.URL)
			}
		}
		if s.Language != "" && !validLanguage(s.Language) {
			add("source", i, "language", "%q is not a BCP 47 language tag such as \"en\" or \"fr\"", s.Language)
		}
	}
	hasSource := func(id string) bool { return sources[id] || ex.HasSource(id) }
	checkSources := func(item string, i int, ids []string) {
		if len(ids) == 0 {
			add(item, i, "sources", "every %s needs at least one source", item)
		}
		for _, id := range ids {
			if !hasSource(id) {
				add(item, i, "sources", "unknown source %q", id)
			}
		}
	}
	checkDates := func(item string, i int, start, end PartialDate) {
		if !start.IsZero() && !end.IsZero() && end.Last() < start.First() {
			add(item, i, "end", "end %s is before start %s", end, start)
		}
	}

	kinds := map[string]Kind{}
	for i, e := range b.Entities {
		if !ValidID(e.ID) {
			add("entity", i, "id", "%q is not a valid id (lower-case letters, digits and . _ : -)", e.ID)
		} else if _, dup := kinds[e.ID]; dup {
			add("entity", i, "id", "duplicate entity id %q", e.ID)
		}
		kinds[e.ID] = e.Kind
		if !e.Kind.Valid() {
			add("entity", i, "kind", "unknown kind %q (want one of %v)", e.Kind, Kinds)
		}
		if strings.TrimSpace(e.Name) == "" {
			add("entity", i, "name", "an entity needs a name")
		}
		for _, a := range e.Aliases {
			if strings.TrimSpace(a) == "" {
				add("entity", i, "aliases", "empty alias")
			}
		}
		seen := map[string]bool{}
		for _, a := range e.Attributes {
			if a.Key == "" || seen[a.Key] {
				add("entity", i, "attributes", "attribute key %q is empty or repeated", a.Key)
			}
			seen[a.Key] = true
		}
		checkDates("entity", i, e.Start, e.End)
		checkSources("entity", i, e.Sources)
		for _, alt := range e.Alternatives {
			switch alt.Field {
			case "description":
			case "start", "end":
				if _, err := ParseDate(alt.Value); err != nil {
					add("entity", i, "alternatives", "%s %q: %v", alt.Field, alt.Value, err)
				}
			default:
				add("entity", i, "alternatives", "field %q cannot have alternatives (want one of %v)", alt.Field, AlternativeFields)
			}
			if strings.TrimSpace(alt.Value) == "" {
				add("entity", i, "alternatives", "an alternative %s needs a value", alt.Field)
			}
			checkSources("entity", i, alt.Sources)
		}
	}
	kindOf := func(id string) Kind {
		if k, ok := kinds[id]; ok {
			return k
		}
		return ex.EntityKind(id)
	}

	ids := map[string]bool{}
	for i, r := range b.Relations {
		if !ValidID(r.ID) {
			add("relation", i, "id", "%q is not a valid id", r.ID)
		} else if ids[r.ID] {
			add("relation", i, "id", "duplicate relation id %q (give one of the two claims its own id)", r.ID)
		}
		ids[r.ID] = true
		t, known := LookupRelationType(r.Type)
		if !known {
			add("relation", i, "type", "unknown relation type %q (see the vocabulary in graph/vocabulary.go)", r.Type)
		}
		from, to := kindOf(r.From), kindOf(r.To)
		if from == "" {
			add("relation", i, "from", "relation '%s' from unknown entity '%s'", escape(r.Type), escape(r.From))
		}
		if to == "" {
			add("relation", i, "to", "relation '%s' to unknown entity '%s'", escape(r.Type), escape(r.To))
		}
		if known && from != "" && to != "" && !t.Allows(from, to) {
			add("relation", i, "type", "%s cannot join a %s (%s) to a %s (%s)", r.Type, from, escape(r.From), to, escape(r.To))
		}
		if r.From == r.To && r.From != "" {
			add("relation", i, "to", "a relation cannot join %q to itself", r.From)
		}
		if r.Confidence != nil && (*r.Confidence < 0 || *r.Confidence > 100) {
			add("relation", i, "confidence", "%d is not between 0 and 100", *r.Confidence)
		}
		checkDates("relation", i, r.Start, r.End)
		checkSources("relation", i, r.Sources)
	}
	return ps
}

// Check is Validate for callers that want one error: nil, or an ErrInvalid
// error listing the problems (the first MaxProblems of them).
func (b *Batch) Check(ex Existing) error {
	return ProblemsError(b.Validate(ex))
}

// MaxProblems is how many problems an error lists; it counts the others.
const MaxProblems = 20

// ProblemsError is nil for no problems, else an ErrInvalid error listing the
// first MaxProblems and counting the rest.
func ProblemsError(ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, 0, MaxProblems+1)
	for i, p := range ps {
		if i == MaxProblems {
			msgs = append(msgs, fmt.Sprintf("and %d more problems", len(ps)-MaxProblems))
			break
		}
		msgs = append(msgs, p.Error())
	}
	return &Error{Kind: ErrInvalid, Message: strings.Join(msgs, "; ")}
}

// escape writes a value of the input for a message: as it is, or with Go
// escapes (\n, \t, \x00...) when it holds anything unprintable, so that a
// problem stays on one line and cannot pass for another one.
func escape(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !strconv.IsPrint(r) }) < 0 {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

func validLanguage(s string) bool {
	for _, part := range strings.Split(s, "-") {
		if len(part) < 2 || len(part) > 8 {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// Normalize sorts and de-duplicates what order does not matter in, so that
// stores hold, and return, one form: attributes by key, aliases as given
// (first occurrence kept), sources sorted.
func (e *Entity) Normalize() {
	e.Attributes = append([]Attribute(nil), e.Attributes...)
	sort.SliceStable(e.Attributes, func(i, j int) bool { return e.Attributes[i].Key < e.Attributes[j].Key })
	e.Aliases = dedupe(e.Aliases, false)
	e.Sources = dedupe(e.Sources, true)
	if len(e.Alternatives) == 0 {
		e.Alternatives = nil // one form: no alternatives is nil
	} else {
		alts := make([]Alternative, len(e.Alternatives))
		for i, a := range e.Alternatives {
			a.Sources = dedupe(a.Sources, true)
			alts[i] = a
		}
		e.Alternatives = alts
	}
}

// Normalize sorts a relation's sources.
func (r *Relation) Normalize() { r.Sources = dedupe(r.Sources, true) }

func dedupe(xs []string, sorted bool) []string {
	out := make([]string, 0, len(xs))
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	if sorted {
		sort.Strings(out)
	}
	return out
}

// The checks below bound every query. Stores call them first.

func invalid(format string, args ...any) error { return Errorf(ErrInvalid, format, args...) }

func checkLimit(name string, n, max int) error {
	if n < 1 || n > max {
		return invalid("%s must be between 1 and %d, not %d", name, max, n)
	}
	return nil
}

// CheckIDs bounds a batch of ids.
func CheckIDs(ids []string) error {
	if len(ids) > MaxIDs {
		return invalid("at most %d ids at once, not %d", MaxIDs, len(ids))
	}
	return nil
}

func checkKinds(kinds []Kind) error {
	for _, k := range kinds {
		if !k.Valid() {
			return invalid("unknown kind %q", k)
		}
	}
	return nil
}

// Check validates a filter.
func (f *Filter) Check() error {
	if err := checkKinds(f.Kinds); err != nil {
		return err
	}
	for _, t := range f.RelationTypes {
		if _, ok := LookupRelationType(t); !ok {
			return invalid("unknown relation type %q", t)
		}
	}
	if f.MinConfidence != nil && (*f.MinConfidence < 0 || *f.MinConfidence > 100) {
		return invalid("minConfidence must be between 0 and 100")
	}
	if !f.Window.From.IsZero() && !f.Window.To.IsZero() && f.Window.To.Last() < f.Window.From.First() {
		return invalid("the time window ends (%s) before it starts (%s)", f.Window.To, f.Window.From)
	}
	return nil
}

// Check validates a search.
func (q *SearchQuery) Check() error {
	if strings.TrimSpace(q.Text) == "" {
		return invalid("the search query is empty")
	}
	if utf8.RuneCountInString(q.Text) > maxQueryLength {
		return invalid("the search query is longer than %d characters", maxQueryLength)
	}
	if err := checkKinds(q.Kinds); err != nil {
		return err
	}
	return checkLimit("first", q.Limit, MaxSearch)
}

// Check validates a listing.
func (q *ListQuery) Check() error {
	if err := checkKinds(q.Kinds); err != nil {
		return err
	}
	return checkLimit("first", q.Limit, MaxPage)
}

// Check validates a relation query.
func (q *RelationQuery) Check() error {
	switch q.Direction {
	case Out, In, Both:
	default:
		return invalid("direction must be OUT, IN or BOTH")
	}
	return checkLimit("first", q.Limit, MaxRelations)
}

// Check validates a neighbourhood query.
func (q *NeighborhoodQuery) Check() error {
	if len(q.IDs) == 0 {
		return invalid("ids must name at least one entity")
	}
	if err := CheckIDs(q.IDs); err != nil {
		return err
	}
	if q.Depth < 0 || q.Depth > MaxDepth {
		return invalid("depth must be between 0 and %d, not %d", MaxDepth, q.Depth)
	}
	if err := checkLimit("limit", q.Limit, MaxNodes); err != nil {
		return err
	}
	return q.Filter.Check()
}

// Check validates a path query.
func (q *PathQuery) Check() error {
	if err := checkLimit("maxLength", q.MaxLength, MaxPathLength); err != nil {
		return err
	}
	if err := checkLimit("first", q.Limit, MaxPaths); err != nil {
		return err
	}
	return q.Filter.Check()
}

// Check validates a timeline query.
func (q *TimelineQuery) Check() error {
	if err := CheckIDs(q.Entities); err != nil {
		return err
	}
	f := Filter{Kinds: q.Kinds, Window: q.Window, MinConfidence: q.MinConfidence}
	if err := f.Check(); err != nil {
		return err
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return invalid("the cursor is not valid")
	}
	if a := q.After; a != nil && (a.First < MinDay || a.First > MaxDay || a.Precision < NoDate || a.Precision > DayPrecision) {
		return invalid("the cursor is not valid")
	}
	return checkLimit("first", q.Limit, MaxPage)
}

// IsInvalid reports whether err is an ErrInvalid error.
func IsInvalid(err error) bool { return errors.Is(err, ErrInvalid) }
