package loaders

import (
	"strings"

	"github.com/biter777/countries"

	"github.com/attribution-explorer/attribution/graph"
)

// Datasets write countries many ways: "The Philippines" and "Philippines",
// "Iran, Islamic Republic of", "Russia". lookupCountry resolves them to
// ISO 3166-1 with github.com/biter777/countries (maintained, the ISO table
// with the usual variant spellings), so that every dataset's Iran is one
// entity. Merge joins countries by their ISO code (rule ruleISO).

// country is a country resolved to ISO 3166-1.
type country struct {
	ISO2, ISO3 string
	Name       string // the common English name: "Russia", "South Korea"
	Official   string // ISO's name when it differs: "Russian Federation"
}

// commonNames are the names the explorer shows where ISO's short name is
// not the one news and policy writing use. Every other country keeps ISO's.
var commonNames = map[string]string{
	"BO": "Bolivia", "FM": "Micronesia", "GB": "United Kingdom", "HK": "Hong Kong",
	"IR": "Iran", "KP": "North Korea", "KR": "South Korea", "LA": "Laos",
	"MD": "Moldova", "MO": "Macao", "PS": "Palestine", "RU": "Russia",
	"SY": "Syria", "TW": "Taiwan", "TZ": "Tanzania", "US": "United States",
	"VE": "Venezuela", "VN": "Vietnam", "CD": "Democratic Republic of the Congo",
	"CG": "Republic of the Congo", "BN": "Brunei", "CV": "Cape Verde", "SZ": "Eswatini",
	"TR": "Turkey", "VA": "Vatican City", "NL": "Netherlands", "LY": "Libya",
}

// countryNames are spellings the library does not know, seen in the public
// datasets.
var countryNames = map[string]string{
	"palestine, state of": "PS", "state of palestine": "PS", "palestine": "PS",
	"korea, republic of": "KR", "republic of korea": "KR",
	"korea, democratic people's republic of": "KP",
	"taiwan, province of china":              "TW", "russian federation": "RU",
	"ivory coast": "CI", "côte d'ivoire": "CI", "kosovo": "XK",
	// The library reads "Korea (Democratic People's Republic of)" as South Korea.
	"korea (democratic people's republic of)": "KP", "korea (republic of)": "KR",
	"people's republic of china": "CN",
}

// lookupCountry resolves a country name as a dataset writes it.
func lookupCountry(name string) (country, bool) {
	n := strings.TrimSpace(name)
	n = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(n, "The "), "the "))
	if n == "" {
		return country{}, false
	}
	c := countries.Unknown
	if code, ok := countryNames[strings.ToLower(n)]; ok {
		c = countries.ByName(code)
	} else {
		c = countries.ByName(n)
	}
	if c == countries.Unknown || !c.IsValid() {
		return country{}, false
	}
	out := country{ISO2: c.Alpha2(), ISO3: c.Alpha3(), Official: c.String()}
	out.Name = commonNames[out.ISO2]
	if out.Name == "" {
		out.Name = out.Official
	}
	if out.Official == out.Name {
		out.Official = ""
	}
	return out, true
}

// entity is the country as a COUNTRY entity citing sources: its id is its
// name's slug ("south-korea"), as in the curated data.
func (c country) entity(sources []string) graph.Entity {
	e := graph.Entity{ID: slug(c.Name), Kind: graph.Country, Name: c.Name,
		Attributes: []graph.Attribute{{Key: attrISO2, Value: c.ISO2}, {Key: attrISO3, Value: c.ISO3}},
		Sources:    sources}
	if c.Official != "" {
		e.Aliases = []string{c.Official}
	}
	e.Normalize()
	return e
}
