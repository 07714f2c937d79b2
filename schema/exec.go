package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
)

// The compiled executor, part 2: running a plan. It calls the schema's own
// resolvers (so untilDone, resolver's error mapping and the object budget
// apply as they do under graphql-go) and reproduces graphql-go's answers
// byte for byte, including its ways with errors (see the differential test):
//
//   - Thunks are completed level by level, every thunk registered before any
//     of the next level runs, so the batcher fetches a level in one call.
//   - A null in a non-null position nulls the nearest nullable position,
//     within the completion of one thunk: graphql-go completes a thunk's value
//     outside the call that made it, so a non-null field whose thunk fails or
//     completes to null makes the whole data null with that error alone.
//   - A thunk's error loses its extensions (graphql-go formats it twice).
//
// It does not build maps: values go into a tree of slots, written as JSON
// with each object's keys in sorted order, as encoding/json writes maps.

type thunkFn = func() (any, error)

// slot is one value of the answer: nil (null), a *node (an object or a
// list), or a leaf (a scalar's serialized value, never a *node).
type slot = any

// node is an object (sel set) or a list (sel nil) of the answer.
type node struct {
	sel    *selPlan
	vals   []slot
	parent *node
	idx    int32 // its place in its parent
	dead   bool  // abandoned: a non-null field of it (or of a descendant) failed
}

func (n *node) abandoned() bool {
	for ; n != nil; n = n.parent {
		if n.dead {
			return true
		}
	}
	return false
}

type pending struct {
	fp     *fieldPlan
	t      graphql.Type
	parent *node
	idx    int32
	th     thunkFn
}

type execution struct {
	ctx    context.Context
	vars   map[string]any
	args   []map[string]any // of field plans whose arguments use variables, by id
	errors []gqlerrors.FormattedError
	fatal  *gqlerrors.FormattedError
	queue  []pending

	nodes []node // slabs, growing with the answer
	vals  []slot
}

// Data is the data of an answer the compiled executor made: its JSON is
// written on demand, once, into the caller's buffer.
type Data struct {
	root *node
}

// AppendJSON appends the data's JSON to dst, as encoding/json would write
// graphql-go's maps (keys sorted, HTML characters escaped), stopping soon
// after dst passes limit bytes: the caller sees the length and refuses.
func (d *Data) AppendJSON(dst []byte, limit int) []byte {
	return appendNode(dst, d.root, limit)
}

// MarshalJSON writes the data whole.
func (d *Data) MarshalJSON() ([]byte, error) { return d.AppendJSON(nil, math.MaxInt), nil }

// String prints the data as fmt prints graphql-go's maps.
func (d *Data) String() string { return fmt.Sprint(d.Value()) }

// Value is the data as graphql-go's executor gives it: map[string]any for
// objects, []any for lists, the serialized scalars.
func (d *Data) Value() any { return nodeValue(d.root) }

func nodeValue(n *node) any {
	value := func(s slot) any {
		if m, ok := s.(*node); ok {
			return nodeValue(m)
		}
		return s
	}
	if n.sel == nil {
		out := make([]any, len(n.vals))
		for i, s := range n.vals {
			out[i] = value(s)
		}
		return out
	}
	out := make(map[string]any, len(n.vals))
	for i, s := range n.vals {
		out[n.sel.fields[i].key] = value(s)
	}
	return out
}

var rootSource = map[string]any{}

