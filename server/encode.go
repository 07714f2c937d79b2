package server

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"github.com/attribution-explorer/attribution/schema"
	"github.com/graphql-go/graphql"
)

// DefaultMaxAnswerBytes bounds the JSON of one answer. The explorer's
// largest query (a neighbourhood of 5,000 nodes with their sources) stays
// well under it; a query that multiplies long values through aliases does
// not reach it, and the memory a request holds stays bounded.
const DefaultMaxAnswerBytes = 32 << 20

var errAnswerTooLarge = errors.New("the answer is too large")

// encodeResult writes res as encoding/json would (keys of objects sorted,
// HTML characters escaped, a final newline), but stops as soon as the JSON
// passes limit bytes: encoding/json would build the whole text first,
// however large, and the answer was then held twice.
func encodeResult(res *graphql.Result, limit int) ([]byte, error) {
	e := &encoder{limit: limit}
	e.raw(`{"data":`)
	e.value(res.Data)
	if len(res.Errors) > 0 {
		e.raw(`,"errors":`)
		e.marshal(res.Errors)
	}
	if len(res.Extensions) > 0 {
		e.raw(`,"extensions":`)
		e.marshal(res.Extensions)
	}
	e.raw("}\n")
	return e.buf, e.err
}

type encoder struct {
	buf   []byte
	limit int
	err   error
}

func (e *encoder) raw(s string) {
	e.buf = append(e.buf, s...)
	e.check()
}

func (e *encoder) check() {
	if e.err == nil && len(e.buf) > e.limit {
		e.err = errAnswerTooLarge
	}
}

// value encodes the values graphql-go's executor builds: objects as
// map[string]any, lists as []any, and the scalars' serialized values; any
// other type goes through encoding/json.
func (e *encoder) value(v any) {
	if e.err != nil {
		return
	}
	switch v := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case string:
		e.buf = schema.AppendJSONString(e.buf, v)
	case bool:
		e.buf = strconv.AppendBool(e.buf, v)
	case int:
		e.buf = strconv.AppendInt(e.buf, int64(v), 10)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		e.buf = append(e.buf, '{')
		for i, k := range keys {
			if e.err != nil {
				return
			}
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = schema.AppendJSONString(e.buf, k)
			e.buf = append(e.buf, ':')
			e.value(v[k])
		}
		e.buf = append(e.buf, '}')
	case []any:
		e.buf = append(e.buf, '[')
		for i, x := range v {
			if e.err != nil {
				return
			}
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.value(x)
		}
		e.buf = append(e.buf, ']')
	case jsonAppender:
		// The compiled executor's data (schema.Data): written once, here.
		e.buf = v.AppendJSON(e.buf, e.limit)
	default:
		e.marshal(v)
		return
	}
	e.check()
}

// jsonAppender is data that writes its own JSON, as encoding/json would,
// stopping once the buffer passes limit bytes.
type jsonAppender interface {
	AppendJSON(dst []byte, limit int) []byte
}

func (e *encoder) marshal(v any) {
	if e.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		e.err = err
		return
	}
	e.buf = append(e.buf, b...)
	e.check()
}
