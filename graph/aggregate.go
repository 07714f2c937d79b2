package graph

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"
)

// Aggregates count the acts of the graph (attributions, incidents, legal
// and political responses) by year, by who acted, by whom they name, by
// victim, by sector and by type, and measure the time from an incident to
// its attribution. This file defines them once: what each measure counts,
// what each dimension reads, the filters, the order of buckets and the
// statistics. The memory store calls the functions below; the Neo4j store
// expresses the same rules in Cypher, and storetest (AggregateCases) holds
// both to the same answers.

// Aggregator is a store that computes aggregates. Both stores implement it;
// the API says so when a store does not.
type Aggregator interface {
	// Aggregate counts the items of q.Measure that pass q's filters, in one
	// bucket per combination of keys of q.GroupBy.
	Aggregate(ctx context.Context, q AggregateQuery) (AggregateResult, error)
	// TimeToAttribution groups attributions as Aggregate does and gives, in
	// each bucket, the distribution of the time from the start of each
	// incident an attribution CONCERNS to the attribution's date (see LagOf).
	// q.Measure must be Attributions.
	TimeToAttribution(ctx context.Context, q AggregateQuery) (LagResult, error)
}

// Limits of an aggregate, checked by AggregateQuery.Check.
const (
	MaxGroupBy      = 2     // dimensions of one aggregate
	MaxBuckets      = 1000  // buckets of one answer
	MaxBucketIDs    = 500   // ids of one bucket
	MaxConditions   = 4     // where conditions
	MaxDatasets     = 20    // datasets of the filter
	MaxWideDays     = 36600 // the widest "wide" threshold of TimeToAttribution
	DefaultWideDays = 31    // an interval known to no better than a month is wide
)

// Measure is what an aggregate counts.
type Measure string

const (
	// Attributions: EVENTs whose event_type is ATTRIBUTION.
	Attributions Measure = "ATTRIBUTIONS"
	// Incidents: CAMPAIGNs (EuRepoC's incidents, ATT&CK's campaigns, the
	// curated ones) and EVENTs whose event_type is one of IncidentEventTypes.
	Incidents Measure = "INCIDENTS"
	// LegalResponses: INDICTMENTs (indictments, sanctions, investigations).
	// EVENTs of event_type LEGAL_ACTION announce an indictment and are not
	// counted again.
	LegalResponses Measure = "LEGAL_RESPONSES"
	// PoliticalResponses: EVENTs whose event_type is POLITICAL_RESPONSE.
	PoliticalResponses Measure = "POLITICAL_RESPONSES"
)

// Measures lists the measures, in the order of the GraphQL enum.
var Measures = []Measure{Attributions, Incidents, LegalResponses, PoliticalResponses}

// The attributes aggregates read.
const (
	EventTypeKey        = "event_type"
	AttributionTypeKey  = "attribution_type"
	AttributionBasisKey = "attribution_basis"
	LegalActionKey      = "legal_action"
	ResponseTypeKey     = "response_type"
)

// IncidentEventTypes are the event types of EVENTs that are incidents
// themselves: an intrusion, a hack-and-leak.
var IncidentEventTypes = []string{"INTRUSION", "LEAK"}

// MeasureItems are the kinds a measure counts, and for its EVENTs the event
// types.
func (m Measure) MeasureItems() (kinds []Kind, eventTypes []string) {
	switch m {
	case Attributions:
		return []Kind{Event}, []string{"ATTRIBUTION"}
	case Incidents:
		return []Kind{Campaign, Event}, IncidentEventTypes
	case LegalResponses:
		return []Kind{Indictment}, nil
	case PoliticalResponses:
		return []Kind{Event}, []string{"POLITICAL_RESPONSE"}
	}
	return nil, nil
}

// Valid reports whether m is one of Measures.
func (m Measure) Valid() bool { return slices.Contains(Measures, m) }

