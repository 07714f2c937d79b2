package loaders

import (
	"os"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// TestPublicDatasets: every dataset of the manifest reads, matches its
// sha256 and has its licence beside it.
func TestPublicDatasets(t *testing.T) {
	ds, err := PublicDatasets()
	if err != nil || len(ds) == 0 {
		t.Fatalf("%v %v", ds, err)
	}
	for _, d := range ds {
		if _, err := os.Stat("../data/public/" + d.LicenceFile); err != nil || d.Licence == "" || d.Origin == "" {
			t.Errorf("%s: licence %q in %q (%v), origin %q", d.ID, d.Licence, d.LicenceFile, err, d.Origin)
		}
		b, rep, err := ReadPublic(d, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Entities) == 0 || rep.String() == "" {
			t.Errorf("%s: %d entities", d.ID, len(b.Entities))
		}
		if err := b.Check(graph.NoneExisting{}); err != nil {
			t.Errorf("%s does not validate: %v", d.ID, err)
		}
		d.SHA256 = "0000"
		if _, _, err := ReadPublic(d, nil); err == nil {
			t.Errorf("%s: a wrong sha256 is not noticed", d.ID)
		}
	}
}