// run executes a plan; the result's Data is a *Data, or nil when a null
// reached the top.
func (s *Schema) run(ctx context.Context, p *plan, vars map[string]any) *graphql.Result {
	ex := &execution{ctx: ctx, vars: vars}
	if n := p.fields.Load(); n > 0 {
		ex.args = make([]map[string]any, n)
	}
	root := ex.newNode(p.root, nil, 0, len(p.root.fields))
	for i, fp := range p.root.fields {
		if v, err := ex.resolveField(fp, rootSource, root, i); err != nil {
			ex.fatal = err
			break
		} else {
			root.vals[i] = v
		}
	}
	for len(ex.queue) > 0 && ex.fatal == nil {
		level := ex.queue
		ex.queue = nil
		for i := range level {
			if ctx.Err() != nil {
				break
			}
			ex.completeThunk(&level[i])
			if ex.fatal != nil {
				break
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		// graphql-go returns as soon as the context ends, with its error alone.
		return &graphql.Result{Errors: []gqlerrors.FormattedError{gqlerrors.FormatError(err)}}
	}
	if ex.fatal != nil {
		return &graphql.Result{Errors: []gqlerrors.FormattedError{*ex.fatal}}
	}
	return &graphql.Result{Data: &Data{root: root}, Errors: ex.errors}
}

func (ex *execution) newNode(sel *selPlan, parent *node, idx int, size int) *node {
	if len(ex.nodes) == cap(ex.nodes) {
		ex.nodes = make([]node, 0, min(max(2*cap(ex.nodes), 16), 1024))
	}
	ex.nodes = append(ex.nodes, node{sel: sel, parent: parent, idx: int32(idx)})
	n := &ex.nodes[len(ex.nodes)-1]
	if size > 512 {
		n.vals = make([]slot, size)
	} else {
		if cap(ex.vals)-len(ex.vals) < size {
			ex.vals = make([]slot, 0, min(max(2*cap(ex.vals), 64, size), 4096))
		}
		l := len(ex.vals)
		ex.vals = ex.vals[:l+size]
		n.vals = ex.vals[l : l+size : l+size]
	}
	return n
}

// path is the response path of the slot idx of n.
func path(n *node, idx int) []any {
	depth := 0
	for m := n; m != nil; m = m.parent {
		depth++
	}
	out := make([]any, depth)
	m, i := n, idx
	for d := depth - 1; d >= 0; d-- {
		if m.sel != nil {
			out[d] = m.sel.fields[i].key
		} else {
			out[d] = i
		}
		i, m = int(m.idx), m.parent
	}
	return out
}

// fieldError is graphql-go's located error of a field: its message, the
// locations of its nodes, its path, and the extensions of an error that has
// them.
func fieldError(err error, fp *fieldPlan, n *node, idx int, extensions bool) *gqlerrors.FormattedError {
	e := gqlerrors.FormatError(gqlerrors.NewErrorWithPath(err.Error(), fp.nodes, "", nil, nil, path(n, idx), err))
	if !extensions {
		e.Extensions = nil
	}
	return &e
}

func (ex *execution) argsOf(fp *fieldPlan) map[string]any {
	if !fp.argsVary {
		return fp.args
	}
	if int(fp.id) >= len(ex.args) {
		ex.args = append(ex.args, make([]map[string]any, int(fp.id)+1-len(ex.args))...)
	}
	a := ex.args[fp.id]
	if a == nil {
		a = gqlArgumentValues(fp.def.Args, fp.info.FieldASTs[0].Arguments, ex.vars)
		ex.args[fp.id] = a
	}
	return a
}

// resolveField is graphql-go's resolveField: an error that must null the
// parent is returned, others are recorded.
func (ex *execution) resolveField(fp *fieldPlan, source any, n *node, idx int) (slot, *gqlerrors.FormattedError) {
	if fp.typename {
		return n.sel.typ.Name(), nil
	}
	p := graphql.ResolveParams{Source: source, Args: ex.argsOf(fp), Info: fp.info, Context: ex.ctx}
	p.Info.VariableValues = ex.vars
	v, err := fp.def.Resolve(p)
	if err != nil {
		return ex.catch(fp.def.Type, fieldError(err, fp, n, idx, true))
	}
	out, e := ex.complete(fp, fp.def.Type, v, n, idx)
	if e != nil {
		return ex.catch(fp.def.Type, e)
	}
	return out, nil
}

// catch is graphql-go's handleFieldError: a non-null position passes the
// error up, a nullable one records it and is null.
func (ex *execution) catch(t graphql.Type, e *gqlerrors.FormattedError) (slot, *gqlerrors.FormattedError) {
	if _, ok := t.(*graphql.NonNull); ok {
		return nil, e
	}
	ex.errors = append(ex.errors, *e)
	return nil, nil
}

func (ex *execution) completeThunk(p *pending) {
	if p.parent.abandoned() {
		return
	}
	v, err := p.th()
	var out slot
	var e *gqlerrors.FormattedError
	if err != nil {
		e = fieldError(err, p.fp, p.parent, int(p.idx), false)
	} else {
		out, e = ex.complete(p.fp, p.t, v, p.parent, int(p.idx))
	}
	if e != nil {
		if _, ok := p.t.(*graphql.NonNull); ok {
			ex.fatal = e
			return
		}
		ex.errors = append(ex.errors, *e)
		out = nil
	}
	p.parent.vals[p.idx] = out
}

// complete is graphql-go's completeValue of v for a position of type t: the
// slot idx of n.
func (ex *execution) complete(fp *fieldPlan, t graphql.Type, v any, n *node, idx int) (slot, *gqlerrors.FormattedError) {
	if th, ok := v.(thunkFn); ok {
		ex.queue = append(ex.queue, pending{fp: fp, t: t, parent: n, idx: int32(idx), th: th})
		return nil, nil
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		out, e := ex.complete(fp, t.OfType, v, n, idx)
		if e != nil {
			return nil, e
		}
		if out == nil {
			//lint:ignore ST1005 graphql-go's own words, kept byte for byte (the differential test)
			msg := fmt.Errorf("Cannot return null for non-nullable field %v.%v.", fp.info.ParentType, fp.info.FieldName)
			return nil, fieldError(msg, fp, n, idx, false)
		}
		return out, nil
	case *graphql.Scalar:
		if nullish(v) {
			return nil, nil
		}
		return leaf(t, v)
	case *graphql.Enum:
		if nullish(v) {
			return nil, nil
		}
		if s := t.Serialize(v); !nullish(s) {
			return s, nil
		}
		return nil, nil
	case *graphql.List:
		if nullish(v) {
			return nil, nil
		}
		return ex.completeList(fp, t, v, n, idx)
	case *graphql.Object:
		if nullish(v) {
			return nil, nil
		}
		if t.IsTypeOf != nil && !t.IsTypeOf(graphql.IsTypeOfParams{Value: v, Context: ex.ctx}) {
			//lint:ignore ST1005 graphql-go's own words, kept byte for byte (the differential test)
			return nil, fieldError(fmt.Errorf(`Expected value of type "%v" but got: %T.`, t, v), fp, n, idx, false)
		}
		sel, err := fp.object.get()
		if err != nil {
			panic(err)
		}
		return ex.completeObject(sel, v, n, idx)
	case *graphql.Interface, *graphql.Union:
		if nullish(v) {
			return nil, nil
		}
		rt := ex.resolveType(t.(graphql.Abstract), fp, v)
		if rt == nil {
			//lint:ignore ST1005 graphql-go's own words, kept byte for byte (the differential test)
			err := fmt.Errorf(`Abstract type %v must resolve to an Object type at runtime `+
				`for field %v.%v with value "%v", received "%v".`, t, fp.info.ParentType, fp.info.FieldName, v, rt)
			return nil, fieldError(err, fp, n, idx, false)
		}
		l := fp.byType[rt]
		if l == nil {
			//lint:ignore ST1005 graphql-go's own words, kept byte for byte (the differential test)
			return nil, fieldError(fmt.Errorf(`Runtime Object type "%v" is not a possible type for "%v".`, rt, t), fp, n, idx, false)
		}
		if rt.IsTypeOf != nil && !rt.IsTypeOf(graphql.IsTypeOfParams{Value: v, Context: ex.ctx}) {
			//lint:ignore ST1005 graphql-go's own words, kept byte for byte (the differential test)
			return nil, fieldError(fmt.Errorf(`Expected value of type "%v" but got: %T.`, rt, v), fp, n, idx, false)
		}
		sel, err := l.get()
		if err != nil {
			panic(err)
		}
		return ex.completeObject(sel, v, n, idx)
	}
	//lint:ignore ST1005 graphql-go's own words, kept byte for byte (the differential test)
	return nil, fieldError(fmt.Errorf(`Cannot complete value of unexpected type "%v."`, t), fp, n, idx, false)
}

func (ex *execution) resolveType(t graphql.Abstract, fp *fieldPlan, v any) *graphql.Object {
	switch t := t.(type) {
	case *graphql.Interface:
		if t.ResolveType != nil {
			return t.ResolveType(graphql.ResolveTypeParams{Value: v, Info: fp.info, Context: ex.ctx})
		}
	case *graphql.Union:
		if t.ResolveType != nil {
			return t.ResolveType(graphql.ResolveTypeParams{Value: v, Info: fp.info, Context: ex.ctx})
		}
	}
	for o := range fp.byType {
		if o.IsTypeOf != nil && o.IsTypeOf(graphql.IsTypeOfParams{Value: v, Info: fp.info, Context: ex.ctx}) {
			return o
		}
	}
	return nil
}

func (ex *execution) completeObject(sel *selPlan, v any, parent *node, idx int) (slot, *gqlerrors.FormattedError) {
	n := ex.newNode(sel, parent, idx, len(sel.fields))
	for i, fp := range sel.fields {
		out, e := ex.resolveField(fp, v, n, i)
		if e != nil {
			n.dead = true
			return nil, e
		}
		n.vals[i] = out
	}
	return n, nil
}

// completeList completes the items of a list; the slices the resolvers
// return are read without reflection.
func (ex *execution) completeList(fp *fieldPlan, t *graphql.List, v any, parent *node, idx int) (slot, *gqlerrors.FormattedError) {
	item := t.OfType
	var n *node
	each := func(n *node, i int, x any) *gqlerrors.FormattedError {
		out, e := ex.complete(fp, item, x, n, i)
		if e != nil {
			if out, e = ex.catch(item, e); e != nil {
				n.dead = true
				return e
			}
		}
		n.vals[i] = out
		return nil
	}
	var e *gqlerrors.FormattedError
	// The slices the resolvers return, each item passed as a pointer into
	// the slice (no copy on the heap; resolvers read it with sourceAs).
	switch l := v.(type) {
	case []graph.Entity:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []graph.Relation:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []graph.Source:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []graph.SearchHit:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []graph.Path:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []graph.Attribute:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []graph.Alternative:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []graph.Key:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []graph.RelationType:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []graph.Dataset:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []entityEdge:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []timelineEdge:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []relationCount:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []aggBucket:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, &l[i]) })
	case []string:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, l[i]) })
	case []any:
		n, e = ex.items(parent, idx, len(l), func(n *node, i int) *gqlerrors.FormattedError { return each(n, i, l[i]) })
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Ptr {
			rv = rv.Elem()
		}
		if !rv.IsValid() || rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			parentName := ""
			if fp.info.ParentType != nil {
				parentName = fp.info.ParentType.Name()
			}
			//lint:ignore ST1005 graphql-go's own words, kept byte for byte (the differential test)
			return nil, fieldError(fmt.Errorf("User Error: expected iterable, but did not find one for field %v.%v.", parentName, fp.info.FieldName), fp, parent, idx, false)
		}
		n = ex.newNode(nil, parent, idx, rv.Len())
		for i := 0; i < rv.Len() && e == nil; i++ {
			e = each(n, i, rv.Index(i).Interface())
		}
	}
	if e != nil {
		return nil, e
	}
	return n, nil
}

