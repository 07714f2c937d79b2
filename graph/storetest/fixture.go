package storetest

import "github.com/attribution-explorer/attribution/graph"

func conf(n int) *int { return &n }

// Fixture is the small graph every case runs on. It has what the cases need:
// accents and aliases, all date precisions, undated claims, a source without a
// date, two claims that disagree on the same pair, dated entities of every
// timeline kind, and chains long enough for paths.
func Fixture() graph.Batch {
	d := graph.MustDate
	return graph.Batch{
		Sources: []graph.Source{
			{ID: "s-old", Title: "Old report", Publisher: "Lab", Published: d("2019-05"), Language: "en"},
			{ID: "s-mid", Title: "March advisory", Publisher: "Agency", Published: d("2021-03-02"), Language: "en", URL: "https://example.org/advisory"},
			{ID: "s-new", Title: "July indictment", Publisher: "Justice", Published: d("2021-07-19"), Language: "en"},
			{ID: "s-fr", Title: "Alerte", Publisher: "Agence", Published: d("2021-07"), Language: "fr"},
			{ID: "s-nodate", Title: "Undated note", Language: "en"},
		},
		Entities: []graph.Entity{
			{ID: "actor-a", Kind: graph.ThreatActor, Name: "APT Alpha", Aliases: []string{"Zircon Panda", "Société Hack"}, Sources: []string{"s-old"},
				Alternatives: []graph.Alternative{{Field: "description", Value: "Another dataset's \"words\"", Sources: []string{"s-new", "s-mid"}},
					{Field: "start", Value: "2009-05", Sources: []string{"s-new"}}}},
			{ID: "actor-b", Kind: graph.ThreatActor, Name: "Bravo Team", Sources: []string{"s-new"}},
			{ID: "org-m", Kind: graph.Organization, Name: "Ministry of Mysteries", Attributes: []graph.Attribute{{Key: "orgType", Value: "AGENCY"}}, Sources: []string{"s-old"}},
			{ID: "person-p", Kind: graph.Person, Name: "Élodie Durand", Sources: []string{"s-new"}},
			{ID: "country-n", Kind: graph.Country, Name: "Norway", Attributes: []graph.Attribute{{Key: "iso2", Value: "NO"}}, Sources: []string{"s-new"}},
			{ID: "country-f", Kind: graph.Country, Name: "France", Attributes: []graph.Attribute{{Key: "iso2", Value: "FR"}}, Sources: []string{"s-mid"}},
			{ID: "sector-s", Kind: graph.Sector, Name: "Maritime", Sources: []string{"s-new"}},
			{ID: "event-1", Kind: graph.Event, Name: "Joint attribution", Start: d("2021-07-19"), Attributes: []graph.Attribute{{Key: "eventType", Value: "ATTRIBUTION"}}, Sources: []string{"s-new"}},
			{ID: "event-2", Kind: graph.Event, Name: "Alert", Start: d("2021-07"), Sources: []string{"s-fr"}},
			{ID: "event-3", Kind: graph.Event, Name: "Old leak", Start: d("2017-04"), Sources: []string{"s-old"}},
			{ID: "event-4", Kind: graph.Event, Name: "Year event", Start: d("2021"), Sources: []string{"s-mid"}},
			{ID: "indict", Kind: graph.Indictment, Name: "US v. Durand", Start: d("2021-05"), Sources: []string{"s-new"}},
			{ID: "camp", Kind: graph.Campaign, Name: "Campaign C", Start: d("2011"), End: d("2018"), Sources: []string{"s-new"}},
			{ID: "malware-x", Kind: graph.Malware, Name: "XRAT", Aliases: []string{"x.exe"}, Sources: []string{"s-old"}},
		},
		Relations: []graph.Relation{
			{ID: "r01", Type: "OPERATES_FOR", From: "actor-a", To: "org-m", Confidence: conf(85), Sources: []string{"s-old"}},
			{ID: "r02", Type: "MEMBER_OF", From: "person-p", To: "actor-a", Sources: []string{"s-new"}},
			{ID: "r03", Type: "TARGETED", From: "camp", To: "country-n", Start: d("2011"), End: d("2018"), Sources: []string{"s-new"}},
			{ID: "r04", Type: "CONDUCTED", From: "actor-a", To: "camp", Sources: []string{"s-new"}},
			{ID: "r05", Type: "CHARGES", From: "indict", To: "person-p", Sources: []string{"s-new"}},
			{ID: "r06", Type: "ACCUSES", From: "event-1", To: "org-m", Confidence: conf(85), Sources: []string{"s-new"}},
			{ID: "r07", Type: "CONCERNS", From: "event-1", To: "actor-b", Sources: []string{"s-new"}},
			{ID: "r08", Type: "TARGETED", From: "actor-a", To: "country-f", Start: d("2020"), Confidence: conf(50), Sources: []string{"s-mid"}},
			{ID: "r09", Type: "TARGETED", From: "camp", To: "sector-s", Start: d("2011"), End: d("2018"), Sources: []string{"s-new"}},
			{ID: "r10", Type: "USES", From: "actor-a", To: "malware-x", Sources: []string{"s-old"}},
			{ID: "r11", Type: "CONCERNS", From: "event-2", To: "actor-a", Sources: []string{"s-fr"}},
			{ID: "r12", Type: "TARGETED", From: "actor-b", To: "country-f", Sources: []string{"s-nodate"}},
			{ID: "r13", Type: "WORKS_FOR", From: "person-p", To: "org-m", Role: "officer", Start: d("2015"), Sources: []string{"s-new"}},
			{ID: "r14", Type: "WORKS_FOR", From: "person-p", To: "org-m", Role: "contractor", Sources: []string{"s-fr"}},
			{ID: "r15", Type: "CONCERNS", From: "event-3", To: "malware-x", Start: d("2017-04-14"), Confidence: conf(90), Sources: []string{"s-old", "s-nodate"}},
		},
	}
}
