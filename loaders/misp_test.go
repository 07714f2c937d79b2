package loaders

import (
	"os"
	"strings"
	"testing"
)

func TestMISPProbeCountries(t *testing.T) {
	data, _ := os.ReadFile("/tmp/misp_names.txt")
	for _, n := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		c, ok := lookupCountry(n)
		t.Logf("%-45q %v %s %s", n, ok, c.ISO2, c.Name)
	}
}
