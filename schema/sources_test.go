package schema

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The compiled executor passes the items of the lists it knows (and the
// batcher's entities) to resolvers as pointers; graphql-go passes values.
// A resolver that asserts its source's type directly breaks on the first:
// each reads it with sourceAs. (The differential test finds such a
// resolver only if a query it runs selects the field.)
func TestSourcesReadThroughSourceAs(t *testing.T) {
	direct := regexp.MustCompile(`\b(p\.Source|p\.Value|v)\.\((graph\.(Entity|Relation|Source|SearchHit|Path|Attribute|Alternative|Key|RelationType|Dataset|TimelineItem)|entityEdge|timelineEdge|relationCount|aggBucket)\)`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := direct.FindString(line); m != "" {
				t.Errorf("%s:%d: %s: read the source with sourceAs (the compiled executor may pass a pointer)", f, i+1, m)
			}
		}
	}
}
