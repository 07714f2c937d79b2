package memory

import (
	"context"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
)

// Search finds the entities textmatch matches, in its order, with an inverted
// index: each condition of textmatch.Match is a set of entities (a bitset)
// made from posting lists, and only the entities of the union are ranked.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	query := textmatch.ParseQuery(q.Text)
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.search.find(query, q.Kinds, q.Limit), nil
}

// searchIndex is the inverted index of the entities' textmatch.Doc. Each
// entity has a handle, a small integer that never changes, so that posting
// lists need not move when ids are inserted; rank is the place of its id in
// id order, the last tie-break of search. The zero value is an empty index.
type searchIndex struct {
	docs     map[string]*searchDoc // by entity id
	byHandle []*searchDoc

	// Posting lists, kept up to date by update: key -> handles.
	names     map[string][]int32 // key of a compact name
	others    map[string][]int32 // key of a compact other label
	nameWords map[string][]int32 // word of a name
	words     map[string][]int32 // word of any label

	// The same, sorted by key in one array each, for prefixes; and what
	// the scan of candidates reads by handle. Rebuilt after writes.
	sortedNames, sortedOthers, sortedNameWords, sortedWords postings
	ranks                                                   []int32
	classes                                                 []int8
	kinds                                                   map[graph.Kind]bitset

	// deletions finds the words one typo away from a query word (see
	// textmatch.Deletions): each deletion of a word of letters, to the words.
	// It only grows: words no entity holds any more have no posting list.
	deletions map[string][]string
	indexed   map[string]bool // words already in deletions

	pool *sync.Pool // of bitsets of len(byHandle) bits
}

type searchDoc struct {
	entity *entity // the version of the entity indexed
	handle int32
	doc    textmatch.Doc
}

// postings are posting lists sorted by key, in one array: the handles of
// keys[i] are handles[ends[i-1]:ends[i]], so that the keys of a prefix have
// their handles side by side.
type postings struct {
	keys    []string
	ends    []int32
	handles []int32
}

func sortedPostings(m map[string][]int32) postings {
	var p postings
	for k := range m {
		p.keys = append(p.keys, k)
	}
	slices.Sort(p.keys)
	for _, k := range p.keys {
		p.handles = append(p.handles, m[k]...)
		p.ends = append(p.ends, int32(len(p.handles)))
	}
	return p
}

// span is the handles of keys i to j (excluded).
func (p *postings) span(i, j int) []int32 {
	if i >= j {
		return nil
	}
	start := int32(0)
	if i > 0 {
		start = p.ends[i-1]
	}
	return p.handles[start:p.ends[j-1]]
}

// prefix is the handles of the keys that begin with q.
func (p *postings) prefix(q string) []int32 {
	i, _ := slices.BinarySearch(p.keys, q)
	j := i
	for j < len(p.keys) && strings.HasPrefix(p.keys[j], q) {
		j++
	}
	return p.span(i, j)
}

// get is the handles of key k.
func (p *postings) get(k string) []int32 {
	i, found := slices.BinarySearch(p.keys, k)
	if !found {
		return nil
	}
	return p.span(i, i+1)
}