// Counts reports whether the measure counts the entity.
func (m Measure) Counts(e *Entity) bool {
	kinds, types := m.MeasureItems()
	if !slices.Contains(kinds, e.Kind) {
		return false
	}
	return e.Kind != Event || slices.Contains(types, e.Attr(EventTypeKey))
}

// IsIncident reports whether e is an incident: what attributions and
// responses CONCERN, and whose victims and sectors they are counted by.
func IsIncident(e *Entity) bool { return Incidents.Counts(e) }

// Dimension is what buckets are keyed by.
type Dimension string

// The dimensions. "Incidents of an item" are the item itself for
// Incidents, and for the other measures the incidents (IsIncident) it
// CONCERNS. Each reads relations out of the item or its incidents:
//
//	YEAR                the year of the item's own date (Start)
//	MONTH               its month; a date known to the year only is keyed by
//	                    the year itself ("2021": some month of 2021, never a
//	                    month invented), an undated item by no key
//	ATTRIBUTING_COUNTRY the states that issued the item (attributing,
//	                    indicting or responding), along sourced chains:
//	                    the COUNTRYs it is ISSUED_BY, and those whose
//	                    government an issuer is or belongs to (ISSUED_BY
//	                    an agency or official, then up to two PART_OF or
//	                    WORKS_FOR, then GOVERNMENT_OF); with none, an
//	                    attribution "by receiver government" (its
//	                    attribution_basis) is the receiver's: the COUNTRY
//	                    its incidents TARGETED, when there is one (with
//	                    several receivers, which one attributed is not
//	                    said: none). An attribution by a
//	                    company, the media or the attacker itself (by its
//	                    basis, see AttributorType) has none: the country a
//	                    dataset gives it is the attributor's home, not an
//	                    attributing state
//	ATTRIBUTOR_TYPE     who attributed, by kind (AttributorTypes): what
//	                    the attribution_basis says (BasisAttributorTypes);
//	                    without a basis that says it, STATE when the item
//	                    has an ATTRIBUTING_COUNTRY, and the kind of each
//	                    ORGANIZATION it is ISSUED_BY (OrgTypeAttributorTypes);
//	                    none (unknown) otherwise
//	ATTRIBUTING_ACTOR   the other entities it is ISSUED_BY (agencies,
//	                    companies, officials)
//	ATTRIBUTED_COUNTRY  attributions: the COUNTRYs they ACCUSE; other
//	                    measures: the COUNTRYs they ACCUSE and those their
//	                    incidents are ATTRIBUTED_TO (for incidents, the
//	                    initiator coding: EuRepoC's initiator country)
//	ACCUSED_COUNTRY     the COUNTRYs an attribution names: attributions, the
//	                    COUNTRYs they ACCUSE; incidents, the COUNTRYs any
//	                    known attribution that CONCERNS them ACCUSES
//	ATTRIBUTED_ACTOR    the same for every other kind, plus, but for
//	                    attributions, who CONDUCTED their incidents
//	VICTIM_COUNTRY      the COUNTRYs their incidents TARGETED
//	SECTOR              the SECTORs their incidents TARGETED
//	ATTRIBUTION_TYPE    the attribute attribution_type (attributions)
//	ATTRIBUTION_BASIS   the attribute attribution_basis (attributions)
//	RESPONSE_TYPE       the attribute legal_action, or else response_type
//	                    (legal and political responses)
//
// An item with several keys in a dimension (a joint attribution by three
// countries) is counted in the bucket of each: buckets may add up to more
// than the total, which counts each item once. An item with no key in a
// dimension falls in that dimension's "none" bucket (a Key with no ID).
const (
	ByYear               Dimension = "YEAR"
	ByMonth              Dimension = "MONTH"
	ByAttributingCountry Dimension = "ATTRIBUTING_COUNTRY"
	ByAttributingActor   Dimension = "ATTRIBUTING_ACTOR"
	ByAttributedCountry  Dimension = "ATTRIBUTED_COUNTRY"
	ByAttributedActor    Dimension = "ATTRIBUTED_ACTOR"
	ByVictimCountry      Dimension = "VICTIM_COUNTRY"
	BySector             Dimension = "SECTOR"
	ByAttributionType    Dimension = "ATTRIBUTION_TYPE"
	ByAttributionBasis   Dimension = "ATTRIBUTION_BASIS"
	ByResponseType       Dimension = "RESPONSE_TYPE"
	ByAttributorType     Dimension = "ATTRIBUTOR_TYPE"
	ByAccusedCountry     Dimension = "ACCUSED_COUNTRY"
)

