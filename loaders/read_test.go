package loaders

import "testing"

func TestImportID(t *testing.T) {
	for file, want := range map[string]string{
		"/data/big.csv":             "import-big.csv",
		"exports/APT 40 (v2).json":  "import-apt-40--v2-.json",
		"../x/.hidden-bundle.json.": "import-hidden-bundle.json",
	} {
		if got := ImportID(file); got != want {
			t.Errorf("ImportID(%q) = %q, want %q", file, got, want)
		}
	}
}
