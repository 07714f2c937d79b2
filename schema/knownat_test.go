package schema_test

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestKnownAtIsHonest: a claim is known at D only if one of its sources was
// certainly public by D. The two articles are dated "2021-07" (public for
// certain from 31 July); the DoJ and the UK spoke on 19 July. So on 1 July
// Ding Xiaoyang is not charged and APT31 not attributed to the MSS; on 19
// July both are, through the DoJ and UK sources only.
func TestKnownAtIsHonest(t *testing.T) {
	sc := newSchema(t, curated(t))
	claims := func(knownAt string) map[string][]string {
		data := query(t, sc, `query($at: PartialDate) {
			ding: neighborhood(ids: ["ding-xiaoyang"], filter: {knownAt: $at, relationTypes: ["CHARGES"]}) { edges { from { id } to { id } sources(knownAt: $at) { id } } }
			apt31: neighborhood(ids: ["apt31"], filter: {knownAt: $at, relationTypes: ["ATTRIBUTED_TO"]}) { edges { from { id } to { id } sources(knownAt: $at) { id } } }
		}`, map[string]any{"at": knownAt})
		raw, _ := json.Marshal(data)
		var got map[string]struct {
			Edges []struct {
				From, To struct{ ID string }
				Sources  []struct{ ID string }
			}
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, sub := range got {
			for _, e := range sub.Edges {
				var ids []string
				for _, s := range e.Sources {
					ids = append(ids, s.ID)
				}
				out[e.From.ID+" "+e.To.ID] = ids
			}
		}
		return out
	}
	if got := claims("2021-07-01"); len(got) != 0 {
		t.Errorf("known at 2021-07-01: %v; want nothing (the articles are dated 2021-07)", got)
	}
	got := claims("2021-07-19")
	if !slices.Equal(got["doj-apt40-indictment ding-xiaoyang"], []string{"doj-2021-07-19"}) ||
		!slices.Equal(got["apt31 mss"], []string{"uk-fcdo-2021-07-19"}) {
		t.Errorf("known at 2021-07-19: %v; want the charge through the DoJ, the attribution through the UK", got)
	}
	got = claims("2021-07-31")
	if len(got["apt31 mss"]) != 3 {
		t.Errorf("known at 2021-07-31 the articles count too: %v", got)
	}
}