// Dimensions lists the dimensions, in the order of the GraphQL enum.
var Dimensions = []Dimension{ByYear, ByMonth, ByAttributingCountry, ByAttributingActor, ByAttributedCountry,
	ByAttributedActor, ByVictimCountry, BySector, ByAttributionType, ByAttributionBasis, ByResponseType,
	ByAttributorType, ByAccusedCountry}

// Valid reports whether d is one of Dimensions.
func (d Dimension) Valid() bool { return slices.Contains(Dimensions, d) }

// IsEntity reports whether the keys of d are entities.
func (d Dimension) IsEntity() bool {
	switch d {
	case ByAttributingCountry, ByAttributingActor, ByAttributedCountry, ByAttributedActor, ByVictimCountry, BySector,
		ByAccusedCountry:
		return true
	}
	return false
}

// AppliesTo reports whether items of m can have keys in d.
func (d Dimension) AppliesTo(m Measure) bool {
	switch d {
	case ByAttributingCountry, ByAttributingActor, ByAttributorType:
		return m != Incidents
	case ByAccusedCountry:
		return m == Attributions || m == Incidents
	case ByAttributionType, ByAttributionBasis:
		return m == Attributions
	case ByResponseType:
		return m == LegalResponses || m == PoliticalResponses
	}
	return d.Valid()
}

// The keys of ATTRIBUTOR_TYPE: who attributed, by kind.
const (
	StateAttributor   = "STATE"
	IntlOrgAttributor = "INTERNATIONAL_ORGANIZATION"
	CompanyAttributor = "COMPANY"
	MediaAttributor   = "MEDIA"
	SelfAttributor    = "SELF"
)

// AttributorTypes are the keys of ATTRIBUTOR_TYPE and their names.
var AttributorTypes = map[string]string{
	StateAttributor:   "a state",
	IntlOrgAttributor: "an international organisation",
	CompanyAttributor: "a company",
	MediaAttributor:   "the media",
	SelfAttributor:    "the attacker itself",
}

// BasisAttributorTypes: the attribution_basis values (EuRepoC's codes) that
// say who attributed. Its other values ("Attribution by third-party",
// "Receiver attributes attacker", "Contested attribution") do not: the
// issuers say it.
var BasisAttributorTypes = map[string]string{
	"Attacker confirms":                         SelfAttributor,
	"IT-security community attributes attacker": CompanyAttributor,
	"Media-based attribution":                   MediaAttributor,
	ReceiverGovernmentBasis:                     StateAttributor,
	"Attribution by EU institution/agency":      IntlOrgAttributor,
	"Attribution by international organization": IntlOrgAttributor,
}

// ReceiverGovernmentBasis is the attribution_basis of an attribution by the
// receiver's government: EuRepoC leaves its attributing country empty when
// the attributor is the receiver.
const ReceiverGovernmentBasis = "Attribution by receiver government / state entity"

// OrgTypeKey is the attribute that says what an ORGANIZATION is.
const OrgTypeKey = "org_type"

// OrgTypeAttributorTypes: the org_type of an issuer that says who attributed.
var OrgTypeAttributorTypes = map[string]string{
	"GOVERNMENT": StateAttributor,
	"AGENCY":     StateAttributor,
	"ALLIANCE":   IntlOrgAttributor,
	"FORUM":      IntlOrgAttributor,
	"COMPANY":    CompanyAttributor,
}

