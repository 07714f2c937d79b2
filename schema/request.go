package schema

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/lexer"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
	lru "github.com/hashicorp/golang-lru/v2"
)

// Limits of one request. They are checked cheapest first, each before the
// step whose cost it bounds: nothing a client sends reaches graphql-go's
// parser, validation or executor unbounded (graphql-go v0.8.1 has no limits
// of its own, and its validation recurses forever on fragment cycles).
const (
	MaxQueryBytes = 64 << 10 // the query text
	MaxTokens     = 10_000   // lexical tokens of the text, counted before parsing
	MaxNesting    = 32       // brackets ({ [ () open at once, checked before parsing (the parser recurses on them)
	MaxDepth      = 15       // nesting of field selections through fragments (the GraphiQL introspection query needs 13)
	MaxFields     = 2_000    // field selections of the document once its fragments are expanded
	// MaxSameKey bounds the fields of one selection level that answer to the
	// same name (through inline and named fragments too): validation compares
	// them pairwise, so a thousand "id"s cost seconds.
	MaxSameKey = 32
	// MaxCost bounds the fields of the operation weighted by the page sizes
	// (first, limit) of the lists above them: an estimate of the work that
	// refuses nested lists multiplying out before the store is asked.
	MaxCost = 500_000
	// RequestTimeout bounds the execution of one request.
	RequestTimeout = 15 * time.Second

	documentCacheSize = 1_000 // parsed and validated documents kept
	saturated         = 1 << 40
)

// Request is one GraphQL request.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// RequestError is a request refused before execution: malformed, over a
// limit, or invalid against the schema. The server answers it with 400.
type RequestError struct {
	Errors []gqlerrors.FormattedError
}

func (e *RequestError) Error() string { return e.Errors[0].Message }

func refuse(format string, args ...any) *RequestError {
	return &RequestError{Errors: []gqlerrors.FormattedError{{Message: shorten(fmt.Sprintf(format, args...))}}}
}

func refuseErrors(errs []gqlerrors.FormattedError) *RequestError {
	out := make([]gqlerrors.FormattedError, len(errs))
	for i, e := range errs {
		e.Message = shorten(e.Message)
		out[i] = e
	}
	return &RequestError{Errors: out}
}

// Prepared is a request that passed every check and may be executed.
type Prepared struct {
	req    Request
	doc    *ast.Document
	d      *document
	op     *ast.OperationDefinition
	Cached bool // the document came from the cache: no parsing, no validation
	// Cost is the operation's estimated cost (its fields weighted by the
	// page sizes of the lists above them), at most MaxCost.
	Cost int
}

// OperationType is "query", "mutation" or "subscription".
func (p *Prepared) OperationType() string { return p.op.Operation }

// OperationName is the operation's name, or "" when it has none.
func (p *Prepared) OperationName() string {
	if p.op.Name == nil {
		return ""
	}
	return p.op.Name.Value
}

// document is what the cache keeps of a query text: its syntax tree and what
// validation said of it (nil: valid).
type document struct {
	doc    *ast.Document
	errors []gqlerrors.FormattedError

	// The compiled plans of its operations (see compile.go), made on first
	// execution; none when its @skip or @include take variables.
	varying bool
	mu      sync.Mutex
	plans   map[*ast.OperationDefinition]*plan
}

// forget drops a cached plan (grown too large to keep).
func (d *document) forget(op *ast.OperationDefinition, p *plan) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.plans[op] == p {
		delete(d.plans, op)
	}
}

