package server

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"

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
		e.buf = appendString(e.buf, v)
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
			e.buf = appendString(e.buf, k)
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

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string exactly as encoding/json writes
// it with HTML escaping on (its default): <, > and & as \u003c, \u003e,
// \u0026; invalid UTF-8 as \ufffd; U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