// StateChainTypes are the relations followed from an issuer towards the
// government it belongs to (at most StateChainHops of them), before the
// GOVERNMENT_OF that gives the country: an agency PART_OF a government, an
// official WORKS_FOR an agency.
var StateChainTypes = []string{"PART_OF", "WORKS_FOR"}

// StateChainHops is the most StateChainTypes relations followed.
const StateChainHops = 2

// NoAttributingState reports whether an item's basis says a company, the
// media or the attacker itself attributed: then it has no ATTRIBUTING_COUNTRY.
func NoAttributingState(basis string) bool {
	t := BasisAttributorTypes[basis]
	return t == CompanyAttributor || t == MediaAttributor || t == SelfAttributor
}

// NonStateBases are the attribution_basis values of NoAttributingState.
func NonStateBases() []string {
	var out []string
	for b := range BasisAttributorTypes {
		if NoAttributingState(b) {
			out = append(out, b)
		}
	}
	slices.Sort(out)
	return out
}

// MonthUnknown ends the name of a MONTH key that is a year: "2021, month unknown".
const MonthUnknown = ", month unknown"

// TimeKey is the key of a date in a time dimension; ok is false for no key.
func TimeKey(d Dimension, date PartialDate) (id, name string, ok bool) {
	if date.IsZero() {
		return "", "", false
	}
	s := date.String()
	switch {
	case d == ByYear:
		return s[:4], s[:4], true
	case date.Precision() == YearPrecision:
		return s, s + MonthUnknown, true
	}
	return s[:7], s[:7], true
}

// ResponseType is the RESPONSE_TYPE of e: its legal_action, or else its response_type.
func ResponseType(e *Entity) string {
	if v := e.Attr(LegalActionKey); v != "" {
		return v
	}
	return e.Attr(ResponseTypeKey)
}

// BucketOrder orders buckets.
type BucketOrder string

const (
	// ByKey orders buckets by their keys, dimension by dimension: dates
	// and ids ascending, the "none" key last.
	ByKey BucketOrder = "KEY"
	// ByCount puts the largest buckets first, then orders by key.
	ByCount BucketOrder = "COUNT"
)

// Condition keeps the items with a key of Dimension among Values (entity
// ids, "2021" or "2021-03" for the time dimensions, attribute values).
type Condition struct {
	Dimension Dimension
	Values    []string
}

// AggregateQuery asks for an aggregate.
type AggregateQuery struct {
	Measure Measure
	GroupBy []Dimension // 0 to MaxGroupBy, each once; none gives one bucket, the total
	// Filters, all of which an item must pass.
	Where    []Condition // each: the item has one of the values in the dimension
	Entities []string    // the item is one of these, or one of its incidents, or has one as a key of an entity dimension
	Datasets []string    // the item cites the dataset's source or one of its records (id "<dataset>.")
	Kinds    []Kind      // items of these kinds only (among the measure's)
	// Window keeps the items whose own date (Start to End) overlaps it; with
	// a window, undated items are left out (as on the timeline).
	Window Window
	// KnownAt keeps what was known by then (KnownFrom, KnownBy): the item,
	// the relations every dimension reads, and the incidents they pass
	// through. The entities a key names (a country) are not claims: they
	// are not filtered.
	KnownAt PartialDate
	// MinConfidence keeps, of the relations every dimension reads and those
	// to the incidents, those with at least this confidence (relations
	// without one go), as Filter.MinConfidence does for the graph.
	MinConfidence *int
	OrderBy       BucketOrder // ByKey when empty
	IDs           int         // ids of each bucket to return, 0 to MaxBucketIDs, in id order
	IDsAfter      string      // "" or an id: each bucket's ids start after it (pages through a bucket)
	Limit         int         // buckets, 1 to MaxBuckets
	// WideDays (TimeToAttribution): an interval whose bounds lie more than
	// this many days apart is wide; 0 means DefaultWideDays.
	WideDays int
}

