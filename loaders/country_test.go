package loaders

import "testing"

func TestLookupCountry(t *testing.T) {
	for _, tc := range []struct{ in, iso2, name string }{
		{"The Philippines", "PH", "Philippines"},
		{"Philippines", "PH", "Philippines"},
		{"Iran, Islamic Republic of", "IR", "Iran"},
		{"Russia", "RU", "Russia"},
		{"Russian Federation", "RU", "Russia"},
		{"Korea, Democratic People's Republic of", "KP", "North Korea"},
		{"South Korea", "KR", "South Korea"},
		{"United States of America", "US", "United States"},
		{"UK", "GB", "United Kingdom"},
		{"Viet Nam", "VN", "Vietnam"},
		{"Palestine, State of", "PS", "Palestine"},
		{"Norway", "NO", "Norway"},
		{"Korea (Democratic People's Republic of)", "KP", "North Korea"},
		{"Korea (Republic of)", "KR", "South Korea"},
		{"Libya", "LY", "Libya"},
	} {
		c, ok := lookupCountry(tc.in)
		if !ok || c.ISO2 != tc.iso2 || c.Name != tc.name {
			t.Errorf("lookupCountry(%q) = %+v, %v; want %s %s", tc.in, c, ok, tc.iso2, tc.name)
		}
	}
	for _, in := range []string{"", "Atlantis", "Europe", "Not available"} {
		if c, ok := lookupCountry(in); ok {
			t.Errorf("lookupCountry(%q) = %+v, want no country", in, c)
		}
	}
	if e := mustCountry(t, "Russian Federation").entity([]string{"s"}); e.ID != "russia" || e.Aliases[0] != "Russian Federation" || e.Attr("iso2") != "RU" {
		t.Errorf("entity = %+v", e)
	}
}

func mustCountry(t *testing.T, name string) country {
	t.Helper()
	c, ok := lookupCountry(name)
	if !ok {
		t.Fatalf("no country %q", name)
	}
	return c
}
