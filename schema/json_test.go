package schema

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// AppendJSONString writes strings as encoding/json does.
func TestAppendJSONStringIsEncodingJSON(t *testing.T) {
	pieces := []string{"a", "é", "<", ">", "&", `"`, `\`, "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\u2028", "\u2029",
		"\xff", "\xe2\x80", "💥", "Ding Xiaoyang", "'", "/", "\x7f", " ", "~"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(10) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		want, _ := json.Marshal(b.String())
		if got := AppendJSONString(nil, b.String()); string(got) != string(want) {
			t.Fatalf("%q: %s, want %s", b.String(), got, want)
		}
	}
	for c := range 256 {
		s := string([]byte{byte(c)})
		want, _ := json.Marshal(s)
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("byte %#x: %s, want %s", c, got, want)
		}
	}
}
