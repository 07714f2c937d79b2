package schema

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	_ "unsafe" // go:linkname, below

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// The compiled executor, part 1: plans. A plan is what graphql-go's executor
// works out again for every object of every response (which fields a
// selection set has for the object's type, through fragments, @skip and
// @include; each field's definition, resolver and arguments) worked out
// once per document and operation and cached beside the document. The
// approach is graphql-jit's (compile the query against the schema once,
// execute the compiled form), done at run time over graphql-go's own schema
// and resolvers: graphql-go keeps parsing, validation and introspection, and
// executes what a plan does not cover (introspection fields, documents with
// definitions other than operations and fragments).

// The argument and variable coercion of graphql-go's executor, called
// rather than copied so that both executors coerce alike (the version is
// pinned in go.mod; the differential test would see a change).
//
//go:linkname gqlArgumentValues github.com/graphql-go/graphql.getArgumentValues
func gqlArgumentValues(argDefs []*graphql.Argument, argASTs []*ast.Argument, variableValues map[string]any) map[string]any

//go:linkname gqlVariableValues github.com/graphql-go/graphql.getVariableValues
func gqlVariableValues(schema graphql.Schema, definitionASTs []*ast.VariableDefinition, inputs map[string]any) (map[string]any, error)

// errNotCompiled says a document is left to graphql-go's executor.
var errNotCompiled = errors.New("not compiled")

// plan is one operation of a document, compiled.
type plan struct {
	root   *selPlan
	fields atomic.Int32 // field plans whose arguments use variables, numbered as compiled
	size   atomic.Int64 // field plans compiled so far, all told
}

// maxCachedPlanSize bounds the field plans a cached plan may hold. MaxFields
// bounds a document's fields, but a plan compiles an abstract field's
// selection once per concrete type it meets (12 for Entity) at every level:
// a plan that grew past this is dropped after its request (the next one
// compiles what it needs again), so that a thousand cached documents cannot
// hold gigabytes.
const maxCachedPlanSize = 4 * MaxFields

// selPlan is a selection set for one object type: its fields in execution
// order (the document's), and the order of their keys in the JSON
// (encoding/json's order of a map's keys: sorted).
type selPlan struct {
	typ    *graphql.Object
	fields []*fieldPlan
	order  []int
}

// fieldPlan is one field of a selection set, with all the fields of the set
// that share its response key merged (as graphql-go's collectFields does).
type fieldPlan struct {
	id       int32 // index of its arguments in a request, when they depend on variables
	key      string
	keyJSON  []byte // "key":
	def      *graphql.FieldDefinition
	typename bool // __typename: the object type's name
	nodes    []ast.Node
	info     graphql.ResolveInfo // without VariableValues, set per request
	args     map[string]any      // coerced once, when no variable is used
	argsVary bool

	// What its values complete to, by the named type of its return type.
	object *lazySel                     // an object type
	byType map[*graphql.Object]*lazySel // an interface or union: one per possible type
}

// lazySel compiles a sub-selection on first use: compiling every possible
// type of every abstract field up front would multiply out (an Entity's
// relations' ends are Entities of 12 types, and so on down).
type lazySel struct {
	once sync.Once
	sel  *selPlan
	err  error
	make func() (*selPlan, error)
}

func (l *lazySel) get() (*selPlan, error) {
	l.once.Do(func() { l.sel, l.err = l.make(); l.make = nil })
	return l.sel, l.err
}

type compiler struct {
	schema    *graphql.Schema
	op        *ast.OperationDefinition
	fragments map[string]ast.Definition
	vars      map[string]any // for @skip and @include only; nil when the plan is cached
	plan      *plan
}