// items makes the list's node and completes its items in order, stopping at
// an error that nulls the list.
func (ex *execution) items(parent *node, idx, size int, each func(*node, int) *gqlerrors.FormattedError) (n *node, e *gqlerrors.FormattedError) {
	n = ex.newNode(nil, parent, idx, size)
	for i := 0; i < size && e == nil; i++ {
		e = each(n, i)
	}
	return n, e
}

// leaf serializes a scalar; the common cases skip graphql-go's coercion,
// whose result they are (coerceString formats a string with %v).
func leaf(t *graphql.Scalar, v any) (slot, *gqlerrors.FormattedError) {
	switch t {
	// v is kept as it came, not unboxed and boxed again (an allocation).
	case graphql.String, graphql.ID:
		if _, ok := v.(string); ok {
			return v, nil
		}
	case graphql.Int:
		if i, ok := v.(int); ok && i >= math.MinInt32 && i <= math.MaxInt32 {
			return v, nil
		}
	case graphql.Boolean:
		if _, ok := v.(bool); ok {
			return v, nil
		}
	}
	s := t.Serialize(v)
	if nullish(s) {
		return nil, nil
	}
	return s, nil
}

// nullish is graphql-go's isNullish, with its common cases first.
func nullish(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string, bool, graph.Entity, graph.Relation, graph.Source:
		return false
	case *graph.Entity:
		return v == nil
	case *graph.Relation:
		return v == nil
	case *graph.Source:
		return v == nil
	case int:
		return false
	case float64:
		return math.IsNaN(v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Ptr {
		if rv.IsNil() {
			return true
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.String:
		return !rv.IsValid()
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(rv.Float())
	}
	return false
}

// appendNode writes a node's JSON; past limit it stops.
func appendNode(dst []byte, n *node, limit int) []byte {
	if n.sel == nil {
		dst = append(dst, '[')
		for i := range n.vals {
			if len(dst) > limit {
				return dst
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendSlot(dst, &n.vals[i], limit)
		}
		return append(dst, ']')
	}
	dst = append(dst, '{')
	for j, i := range n.sel.order {
		if len(dst) > limit {
			return dst
		}
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, n.sel.fields[i].keyJSON...)
		dst = appendSlot(dst, &n.vals[i], limit)
	}
	return append(dst, '}')
}

func appendSlot(dst []byte, s *slot, limit int) []byte {
	switch v := (*s).(type) {
	case nil:
		return append(dst, "null"...)
	case *node:
		return appendNode(dst, v, limit)
	case string:
		return AppendJSONString(dst, v)
	case bool:
		return strconv.AppendBool(dst, v)
	case int:
		return strconv.AppendInt(dst, int64(v), 10)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			// encoding/json fails on such a map value too (an infinite float).
			return append(dst, "null"...)
		}
		return append(dst, b...)
	}
}