// planFor returns the operation's plan, compiling it on first use; nil
// (and errNotCompiled) when graphql-go's executor is to run it.
func (s *Schema) planFor(d *document, op *ast.OperationDefinition, vars map[string]any) (*plan, error) {
	if d.varying {
		return compile(&s.schema, d.doc, op, vars)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if p, ok := d.plans[op]; ok {
		if p == nil {
			return nil, errNotCompiled
		}
		return p, nil
	}
	p, err := compile(&s.schema, d.doc, op, nil)
	if d.plans == nil {
		d.plans = map[*ast.OperationDefinition]*plan{}
	}
	d.plans[op] = p // nil when not compiled
	return p, err
}

type documentCache = lru.Cache[[sha256.Size]byte, *document]

func newDocumentCache() *documentCache {
	c, err := lru.New[[sha256.Size]byte, *document](documentCacheSize)
	if err != nil {
		panic(err) // only for a size <= 0
	}
	return c
}

// Prepare runs every check of a request, cheapest first: size; tokens and
// nesting on the raw text; parsing; one memoised pass for depth, fields and
// cost; fragment cycles; validation. Documents are cached by the hash of
// their text, so a repeated query skips parsing and validation. The error is
// a *RequestError, or the context's error.
func (s *Schema) Prepare(ctx context.Context, req Request) (*Prepared, error) {
	if len(req.Query) > MaxQueryBytes {
		return nil, refuse("the query is %d bytes long; the limit is %d", len(req.Query), MaxQueryBytes)
	}
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	key := sha256.Sum256([]byte(req.Query))
	d, cached := s.documents.Get(key)
	if !cached {
		var rerr *RequestError
		if d, rerr = s.read(ctx, req.Query); rerr != nil {
			return nil, rerr
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.documents.Add(key, d)
	}
	if d.errors != nil {
		return nil, refuseErrors(d.errors)
	}
	op, rerr := operation(d.doc, req.OperationName)
	if rerr != nil {
		return nil, rerr
	}
	w := newWalker(d.doc, req.Variables)
	c := w.selectionSet(op.SelectionSet).cost
	if c > MaxCost {
		return nil, refuse("the query would cost about %s (its fields weighted by the page sizes of the lists above them); the limit is %d: ask for smaller pages (first, limit) or fewer nested lists", costString(c), MaxCost)
	}
	return &Prepared{req: req, doc: d.doc, d: d, op: op, Cached: cached, Cost: c}, nil
}

func costString(c int) string {
	if c >= saturated {
		return "more than " + strconv.Itoa(saturated)
	}
	return strconv.Itoa(c)
}

// read turns a query text into a document, checking everything that does not
// depend on the variables. A document that fails validation is returned with
// its errors (and cached so); the other refusals are not cached.
func (s *Schema) read(ctx context.Context, text string) (d *document, rerr *RequestError) {
	defer func() {
		// graphql-go's parser and validation panic on some malformed
		// documents (a variable without a type, among others).
		if p := recover(); p != nil {
			loggerFrom(ctx).Warn("graphql-go panicked on a query", "panic", fmt.Sprint(p), "query", shorten(strconv.Quote(text)))
			d, rerr = nil, refuse("the query is malformed: it could not be parsed or validated (check that every variable has a type and every selection is complete)")
		}
	}()
	src := source.NewSource(&source.Source{Body: []byte(text), Name: "GraphQL request"})
	if rerr := scan(src); rerr != nil {
		return nil, rerr
	}
	doc, err := parser.Parse(parser.ParseParams{Source: src})
	if err != nil {
		return nil, refuseErrors(gqlerrors.FormatErrors(err))
	}
	// Every error graphql-go makes from now on would scan the body for its
	// location; without it, relocate computes them from one line index.
	src.Body = nil
	if err := ctx.Err(); err != nil {
		return nil, refuse("the request was cancelled")
	}
	if rerr := checkSyntax(doc); rerr != nil {
		return nil, rerr
	}
	shape := newWalker(doc, nil).document()
	switch {
	case shape.depth > MaxDepth:
		return nil, refuse("the query nests %d levels deep; the limit is %d", shape.depth, MaxDepth)
	case shape.fields > MaxFields:
		return nil, refuse("the query selects %s fields once its fragments are expanded; the limit is %d", costString(shape.fields), MaxFields)
	case shape.sameKey > MaxSameKey:
		return nil, refuse("the query selects the same name %d times at one level; the limit is %d", shape.sameKey, MaxSameKey)
	}
	// Cycles before the other rules, which never end on them. The rule runs
	// graphql-go's visitor over the whole document, which costs more than
	// the walk above: hence second.
	cycles, err := validate(ctx, &s.schema, doc, []graphql.ValidationRuleFn{graphql.NoFragmentCyclesRule})
	if err != nil {
		return nil, refuse("the request was cancelled")
	}
	if len(cycles) > 0 {
		relocate(text, cycles)
		return nil, refuseErrors(cycles)
	}
	errs, err := validate(ctx, &s.schema, doc, graphql.SpecifiedRules)
	if err != nil {
		return nil, refuse("the request was cancelled")
	}
	relocate(text, errs)
	d = &document{doc: doc, varying: directivesVary(doc)}
	if len(errs) > 0 {
		d.errors = errs
	}
	return d, nil
}

// scan counts the tokens of the text and the brackets open at once, so that
// neither the parser's recursion nor the size of the tree it builds is
// unbounded.
func scan(src *source.Source) *RequestError {
	next := lexer.Lex(src)
	tokens, open := 0, 0
	for {
		t, err := next(0)
		if err != nil {
			return refuseErrors(gqlerrors.FormatErrors(err))
		}
		switch t.Kind {
		case lexer.EOF:
			return nil
		case lexer.BRACE_L, lexer.BRACKET_L, lexer.PAREN_L:
			if open++; open > MaxNesting {
				return refuse("the query nests more than %d brackets deep", MaxNesting)
			}
		case lexer.BRACE_R, lexer.BRACKET_R, lexer.PAREN_R:
			open--
		}
		if tokens++; tokens > MaxTokens {
			return refuse("the query has more than %d tokens", MaxTokens)
		}
	}
}

// operation picks the operation a request runs, as graphql-go's executor
// will.
func operation(doc *ast.Document, name string) (*ast.OperationDefinition, *RequestError) {
	var ops []*ast.OperationDefinition
	for _, d := range doc.Definitions {
		if op, ok := d.(*ast.OperationDefinition); ok {
			if name != "" && op.Name != nil && op.Name.Value == name {
				return op, nil
			}
			ops = append(ops, op)
		}
	}
	switch {
	case name != "":
		return nil, refuse("the document has no operation named %q", name)
	case len(ops) == 0:
		return nil, refuse("the document has no operation")
	case len(ops) > 1:
		return nil, refuse("the document has %d operations: name the one to run in operationName", len(ops))
	}
	return ops[0], nil
}

// Execute runs a prepared request under the request timeout, with a fresh
// batcher: with the document's compiled plan (compile.go, exec.go), whose
// result's Data is a *Data, or with graphql-go's executor for what plans do
// not cover (introspection), whose Data is graphql-go's maps.
func (s *Schema) Execute(ctx context.Context, p *Prepared) (res *graphql.Result) {
	if testHookExecute != nil {
		testHookExecute(ctx, s, p.req)
	}
	return s.execute(ctx, p, true)
}

// testHookExecute, set by the differential test, sees every request the
// package's tests execute.
var testHookExecute func(context.Context, *Schema, Request)

// ExecuteReference runs a prepared request with graphql-go's executor
// alone: the reference the compiled executor is tested against.
func (s *Schema) ExecuteReference(ctx context.Context, p *Prepared) (res *graphql.Result) {
	return s.execute(ctx, p, false)
}

func (s *Schema) execute(ctx context.Context, p *Prepared, compiled bool) (res *graphql.Result) {
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	ctx = context.WithValue(ctx, batcherKey{}, newBatcher(ctx, s.store))
	defer func() {
		if r := recover(); r != nil {
			loggerFrom(ctx).Error("panic while executing a query", "panic", fmt.Sprint(r))
			res = errorResult(errInternal)
		}
	}()
	res = nil
	if compiled && p.d != nil {
		// Variables are coerced as graphql-go does; a request whose
		// variables it refuses goes to it, which says why.
		if vars, err := gqlVariableValues(s.schema, p.op.VariableDefinitions, p.req.Variables); err == nil {
			if plan, err := s.planFor(p.d, p.op, vars); err == nil {
				res = s.run(ctx, plan, vars)
				if plan.size.Load() > maxCachedPlanSize {
					p.d.forget(p.op, plan)
				}
			}
		}
	}
	if res == nil {
		res = graphql.Execute(graphql.ExecuteParams{Schema: s.schema, AST: p.doc, OperationName: p.req.OperationName,
			Args: p.req.Variables, Context: ctx})
	}
	relocate(p.req.Query, res.Errors)
	for i, e := range res.Errors {
		// graphql-go reports its own context's end in the context's words.
		switch e.Message {
		case context.DeadlineExceeded.Error():
			e.Message = publicError(ctx, context.DeadlineExceeded).Error()
		case context.Canceled.Error():
			e.Message = publicError(ctx, context.Canceled).Error()
		}
		res.Errors[i].Message = shorten(e.Message)
		// graphql-go drops the extensions of an error from a thunk (a
		// batched store call): the code of a busy store is put back.
		if e.Message == errBusy.message && e.Extensions["code"] == nil {
			res.Errors[i].Extensions = map[string]any{"code": CodeBusy}
		}
	}
	return res
}

// Do prepares and executes a request; a refusal is returned as a result
// with its errors.
func (s *Schema) Do(ctx context.Context, req Request) *graphql.Result {
	p, err := s.Prepare(ctx, req)
	if err != nil {
		if re, ok := err.(*RequestError); ok {
			return &graphql.Result{Errors: re.Errors}
		}
		return errorResult(publicError(ctx, err))
	}
	return s.Execute(ctx, p)
}