// update indexes the entities that are new or replaced since the last update
// (Upsert replaces the *entity of each entity it writes) and the ranks of
// all. ids are the sorted ids of entities. It runs under the write lock.
func (x *searchIndex) update(entities map[string]*entity, ids []string) {
	if x.docs == nil {
		x.docs = map[string]*searchDoc{}
		x.names, x.others = map[string][]int32{}, map[string][]int32{}
		x.nameWords, x.words = map[string][]int32{}, map[string][]int32{}
		x.deletions, x.indexed = map[string][]string{}, map[string]bool{}
	}
	var changed []*searchDoc
	replaced := map[int32]bool{}
	stale := map[*map[string][]int32]map[string]bool{}
	mark := func(m *map[string][]int32, keys ...string) {
		if stale[m] == nil {
			stale[m] = map[string]bool{}
		}
		for _, k := range keys {
			stale[m][k] = true
		}
	}
	if len(x.byHandle) != len(ids) || x.pool == nil {
		x.pool = &sync.Pool{} // none of the old size
	}
	x.ranks = slices.Grow(x.ranks[:0], len(ids))[:len(ids)]
	for rank, id := range ids {
		e := entities[id]
		d := x.docs[id]
		if d == nil {
			d = &searchDoc{handle: int32(len(x.byHandle))}
			x.byHandle = append(x.byHandle, d)
			x.docs[id] = d
		}
		x.ranks[d.handle] = int32(rank)
		if d.entity == e {
			continue
		}
		if d.entity != nil { // replaced: its old postings go
			replaced[d.handle] = true
			mark(&x.names, d.doc.Name)
			mark(&x.others, d.doc.Others...)
			mark(&x.nameWords, d.doc.NameWords...)
			mark(&x.words, d.doc.Words...)
		}
		d.entity = e
		d.doc = textmatch.NewDoc(e.Name, e.SearchLabels())
		changed = append(changed, d)
	}
	if len(changed) == 0 {
		return
	}
	for m, keys := range stale {
		for k := range keys {
			list := slices.DeleteFunc((*m)[k], func(h int32) bool { return replaced[h] })
			if len(list) == 0 {
				delete(*m, k)
			} else {
				(*m)[k] = list
			}
		}
	}
	for _, d := range changed {
		h := d.handle
		if d.doc.Name != "" {
			x.names[d.doc.Name] = append(x.names[d.doc.Name], h)
		}
		for _, k := range d.doc.Others {
			x.others[k] = append(x.others[k], h)
		}
		for _, w := range d.doc.NameWords {
			x.nameWords[w] = append(x.nameWords[w], h)
		}
		for _, w := range d.doc.Words {
			x.words[w] = append(x.words[w], h)
			x.addDeletions(w)
		}
	}
	x.sortedNames, x.sortedOthers = sortedPostings(x.names), sortedPostings(x.others)
	x.sortedNameWords, x.sortedWords = sortedPostings(x.nameWords), sortedPostings(x.words)
	x.classes = make([]int8, len(x.byHandle))
	x.kinds = map[graph.Kind]bitset{}
	for h, d := range x.byHandle {
		x.classes[h] = int8(d.doc.Class)
		k := x.kinds[d.entity.Kind]
		if k == nil {
			k = make(bitset, (len(x.byHandle)+63)/64)
			x.kinds[d.entity.Kind] = k
		}
		k.add([]int32{int32(h)})
	}
}

// addDeletions indexes word w for typos, if a query word may be one typo away.
func (x *searchIndex) addDeletions(w string) {
	if x.indexed[w] {
		return
	}
	x.indexed[w] = true
	n := 0
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return
		}
		n++
	}
	if n < textmatch.MinTypo || n > textmatch.MaxTypo+1 {
		return
	}
	for _, d := range textmatch.Deletions(w) {
		x.deletions[d] = append(x.deletions[d], w)
	}
}

// bitset is a set of handles.
type bitset []uint64

func (x *searchIndex) bitset() bitset {
	if b, ok := x.pool.Get().(*bitset); ok {
		clear(*b)
		return *b
	}
	return make(bitset, (len(x.byHandle)+63)/64)
}

func (x *searchIndex) free(bs ...bitset) {
	for _, b := range bs {
		if b != nil {
			x.pool.Put(&b)
		}
	}
}

func (b bitset) add(handles []int32) {
	for _, h := range handles {
		b[h>>6] |= 1 << (h & 63)
	}
}

func (b bitset) and(o bitset) {
	for i := range b {
		b[i] &= o[i]
	}
}

func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

