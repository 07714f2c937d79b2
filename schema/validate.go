package schema

import (
	"context"
	"sort"
	"strconv"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/visitor"
)

// Validation bounded before and while it runs. graphql-go's validation
// reports every error it finds, and each error scans the whole query text
// for line breaks (location.GetLocation compiles a regexp and reads the
// body, per error): a query with thousands of bad arguments, or with
// thousands of newlines in front of them, cost seconds to tens of seconds
// of CPU. So: the syntax a schema error can be reported on is counted and
// bounded first (syntaxCounts); validation stops after MaxValidationErrors errors or
// when the request's context ends; and error locations come from one index
// of the text's lines (lineIndex), not from a scan per error.

// Limits of the syntax of one document, checked after parsing, before
// validation. Our fields take at most 6 arguments and our inputs at most 6
// fields; the limits leave room for clients' tools and refuse the floods.
const (
	MaxArguments        = 16  // arguments of one field or directive
	MaxDirectives       = 8   // directives on one field, fragment or operation
	MaxObjectFields     = 32  // fields of one input object value
	MaxVariables        = 64  // variables of one operation
	MaxAliases          = 100 // aliased fields of the whole document
	MaxValidationErrors = 20  // validation errors reported; it stops at that
)

// checkSyntax refuses a document over one of the limits above. It walks the
// syntax once, each fragment once (no expansion): linear in the text.
func checkSyntax(doc *ast.Document) *RequestError {
	c := syntaxCounter{}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			if n := len(d.VariableDefinitions); n > MaxVariables {
				return refuse("the operation declares %d variables; the limit is %d", n, MaxVariables)
			}
			for _, v := range d.VariableDefinitions {
				c.value(v.DefaultValue)
			}
			c.directives(d.Directives)
			c.selections(d.SelectionSet)
		case *ast.FragmentDefinition:
			c.directives(d.Directives)
			c.selections(d.SelectionSet)
		}
		if c.err != nil {
			return c.err
		}
	}
	return c.err
}

type syntaxCounter struct {
	aliases int
	err     *RequestError
}

func (c *syntaxCounter) selections(set *ast.SelectionSet) {
	if set == nil {
		return
	}
	for _, sel := range set.Selections {
		if c.err != nil {
			return
		}
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Alias != nil {
				if c.aliases++; c.aliases > MaxAliases {
					c.err = refuse("the query has more than %d aliases", MaxAliases)
					return
				}
			}
			c.arguments("the field", sel.Name, sel.Arguments)
			c.directives(sel.Directives)
			c.selections(sel.SelectionSet)
		case *ast.InlineFragment:
			c.directives(sel.Directives)
			c.selections(sel.SelectionSet)
		case *ast.FragmentSpread:
			c.directives(sel.Directives)
		}
	}
}

func (c *syntaxCounter) arguments(what string, name *ast.Name, args []*ast.Argument) {
	if c.err != nil {
		return
	}
	if len(args) > MaxArguments {
		if name != nil {
			what += " " + shortName(name.Value)
		}
		c.err = refuse("%s has %d arguments; the limit is %d", what, len(args), MaxArguments)
		return
	}
	for _, a := range args {
		c.value(a.Value)
	}
}

func (c *syntaxCounter) directives(ds []*ast.Directive) {
	if c.err != nil {
		return
	}
	if len(ds) > MaxDirectives {
		c.err = refuse("a selection has %d directives; the limit is %d", len(ds), MaxDirectives)
		return
	}
	for _, d := range ds {
		c.arguments("the directive", d.Name, d.Arguments)
	}
}

// value counts the fields of input objects, at any depth (the nesting of
// values is bounded by the bracket count of the scan).
func (c *syntaxCounter) value(v ast.Value) {
	if c.err != nil {
		return
	}
	switch v := v.(type) {
	case *ast.ObjectValue:
		if len(v.Fields) > MaxObjectFields {
			c.err = refuse("an input object has %d fields; the limit is %d", len(v.Fields), MaxObjectFields)
			return
		}
		for _, f := range v.Fields {
			c.value(f.Value)
		}
	case *ast.ListValue:
		for _, x := range v.Values {
			c.value(x)
		}
	}
}

// shortName quotes a name for a message, cut to a readable length.
func shortName(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}

// validate runs the rules over the document as graphql.ValidateDocument
// does, but stops at MaxValidationErrors errors (adding one that says so) or when ctx
// ends (returning ctx's error).
func validate(ctx context.Context, s *graphql.Schema, doc *ast.Document, rules []graphql.ValidationRuleFn) ([]gqlerrors.FormattedError, error) {
	typeInfo := graphql.NewTypeInfo(&graphql.TypeInfoConfig{Schema: s})
	vc := graphql.NewValidationContext(s, doc, typeInfo)
	visitors := make([]*visitor.VisitorOptions, len(rules))
	for i, rule := range rules {
		visitors[i] = rule(vc).VisitorOpts
	}
	all := visitor.VisitInParallel(visitors...)
	stopped := false
	bounded := &visitor.VisitorOptions{
		Enter: func(p visitor.VisitFuncParams) (string, any) {
			if len(vc.Errors()) >= MaxValidationErrors || ctx.Err() != nil {
				stopped = true
				return visitor.ActionBreak, nil
			}
			return all.Enter(p)
		},
		Leave: all.Leave,
	}
	visitor.Visit(doc, visitor.VisitWithTypeInfo(typeInfo, bounded), nil)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	errs := vc.Errors()
	if stopped || len(errs) > MaxValidationErrors {
		errs = append(errs[:min(len(errs), MaxValidationErrors):min(len(errs), MaxValidationErrors)],
			gqlerrors.FormattedError{Message: "validation stopped after " + strconv.Itoa(MaxValidationErrors) + " errors"})
	}
	return errs, nil
}

// lineIndex holds the offsets at which the lines of a text begin, so that a
// byte offset becomes a line and column by a binary search.
type lineIndex []int

func newLineIndex(text string) lineIndex {
	idx := lineIndex{0}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			idx = append(idx, i+1)
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			idx = append(idx, i+1)
		}
	}
	return idx
}

// locate is location.GetLocation without the scan: the 1-based line and
// column (in bytes) of a byte offset.
func (l lineIndex) locate(offset int) location.SourceLocation {
	line := sort.Search(len(l), func(i int) bool { return l[i] > offset })
	return location.SourceLocation{Line: line, Column: offset - l[line-1] + 1}
}

// relocate gives errors their real locations. graphql-go computes them from
// the document's source, whose body is dropped after parsing (see read):
// with no body, it reports line 1 and the byte offset plus one as column,
// which is turned back into the offset here.
func relocate(text string, errs []gqlerrors.FormattedError) {
	var idx lineIndex
	for i := range errs {
		for j, loc := range errs[i].Locations {
			if loc.Line != 1 || loc.Column < 1 {
				continue
			}
			if idx == nil {
				idx = newLineIndex(text)
			}
			errs[i].Locations[j] = idx.locate(loc.Column - 1)
		}
	}
}
