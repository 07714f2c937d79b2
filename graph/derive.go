package graph

import (
	"context"
	"slices"
	"strings"
)

// The keys of ATTRIBUTING_COUNTRY are derived (see ByAttributingCountry):
// AttributingStates derives them again for one item, with the relations
// each followed, so that the drill-down can cite what a key rests on. It
// reads any Store with the same rules as the aggregates: the known-at and
// minimum confidence filter the relations read and the incidents passed
// through, and each key comes with the first derivation found (directly
// ISSUED_BY, then through an issuer's government, relations in id order).

// How a key of ATTRIBUTING_COUNTRY was derived.
const (
	RuleIssuedBy   = "ISSUED_BY"  // the item is ISSUED_BY the country
	RuleGovernment = "GOVERNMENT" // an issuer is, or is PART_OF or WORKS_FOR, a government GOVERNMENT_OF it
	RuleReceiver   = "RECEIVER"   // "by receiver government": the one country its incidents TARGETED
)

// StateDerivation is one key of an item's ATTRIBUTING_COUNTRY and the
// relations it followed, from the item on.
type StateDerivation struct {
	Country Entity
	Rule    string
	Via     []Relation
}

// AttributingStates derives item e's ATTRIBUTING_COUNTRY from s, at knownAt
// (zero: everything) and with at least minConfidence (nil: any).
func AttributingStates(ctx context.Context, s Store, e *Entity, knownAt PartialDate, minConfidence *int) ([]StateDerivation, error) {
	basis := e.Attr(AttributionBasisKey)
	if NoAttributingState(basis) {
		return nil, nil
	}
	d := deriver{ctx: ctx, s: s, knownAt: knownAt, min: minConfidence,
		entities: map[string]*Entity{e.ID: e}, published: map[string]PartialDate{}}
	var out []StateDerivation
	add := func(x *Entity, rule string, via []Relation) {
		if x.Kind == Country && !slices.ContainsFunc(out, func(o StateDerivation) bool { return o.Country.ID == x.ID }) {
			out = append(out, StateDerivation{Country: *x, Rule: rule, Via: slices.Clone(via)})
		}
	}
	issuers, err := d.out(e.ID, "ISSUED_BY")
	if err != nil {
		return nil, err
	}
	for _, h := range issuers {
		add(h.to, RuleIssuedBy, []Relation{h.r})
	}
	// up follows StateChainTypes from x, then GOVERNMENT_OF, as the aggregates do.
	var up func(x *Entity, via []Relation, hops int) error
	up = func(x *Entity, via []Relation, hops int) error {
		govs, err := d.out(x.ID, "GOVERNMENT_OF")
		if err != nil {
			return err
		}
		for _, h := range govs {
			add(h.to, RuleGovernment, append(slices.Clone(via), h.r))
		}
		if hops == StateChainHops {
			return nil
		}
		for _, typ := range StateChainTypes {
			next, err := d.out(x.ID, typ)
			if err != nil {
				return err
			}
			for _, h := range next {
				if err := up(h.to, append(slices.Clone(via), h.r), hops+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, h := range issuers {
		if err := up(h.to, []Relation{h.r}, 0); err != nil {
			return nil, err
		}
	}
	if len(out) > 0 || basis != ReceiverGovernmentBasis {
		return out, nil
	}
	concerns, err := d.out(e.ID, "CONCERNS")
	if err != nil {
		return nil, err
	}
	var receivers []StateDerivation
	for _, c := range concerns {
		if !IsIncident(c.to) {
			continue
		}
		known, err := d.knownEntity(c.to)
		if err != nil || !known {
			if err != nil {
				return nil, err
			}
			continue
		}
		targets, err := d.out(c.to.ID, "TARGETED")
		if err != nil {
			return nil, err
		}
		for _, t := range targets {
			if t.to.Kind == Country && !slices.ContainsFunc(receivers, func(o StateDerivation) bool { return o.Country.ID == t.to.ID }) {
				receivers = append(receivers, StateDerivation{Country: *t.to, Rule: RuleReceiver, Via: []Relation{c.r, t.r}})
			}
		}
	}
	if len(receivers) == 1 {
		return receivers, nil
	}
	return nil, nil
}

type deriver struct {
	ctx       context.Context
	s         Store
	knownAt   PartialDate
	min       *int
	entities  map[string]*Entity
	published map[string]PartialDate
}

type hop struct {
	r  Relation
	to *Entity
}

// out: the relations of type typ out of id that the filters keep, in id order, with their far ends.
func (d *deriver) out(id, typ string) ([]hop, error) {
	rels, err := d.s.Relations(d.ctx, []string{id}, RelationQuery{Direction: Out, Types: []string{typ}, Limit: MaxRelations})
	if err != nil {
		return nil, err
	}
	list := rels[id]
	slices.SortFunc(list, func(a, b Relation) int { return strings.Compare(a.ID, b.ID) })
	var ids []string
	for _, r := range list {
		ids = append(ids, r.From, r.To)
	}
	if err := d.load(ids); err != nil {
		return nil, err
	}
	var out []hop
	for _, r := range list {
		if r.From != id || !KeepsConfidence(r.Confidence, d.min) {
			continue
		}
		from, to := d.entities[r.From], d.entities[r.To]
		if from == nil || to == nil {
			continue
		}
		if !d.knownAt.IsZero() {
			if err := d.loadSources(r.Sources); err != nil {
				return nil, err
			}
			if !KnownBy(RelationKnownFrom(&r, ActKnownFrom(from), d.pub), d.knownAt) {
				continue
			}
		}
		out = append(out, hop{r: r, to: to})
	}
	return out, nil
}

func (d *deriver) knownEntity(e *Entity) (bool, error) {
	if d.knownAt.IsZero() {
		return true, nil
	}
	if err := d.loadSources(e.Sources); err != nil {
		return false, err
	}
	return KnownBy(EntityKnownFrom(e, d.pub), d.knownAt), nil
}

func (d *deriver) pub(id string) PartialDate { return d.published[id] }

func (d *deriver) load(ids []string) error {
	var want []string
	for _, id := range ids {
		if _, ok := d.entities[id]; !ok && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	for chunk := range slices.Chunk(want, MaxIDs) {
		es, err := d.s.Entities(d.ctx, chunk)
		if err != nil {
			return err
		}
		for i := range es {
			d.entities[es[i].ID] = &es[i]
		}
	}
	return nil
}

func (d *deriver) loadSources(ids []string) error {
	var want []string
	for _, id := range ids {
		if _, ok := d.published[id]; !ok && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	for chunk := range slices.Chunk(want, MaxIDs) {
		srcs, err := d.s.Sources(d.ctx, chunk)
		if err != nil {
			return err
		}
		for _, src := range srcs {
			d.published[src.ID] = src.Published
		}
		for _, id := range chunk {
			if _, ok := d.published[id]; !ok {
				d.published[id] = PartialDate{}
			}
		}
	}
	return nil
}