// Key is the value of one dimension of a bucket. A key without an ID is the
// "none" bucket: items with no value in the dimension (no date, no
// attributing country ...).
type Key struct {
	Dimension Dimension
	ID        string // entity id, "2021", "2021-03", or attribute value; "" for none
	Name      string // the entity's name, the date, the value
	Kind      Kind   // the entity's kind (entity dimensions)
}

// Bucket is the items with one combination of keys.
type Bucket struct {
	Keys  []Key    // one per dimension of GroupBy, in its order
	Count int      // items in the bucket
	IDs   []string // the first q.IDs of their ids, in id order
}

// AggregateResult is the answer to Aggregate.
type AggregateResult struct {
	Total       int // items counted, each once
	BucketCount int // buckets before q.Limit cut them
	Buckets     []Bucket
}

// LagBucket is a bucket of attributions with the distribution of their lags.
type LagBucket struct {
	Bucket // Count and IDs are of attributions
	Lags   LagStats
}

// LagResult is the answer to TimeToAttribution.
type LagResult struct {
	Total       int // attributions, each once
	BucketCount int
	Buckets     []LagBucket
}

// Check validates an aggregate query.
func (q *AggregateQuery) Check() error {
	if !q.Measure.Valid() {
		return invalid("measure must be one of %v, not %q", Measures, q.Measure)
	}
	if len(q.GroupBy) > MaxGroupBy {
		return invalid("groupBy takes at most %d dimensions, not %d", MaxGroupBy, len(q.GroupBy))
	}
	for i, d := range q.GroupBy {
		if err := checkDimension(d, q.Measure); err != nil {
			return err
		}
		if slices.Contains(q.GroupBy[:i], d) {
			return invalid("groupBy names %s twice", d)
		}
	}
	if len(q.Where) > MaxConditions {
		return invalid("at most %d where conditions, not %d", MaxConditions, len(q.Where))
	}
	values := 0
	for _, c := range q.Where {
		if err := checkDimension(c.Dimension, q.Measure); err != nil {
			return err
		}
		if len(c.Values) == 0 {
			return invalid("the where condition on %s names no value", c.Dimension)
		}
		for _, v := range c.Values {
			if strings.TrimSpace(v) == "" || len(v) > 1000 {
				return invalid("the where condition on %s has an empty or overlong value", c.Dimension)
			}
		}
		values += len(c.Values)
	}
	if values > MaxIDs {
		return invalid("the where conditions name at most %d values in all, not %d", MaxIDs, values)
	}
	if err := CheckIDs(q.Entities); err != nil {
		return err
	}
	if len(q.Datasets) > MaxDatasets {
		return invalid("at most %d datasets, not %d", MaxDatasets, len(q.Datasets))
	}
	for _, d := range q.Datasets {
		if !ValidID(d) {
			return invalid("%q is not a dataset id", d)
		}
	}
	if err := checkKinds(q.Kinds); err != nil {
		return err
	}
	counted, _ := q.Measure.MeasureItems()
	for _, k := range q.Kinds {
		if !slices.Contains(counted, k) {
			return invalid("%s are %v: kind %s counts nothing", q.Measure, counted, k)
		}
	}
	f := Filter{Window: q.Window, MinConfidence: q.MinConfidence}
	if err := f.Check(); err != nil {
		return err
	}
	switch q.OrderBy {
	case "", ByKey, ByCount:
	default:
		return invalid("orderBy must be KEY or COUNT, not %q", q.OrderBy)
	}
	if q.IDs < 0 || q.IDs > MaxBucketIDs {
		return invalid("ids per bucket must be between 0 and %d, not %d", MaxBucketIDs, q.IDs)
	}
	if q.IDsAfter != "" && !ValidID(q.IDsAfter) {
		return invalid("idsAfter: %q is not an id", q.IDsAfter)
	}
	if q.WideDays < 0 || q.WideDays > MaxWideDays {
		return invalid("wideDays must be between 0 and %d, not %d", MaxWideDays, q.WideDays)
	}
	return checkLimit("first", q.Limit, MaxBuckets)
}

