package server

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
)

// randomValue builds a value of the shapes graphql-go's executor returns,
// with strings full of what JSON must escape.
func randomValue(r *rand.Rand, depth int) any {
	pieces := []string{"a", "é", "<", ">", "&", `"`, `\`, "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\u2028", "\u2029",
		"\xff", "\xe2\x80", "💥", "Ding Xiaoyang", "'", "/", "\x7f"}
	str := func() string {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	k := r.IntN(8)
	if depth > 3 {
		k = r.IntN(5)
	}
	switch k {
	case 0:
		return nil
	case 1:
		return str()
	case 2:
		return r.IntN(2) == 0
	case 3:
		return r.IntN(1<<20) - 1<<19
	case 4:
		return r.Float64() * 1e6
	case 5, 6:
		m := map[string]any{}
		for range r.IntN(5) {
			m[str()] = randomValue(r, depth+1)
		}
		return m
	default:
		l := []any{}
		for range r.IntN(5) {
			l = append(l, randomValue(r, depth+1))
		}
		return l
	}
}

// TestEncodeResultIsEncodingJSON: the bounded encoder writes exactly what
// encoding/json's Encoder wrote before it, for every shape of answer.
func TestEncodeResultIsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		res := &graphql.Result{Data: randomValue(r, 0)}
		if i%3 == 0 {
			res.Errors = []gqlerrors.FormattedError{{Message: "bad <thing> & \u2028", Extensions: map[string]any{"requestId": "x"}}}
		}
		if i%7 == 0 {
			res.Extensions = map[string]any{"cost": i}
		}
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(res); err != nil {
			t.Fatal(err)
		}
		got, err := encodeResult(res, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("value %d:\n got %s\nwant %s", i, got, want.Bytes())
		}
	}
}

// TestEncodeResultStopsAtItsLimit: an answer over the limit is refused, and
// the encoder stops soon after the limit rather than at the end.
func TestEncodeResultStopsAtItsLimit(t *testing.T) {
	long := strings.Repeat("x", 1000)
	list := make([]any, 100_000)
	for i := range list {
		list[i] = map[string]any{"name": long}
	}
	res := &graphql.Result{Data: map[string]any{"entities": list}}
	b, err := encodeResult(res, 1<<20)
	if err != errAnswerTooLarge {
		t.Fatalf("got %v", err)
	}
	if len(b) > 1<<20+2000 {
		t.Errorf("encoded %d bytes before stopping", len(b))
	}
	if b, err = encodeResult(res, 200<<20); err != nil || len(b) < 100_000_000 {
		t.Fatalf("under the limit: %d bytes, %v", len(b), err)
	}
}