// compile compiles the operation of a document. vars are the request's
// coerced variables, which only @skip and @include use at compile time:
// when varying is true they do, and the plan must not be cached.
func compile(s *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition, vars map[string]any) (p *plan, err error) {
	if op.Operation != ast.OperationTypeQuery {
		return nil, errNotCompiled
	}
	c := &compiler{schema: s, op: op, fragments: map[string]ast.Definition{}, vars: vars, plan: &plan{}}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
		case *ast.FragmentDefinition:
			if d.Name != nil {
				c.fragments[d.Name.Value] = d
			}
		default:
			return nil, errNotCompiled
		}
	}
	root := s.QueryType()
	if c.plan.root, err = c.selection(root, []*ast.SelectionSet{op.SelectionSet}, true); err != nil {
		return nil, err
	}
	return c.plan, nil
}

// directivesVary says whether any @skip or @include of the document takes a
// variable: its plans then depend on the request.
func directivesVary(doc *ast.Document) bool {
	var set func(*ast.SelectionSet) bool
	dirs := func(ds []*ast.Directive) bool {
		for _, d := range ds {
			for _, a := range d.Arguments {
				if _, ok := a.Value.(*ast.Variable); ok {
					return true
				}
			}
		}
		return false
	}
	set = func(s *ast.SelectionSet) bool {
		if s == nil {
			return false
		}
		for _, sel := range s.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				if dirs(sel.Directives) || set(sel.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if dirs(sel.Directives) || set(sel.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if dirs(sel.Directives) {
					return true
				}
			}
		}
		return false
	}
	for _, d := range doc.Definitions {
		if n, ok := d.(interface{ GetSelectionSet() *ast.SelectionSet }); ok && set(n.GetSelectionSet()) {
			return true
		}
	}
	return false
}