// CheckLags validates a TimeToAttribution query.
func (q *AggregateQuery) CheckLags() error {
	if q.Measure != Attributions {
		return invalid("the time to attribution is measured on %s, not %q", Attributions, q.Measure)
	}
	return q.Check()
}

func checkDimension(d Dimension, m Measure) error {
	if !d.Valid() {
		return invalid("unknown dimension %q (want one of %v)", d, Dimensions)
	}
	if !d.AppliesTo(m) {
		return invalid("%s has no %s: choose another dimension", m, d)
	}
	return nil
}

// Wide is the "wide" threshold of q: WideDays, or DefaultWideDays.
func (q *AggregateQuery) Wide() int {
	if q.WideDays == 0 {
		return DefaultWideDays
	}
	return q.WideDays
}

// NeededDimensions are the dimensions a store must compute for q: those it
// groups by, those its conditions name, and with an Entities filter every
// entity dimension of the measure.
func (q *AggregateQuery) NeededDimensions() []Dimension {
	var out []Dimension
	for _, d := range Dimensions {
		need := slices.Contains(q.GroupBy, d) ||
			slices.ContainsFunc(q.Where, func(c Condition) bool { return c.Dimension == d }) ||
			(len(q.Entities) > 0 && d.IsEntity() && d.AppliesTo(q.Measure))
		if need {
			out = append(out, d)
		}
	}
	return out
}

// CitesDataset reports whether a claim with these sources comes from one of
// the datasets: it cites the dataset's source, or one whose id starts with
// the dataset's id and a dot. No datasets keeps everything.
func CitesDataset(sources, datasets []string) bool {
	if len(datasets) == 0 {
		return true
	}
	for _, s := range sources {
		for _, d := range datasets {
			if s == d || strings.HasPrefix(s, d+".") {
				return true
			}
		}
	}
	return false
}

// KeepsItem reports whether the window and known-at of q keep an item with
// these dates, known from knownFrom; kinds, measure, datasets and
// conditions are checked apart.
func (q *AggregateQuery) KeepsItem(e *Entity, knownFrom int) bool {
	if !q.Window.IsZero() && (e.Start.IsZero() || !q.Window.Overlaps(e.Start, e.End)) {
		return false
	}
	return KnownBy(knownFrom, q.KnownAt)
}

// KeepsRelation reports whether the known-at and the minimum confidence of
// q keep a relation, known from knownFrom, that a dimension reads.
func (q *AggregateQuery) KeepsRelation(confidence *int, knownFrom int) bool {
	return KnownBy(knownFrom, q.KnownAt) && KeepsConfidence(confidence, q.MinConfidence)
}

// AggregateRow is one item with its keys: Keys[i] are its keys in
// q.GroupBy[i] (none: an empty list), each once.
type AggregateRow struct {
	ID   string
	Keys [][]Key
}

// CompareKeys orders two keys of one dimension: by ID, the "none" key last.
func CompareKeys(a, b Key) int {
	switch {
	case a.ID == b.ID:
		return 0
	case a.ID == "":
		return 1
	case b.ID == "":
		return -1
	}
	return strings.Compare(a.ID, b.ID)
}

// CompareBuckets orders buckets as every store returns them.
func CompareBuckets(order BucketOrder, a, b *Bucket) int {
	if order == ByCount && a.Count != b.Count {
		return cmp.Compare(b.Count, a.Count)
	}
	for i := range a.Keys {
		if c := CompareKeys(a.Keys[i], b.Keys[i]); c != 0 {
			return c
		}
	}
	return 0
}