// typos are the indexed words one typo away from query word q.
func (x *searchIndex) typos(q string) []string {
	if !textmatch.TypoWord(q) {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, d := range textmatch.Deletions(q) {
		for _, w := range x.deletions[d] {
			if !seen[w] {
				seen[w] = true
				if textmatch.Typo(q, w) {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// find is Search on the index.
func (x *searchIndex) find(q textmatch.Query, kinds []graph.Kind, limit int) []graph.SearchHit {
	if len(q.Words) == 0 || len(x.byHandle) == 0 {
		return nil
	}
	compact := q.Compact != ""
	var exactName, exactOther, prefixName, prefixOther bitset
	if compact {
		exactName, exactOther, prefixName, prefixOther = x.bitset(), x.bitset(), x.bitset(), x.bitset()
		exactName.add(x.sortedNames.get(q.Compact))
		exactOther.add(x.sortedOthers.get(q.Compact))
		prefixName.add(x.sortedNames.prefix(q.Compact))
		prefixOther.add(x.sortedOthers.prefix(q.Compact))
	}
	wordsName, wordsAny, typoName, typoAny := x.bitset(), x.bitset(), x.bitset(), x.bitset()
	nameP, anyP, nameT, anyT := x.bitset(), x.bitset(), x.bitset(), x.bitset()
	for i, w := range q.Words {
		if i > 0 {
			clear(nameP)
			clear(anyP)
			clear(nameT)
			clear(anyT)
		}
		nameP.add(x.sortedNameWords.prefix(w))
		anyP.add(x.sortedWords.prefix(w))
		nameT.or(nameP)
		anyT.or(anyP)
		for _, v := range x.typos(w) {
			nameT.add(x.sortedNameWords.get(v))
			anyT.add(x.sortedWords.get(v))
		}
		if i == 0 {
			copy(wordsName, nameP)
			copy(wordsAny, anyP)
			copy(typoName, nameT)
			copy(typoAny, anyT)
			continue
		}
		wordsName.and(nameP)
		wordsAny.and(anyP)
		typoName.and(nameT)
		typoAny.and(anyT)
	}
	candidates := typoAny // or a compact prefix
	if compact {
		candidates.or(prefixName)
		candidates.or(prefixOther)
	}
	if len(kinds) > 0 {
		of := nameP // free now: the kinds asked for
		clear(of)
		for _, k := range kinds {
			if b := x.kinds[k]; b != nil {
				of.or(b)
			}
		}
		candidates.and(of)
	}
	// Each word of candidates with the same word of each condition's set:
	// a candidate's bits are one bit of each.
	top := topHits{limit: limit}
	for i, c := range candidates {
		if c == 0 {
			continue
		}
		var en, eo, pn, po uint64
		if compact {
			en, eo, pn, po = exactName[i], exactOther[i], prefixName[i], prefixOther[i]
		}
		wn, wa, tn := wordsName[i], wordsAny[i], typoName[i]
		for ; c != 0; c &= c - 1 {
			j := bits.TrailingZeros64(c)
			b := int(en>>j&1)*textmatch.ExactName | int(eo>>j&1)*textmatch.ExactOther |
				int(pn>>j&1)*textmatch.PrefixName | int(po>>j&1)*textmatch.PrefixOther |
				int(wn>>j&1)*textmatch.WordsName | int(wa>>j&1)*textmatch.WordsAny | int(tn>>j&1)*textmatch.TypoName
			if top.full() && textmatch.Key(b, 0) < top.heap[0].key {
				continue // cannot be among the best, whatever its name
			}
			h := int32(i*64 + j)
			top.push(ranked{key: textmatch.Key(b, int(x.classes[h])), rank: x.ranks[h], bits: b, handle: h})
		}
	}
	x.free(exactName, exactOther, prefixName, prefixOther, wordsName, wordsAny, typoName, typoAny, nameP, anyP, nameT, anyT)
	var hits []graph.SearchHit
	for _, r := range top.sorted() {
		e := &x.byHandle[r.handle].entity.Entity
		hits = append(hits, graph.SearchHit{Entity: *e, Score: textmatch.Tier(r.bits),
			Matched: textmatch.Matched(q, r.bits, e.Name, e.SearchLabels())})
	}
	return hits
}

// ranked is a candidate hit: greater keys first, then lower ranks (ids).
type ranked struct {
	key, bits    int
	rank, handle int32
}

func (a ranked) before(b ranked) bool { return a.key > b.key || a.key == b.key && a.rank < b.rank }

// topHits keeps the limit best candidates: a heap whose root is the worst.
type topHits struct {
	limit int
	heap  []ranked
}

func (t *topHits) full() bool { return len(t.heap) == t.limit }

func (t *topHits) push(r ranked) {
	h := t.heap
	if len(h) == t.limit {
		if !r.before(h[0]) {
			return
		}
		h[0] = r
	} else {
		h = append(h, r)
		for i := len(h) - 1; i > 0; { // up
			p := (i - 1) / 2
			if !h[p].before(h[i]) {
				break
			}
			h[p], h[i] = h[i], h[p]
			i = p
		}
		t.heap = h
		return
	}
	for i := 0; ; { // down
		worst := i
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(h) && h[worst].before(h[c]) {
				worst = c
			}
		}
		if worst == i {
			break
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

func (t *topHits) sorted() []ranked {
	slices.SortFunc(t.heap, func(a, b ranked) int {
		if a.before(b) {
			return -1
		}
		return 1
	})
	return t.heap
}