// selection compiles the selection sets of the fields merged under one key
// for the object type rt, as graphql-go's completeObjectValue collects them
// (one set of visited fragments for all of them), keeping the document's
// order.
func (c *compiler) selection(rt *graphql.Object, sets []*ast.SelectionSet, root bool) (*selPlan, error) {
	var keys []string
	groups := map[string][]*ast.Field{}
	visited := map[string]bool{}
	for _, s := range sets {
		c.collect(rt, s, visited, &keys, groups)
	}
	sp := &selPlan{typ: rt}
	c.plan.size.Add(int64(len(keys)))
	for _, key := range keys {
		asts := groups[key]
		name := ""
		if asts[0].Name != nil {
			name = asts[0].Name.Value
		}
		fp := &fieldPlan{key: key, keyJSON: append(AppendJSONString(nil, key), ':')}
		switch {
		case root && (name == graphql.SchemaMetaFieldDef.Name || name == graphql.TypeMetaFieldDef.Name):
			return nil, errNotCompiled // introspection: graphql-go's
		case name == graphql.TypeNameMetaFieldDef.Name:
			fp.typename = true
			fp.def = graphql.TypeNameMetaFieldDef
		default:
			fp.def = rt.Fields()[name]
			if fp.def == nil {
				continue // as graphql-go does (validation refused unknown fields)
			}
		}
		for _, a := range asts {
			fp.nodes = append(fp.nodes, a)
		}
		fp.info = graphql.ResolveInfo{FieldName: name, FieldASTs: asts, ReturnType: fp.def.Type, ParentType: rt,
			Schema: *c.schema, Fragments: c.fragments, Operation: c.op}
		if len(fp.def.Args) > 0 {
			if argsUseVariables(asts[0].Arguments) {
				fp.argsVary = true
				fp.id = c.plan.fields.Add(1) - 1
			} else {
				fp.args = gqlArgumentValues(fp.def.Args, asts[0].Arguments, nil)
			}
		} else {
			fp.args = map[string]any{}
		}
		var subs []*ast.SelectionSet
		for _, a := range asts {
			if a.SelectionSet != nil {
				subs = append(subs, a.SelectionSet)
			}
		}
		switch t := namedType(fp.def.Type).(type) {
		case *graphql.Object:
			fp.object = &lazySel{make: func() (*selPlan, error) { return c.selection(t, subs, false) }}
		case *graphql.Interface, *graphql.Union:
			fp.byType = map[*graphql.Object]*lazySel{}
			for _, o := range c.schema.PossibleTypes(t.(graphql.Abstract)) {
				fp.byType[o] = &lazySel{make: func() (*selPlan, error) { return c.selection(o, subs, false) }}
			}
		}
		sp.fields = append(sp.fields, fp)
	}
	sp.order = make([]int, len(sp.fields))
	for i := range sp.order {
		sp.order[i] = i
	}
	slices.SortFunc(sp.order, func(a, b int) int {
		switch ka, kb := sp.fields[a].key, sp.fields[b].key; {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	return sp, nil
}

// collect is graphql-go's collectFields, in the document's order.
func (c *compiler) collect(rt *graphql.Object, set *ast.SelectionSet, visited map[string]bool, keys *[]string, groups map[string][]*ast.Field) {
	if set == nil {
		return
	}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			if !c.include(sel.Directives) {
				continue
			}
			key := ""
			if sel.Alias != nil && sel.Alias.Value != "" {
				key = sel.Alias.Value
			} else if sel.Name != nil {
				key = sel.Name.Value
			}
			if _, ok := groups[key]; !ok {
				*keys = append(*keys, key)
			}
			groups[key] = append(groups[key], sel)
		case *ast.InlineFragment:
			if !c.include(sel.Directives) || !c.matches(sel.TypeCondition, rt) {
				continue
			}
			c.collect(rt, sel.SelectionSet, visited, keys, groups)
		case *ast.FragmentSpread:
			name := ""
			if sel.Name != nil {
				name = sel.Name.Value
			}
			if visited[name] || !c.include(sel.Directives) {
				continue
			}
			visited[name] = true
			f, ok := c.fragments[name].(*ast.FragmentDefinition)
			if !ok || !c.matches(f.TypeCondition, rt) {
				continue
			}
			c.collect(rt, f.SelectionSet, visited, keys, groups)
		}
	}
}

// include is graphql-go's shouldIncludeNode: @skip first, then @include.
func (c *compiler) include(ds []*ast.Directive) bool {
	var skip, incl *ast.Directive
	for _, d := range ds {
		if d == nil || d.Name == nil {
			continue
		}
		switch d.Name.Value {
		case graphql.SkipDirective.Name:
			skip = d
		case graphql.IncludeDirective.Name:
			incl = d
		}
	}
	if skip != nil {
		if v, ok := gqlArgumentValues(graphql.SkipDirective.Args, skip.Arguments, c.vars)["if"].(bool); ok && v {
			return false
		}
	}
	if incl != nil {
		if v, ok := gqlArgumentValues(graphql.IncludeDirective.Args, incl.Arguments, c.vars)["if"].(bool); ok && !v {
			return false
		}
	}
	return true
}

// matches is graphql-go's doesFragmentConditionMatch.
func (c *compiler) matches(cond *ast.Named, rt *graphql.Object) bool {
	if cond == nil {
		return true
	}
	if cond.Name == nil {
		return false
	}
	t := c.schema.Type(cond.Name.Value)
	if t == nil {
		return false
	}
	if t.Name() == rt.Name() {
		return true
	}
	switch t.(type) {
	case *graphql.Interface, *graphql.Union:
		return c.schema.IsPossibleType(t.(graphql.Abstract), rt)
	}
	return false
}

func argsUseVariables(args []*ast.Argument) bool {
	var uses func(ast.Value) bool
	uses = func(v ast.Value) bool {
		switch v := v.(type) {
		case *ast.Variable:
			return true
		case *ast.ListValue:
			return slices.ContainsFunc(v.Values, uses)
		case *ast.ObjectValue:
			return slices.ContainsFunc(v.Fields, func(f *ast.ObjectField) bool { return uses(f.Value) })
		}
		return false
	}
	return slices.ContainsFunc(args, func(a *ast.Argument) bool { return uses(a.Value) })
}

func namedType(t graphql.Type) graphql.Type {
	for {
		switch w := t.(type) {
		case *graphql.NonNull:
			t = w.OfType
		case *graphql.List:
			t = w.OfType
		default:
			return t
		}
	}
}