// GroupRows puts rows into buckets as q asks: one per combination of keys
// (an empty key list is the "none" key of the dimension), ordered and cut
// to q.Limit, each with the first q.IDs ids. The memory store calls it; the
// Neo4j store does the same in Cypher.
func GroupRows(q *AggregateQuery, rows []AggregateRow) AggregateResult {
	buckets, members := group(q, rows)
	res := AggregateResult{Total: len(rows), BucketCount: len(buckets), Buckets: []Bucket{}}
	for i, b := range buckets {
		if i == q.Limit {
			break
		}
		b.IDs = q.bucketIDs(members[bucketKey(b.Keys)])
		res.Buckets = append(res.Buckets, b)
	}
	return res
}

// LagRow is an attribution with its keys, its date and the start dates of
// the incidents it CONCERNS (known and dated; one per incident).
type LagRow struct {
	AggregateRow
	Date   PartialDate
	Starts []PartialDate
}

// GroupLags groups attributions as GroupRows does and summarises the lags of each bucket.
func GroupLags(q *AggregateQuery, rows []LagRow) LagResult {
	plain := make([]AggregateRow, len(rows))
	byID := map[string]*LagRow{}
	for i := range rows {
		plain[i] = rows[i].AggregateRow
		byID[rows[i].ID] = &rows[i]
	}
	buckets, members := group(q, plain)
	res := LagResult{Total: len(rows), BucketCount: len(buckets), Buckets: []LagBucket{}}
	for i, b := range buckets {
		if i == q.Limit {
			break
		}
		ids := members[bucketKey(b.Keys)]
		b.IDs = q.bucketIDs(ids)
		var in []LagInput
		for _, id := range ids {
			r := byID[id]
			in = append(in, LagInput{Date: r.Date, Starts: r.Starts})
		}
		res.Buckets = append(res.Buckets, LagBucket{Bucket: b, Lags: Summarize(in, q.Wide())})
	}
	return res
}

// group makes the buckets of rows, ordered, without ids, and the ids of each by bucketKey.
func group(q *AggregateQuery, rows []AggregateRow) ([]Bucket, map[string][]string) {
	members := map[string][]string{}
	index := map[string]int{}
	var buckets []Bucket
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b AggregateRow) int { return strings.Compare(a.ID, b.ID) })
	for _, r := range sorted {
		combos := [][]Key{{}}
		for i, d := range q.GroupBy {
			keys := r.Keys[i]
			if len(keys) == 0 {
				keys = []Key{{Dimension: d}}
			}
			var next [][]Key
			for _, c := range combos {
				for _, k := range keys {
					next = append(next, append(slices.Clone(c), k))
				}
			}
			combos = next
		}
		for _, keys := range combos {
			bk := bucketKey(keys)
			if _, ok := index[bk]; !ok {
				index[bk] = len(buckets)
				buckets = append(buckets, Bucket{Keys: keys})
			}
			buckets[index[bk]].Count++
			members[bk] = append(members[bk], r.ID)
		}
	}
	order := q.OrderBy
	slices.SortFunc(buckets, func(a, b Bucket) int { return CompareBuckets(order, &a, &b) })
	return buckets, members
}

func bucketKey(keys []Key) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k.ID)
		b.WriteByte(0)
	}
	return b.String()
}

// bucketIDs are the ids of a bucket that q returns: the first q.IDs after
// q.IDsAfter, of ids in id order.
func (q *AggregateQuery) bucketIDs(ids []string) []string {
	if q.IDsAfter != "" {
		i, found := slices.BinarySearch(ids, q.IDsAfter)
		if found {
			i++
		}
		ids = ids[i:]
	}
	out := make([]string, min(q.IDs, len(ids)))
	copy(out, ids)
	return out
}

// Lag is the time from an incident's start to an attribution's date, in
// days, as an interval [Lo, Hi]: dates known to the month or the year give
// a range, never a false exact number.
type Lag struct{ Lo, Hi int }

// Mid is the middle of the interval.
func (l Lag) Mid() float64 { return float64(l.Lo+l.Hi) / 2 }

