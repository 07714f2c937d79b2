package schema

import (
	"encoding/json"
	"strconv"

	"github.com/graphql-go/graphql/language/ast"
)

// The walk over a document that bounds its cost before graphql-go's validation.

// shape is what the walker measures of a selection set: its depth, its
// fields, and its cost (fields weighted by page sizes), all saturating, and
// the most fields of one level that share a response name.
type shape struct{ depth, fields, cost, sameKey int }

func (a shape) plus(b shape) shape {
	return shape{depth: max(a.depth, b.depth), fields: min(a.fields+b.fields, saturated),
		cost: min(a.cost+b.cost, saturated), sameKey: max(a.sameKey, b.sameKey)}
}

// walker measures selection sets, expanding fragments; each fragment is
// measured once (memoised), so a document whose fragments spread each other
// twice over, doubling at every step, costs one pass, not 2^n. A fragment
// cycle ends the walk (a fragment being measured counts as empty), so the
// walk is safe before the cycle check, which then refuses the document.
type walker struct {
	doc       *ast.Document
	fragments map[string]*ast.FragmentDefinition
	vars      map[string]any
	memo      map[string]shape
	keys      map[string]map[string]int // memo of levelKeys for fragments
}

func newWalker(doc *ast.Document, vars map[string]any) *walker {
	w := &walker{doc: doc, fragments: map[string]*ast.FragmentDefinition{}, vars: vars, memo: map[string]shape{},
		keys: map[string]map[string]int{}}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			w.fragments[f.Name.Value] = f
		}
	}
	return w
}

// document measures every operation and every fragment of the document,
// used or not (validation visits them all): the deepest, and the fields of
// all of them.
func (w *walker) document() shape {
	var total shape
	for _, d := range w.doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			total = total.plus(w.selectionSet(d.SelectionSet))
		case *ast.FragmentDefinition:
			total = total.plus(w.fragment(d.Name.Value))
		}
	}
	return total
}

func (w *walker) fragment(name string) shape {
	if s, ok := w.memo[name]; ok {
		return s
	}
	f := w.fragments[name]
	if f == nil {
		return shape{} // validation reports the unknown fragment
	}
	w.memo[name] = shape{} // what a cycle back to this fragment counts
	s := w.selectionSet(f.SelectionSet)
	w.memo[name] = s
	return s
}

func (w *walker) selectionSet(set *ast.SelectionSet) shape {
	var total shape
	if set == nil {
		return total
	}
	for _, sel := range set.Selections {
		var s shape
		switch sel := sel.(type) {
		case *ast.Field:
			inner := w.selectionSet(sel.SelectionSet)
			s = shape{depth: inner.depth + 1, fields: min(inner.fields+1, saturated),
				cost: min(1+mulSaturated(w.pageSize(sel), inner.cost), saturated), sameKey: inner.sameKey}
		case *ast.InlineFragment:
			s = w.selectionSet(sel.SelectionSet)
		case *ast.FragmentSpread:
			s = w.fragment(sel.Name.Value)
		}
		total = total.plus(s)
	}
	for _, n := range w.levelKeys(set, nil) {
		total.sameKey = max(total.sameKey, n)
	}
	return total
}

// levelKeys counts the fields of one selection level by response name
// (alias or name), through inline fragments and named fragments (each
// named fragment once per level, as validation does).
func (w *walker) levelKeys(set *ast.SelectionSet, into map[string]int) map[string]int {
	if into == nil {
		into = map[string]int{}
	}
	if set == nil {
		return into
	}
	spread := map[string]bool{}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			key := ""
			if sel.Alias != nil {
				key = sel.Alias.Value
			} else if sel.Name != nil {
				key = sel.Name.Value
			}
			into[key]++
		case *ast.InlineFragment:
			w.levelKeys(sel.SelectionSet, into)
		case *ast.FragmentSpread:
			if name := sel.Name.Value; !spread[name] {
				spread[name] = true
				for k, n := range w.fragmentKeys(name) {
					into[k] += n
				}
			}
		}
	}
	return into
}

func (w *walker) fragmentKeys(name string) map[string]int {
	if k, ok := w.keys[name]; ok {
		return k
	}
	w.keys[name] = nil // what a cycle back to this fragment counts
	var k map[string]int
	if f := w.fragments[name]; f != nil {
		k = w.levelKeys(f.SelectionSet, nil)
	}
	w.keys[name] = k
	return k
}

// pageSize is the page a list field asks for (its first or limit argument,
// literal or variable), 1 for other fields.
func (w *walker) pageSize(f *ast.Field) int {
	n := 1
	for _, a := range f.Arguments {
		if a.Name == nil || (a.Name.Value != "first" && a.Name.Value != "limit") {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.IntValue:
			if i, err := strconv.Atoi(v.Value); err == nil {
				n = max(n, i)
			}
		case *ast.Variable:
			if v.Name != nil {
				n = max(n, intValue(w.vars[v.Name.Value]))
			}
		}
	}
	return min(n, saturated)
}

func intValue(v any) int {
	switch v := v.(type) {
	case float64:
		if v >= 1 && v < saturated {
			return int(v)
		}
	case int:
		return v
	case json.Number:
		if i, err := v.Int64(); err == nil && i < saturated {
			return int(i)
		}
	}
	return 1
}

func mulSaturated(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > saturated/b {
		return saturated
	}
	return a * b
}