// LagOf is the lag from an incident that started on start to an
// attribution dated date: from the last day start covers to the first day
// date covers, up to from the first to the last. An attribution follows
// the start of what it concerns, so a lower bound below 0 is 0; ok is
// false when the attribution certainly came before the start (Hi < 0: an
// inconsistency of the data, counted apart) or a date is missing.
func LagOf(start, date PartialDate) (lag Lag, ok bool) {
	if start.IsZero() || date.IsZero() {
		return Lag{}, false
	}
	lag = Lag{Lo: DayNumber(date.First()) - DayNumber(start.Last()), Hi: DayNumber(date.Last()) - DayNumber(start.First())}
	if lag.Hi < 0 {
		return lag, false
	}
	lag.Lo = max(lag.Lo, 0)
	return lag, true
}

// DayNumber turns a YYYYMMDD day (PartialDate.First, Last) into a count of days.
func DayNumber(yyyymmdd int) int {
	t := time.Date(yyyymmdd/10000, time.Month(yyyymmdd/100%100), yyyymmdd%100, 0, 0, 0, 0, time.UTC)
	return int(t.Unix() / 86400)
}

// LagInput is one attribution of a bucket: its date and the starts of its incidents.
type LagInput struct {
	Date   PartialDate
	Starts []PartialDate
}

// Quantile is a quantile of the midpoints of the intervals (Mid) and the
// same quantile of their lower and upper bounds: whatever the true lags
// within their intervals, their quantile lies in [Lo, Hi].
type Quantile struct {
	Mid, Lo, Hi float64
}

// LagStats is the distribution of the lags of a bucket. Its quantiles are
// of the (attribution, incident) intervals, linear between order
// statistics (as R's default and Neo4j's percentileCont); they are zero
// when nothing was measured.
type LagStats struct {
	Measured       int // intervals measured: an attribution and an incident it concerns, both dated
	Exact          int // intervals known to the day (Lo = Hi)
	Wide           int // intervals whose bounds lie more than the wide threshold apart
	BeforeStart    int // intervals where the attribution is dated before the incident began: left out
	Undated        int // attributions with nothing measured: no date, or no dated incident
	MinDays        int // the smallest lower bound
	MaxDays        int // the largest upper bound
	Q1, Median, Q3 Quantile
}

// Summarize measures the lags of some attributions.
func Summarize(in []LagInput, wide int) LagStats {
	var st LagStats
	var lags []Lag
	for _, a := range in {
		measured := false
		for _, s := range a.Starts {
			lag, ok := LagOf(s, a.Date)
			switch {
			case ok:
				lags = append(lags, lag)
				measured = true
			case !a.Date.IsZero() && !s.IsZero():
				st.BeforeStart++
				measured = true
			}
		}
		if !measured {
			st.Undated++
		}
	}
	st.Measured = len(lags)
	if len(lags) == 0 {
		return st
	}
	mids, los, his := make([]float64, len(lags)), make([]float64, len(lags)), make([]float64, len(lags))
	st.MinDays, st.MaxDays = lags[0].Lo, lags[0].Hi
	for i, l := range lags {
		mids[i], los[i], his[i] = l.Mid(), float64(l.Lo), float64(l.Hi)
		st.MinDays, st.MaxDays = min(st.MinDays, l.Lo), max(st.MaxDays, l.Hi)
		if l.Lo == l.Hi {
			st.Exact++
		}
		if l.Hi-l.Lo > wide {
			st.Wide++
		}
	}
	slices.Sort(mids)
	slices.Sort(los)
	slices.Sort(his)
	q := func(p float64) Quantile {
		return Quantile{Mid: quantile(mids, p), Lo: quantile(los, p), Hi: quantile(his, p)}
	}
	st.Q1, st.Median, st.Q3 = q(0.25), q(0.5), q(0.75)
	return st
}

// quantile of sorted values, linear between the order statistics around
// p·(n-1).
func quantile(sorted []float64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}
