package graph

import "slices"

// RelationType is one entry of the relation vocabulary: its name, what it
// means, and which kinds of entity it may join.
type RelationType struct {
	Name    string
	Meaning string
	From    []Kind // nil: any kind
	To      []Kind // nil: any kind
}

var (
	actors  = []Kind{ThreatActor, Campaign, Person, Organization}
	parties = []Kind{Organization, Country, Person}
)

// Vocabulary is the one list of relation types. Loaders reject any other type.
var Vocabulary = []RelationType{
	{"TARGETED", "attacked, or tried to attack, a victim or a kind of victim",
		append(actors, Malware), []Kind{Country, Sector, Organization, Person}},
	{"CONDUCTED", "carried out an intrusion campaign or operation",
		[]Kind{ThreatActor, Person, Organization}, []Kind{Campaign, Event}},
	{"OPERATES_FOR", "acts on behalf of a state, government or agency",
		[]Kind{ThreatActor, Person, Organization, Campaign}, []Kind{Organization, Country}},
	{"ATTRIBUTED_TO", "is said by the sources to be the work of, or directed by",
		[]Kind{ThreatActor, Campaign, Malware, Event}, []Kind{Organization, Country, ThreatActor, Person}},
	{"PART_OF", "is a component, branch or subdivision of",
		nil, nil},
	{"GOVERNMENT_OF", "is the government of a country",
		[]Kind{Organization}, []Kind{Country}},
	{"LOCATED_IN", "is based in",
		[]Kind{Organization, Person, ThreatActor}, []Kind{Country}},
	{"WORKS_FOR", "is employed by, or an officer of",
		[]Kind{Person}, []Kind{Organization}},
	{"MEMBER_OF", "belongs to a group, alliance or organization",
		[]Kind{Person, Organization, Country}, []Kind{ThreatActor, Organization}},
	{"FRONT_FOR", "is a front company or cover for",
		[]Kind{Organization}, []Kind{Organization, ThreatActor}},
	{"SUPPORTED", "gave material help to",
		parties, []Kind{Organization, ThreatActor, Campaign}},
	{"CHARGES", "a legal action charges a defendant",
		[]Kind{Indictment}, []Kind{Person, Organization}},
	{"ISSUED_BY", "a statement, advisory, attribution or legal action was made by",
		[]Kind{Event, Indictment}, parties},
	{"CONCERNS", "an event or legal action is about",
		[]Kind{Event, Indictment}, nil},
	{"ACCUSES", "an attribution or statement names as responsible",
		[]Kind{Event}, []Kind{Organization, Country, ThreatActor, Person}},
	{"STOLE", "took data, intellectual property or a tool",
		actors, []Kind{IPCategory, Malware, Vulnerability}},
	{"USES", "uses a malware, tool, technique or infrastructure",
		append(actors, Malware), []Kind{Malware, Technique, Vulnerability}},
	{"EXPLOITED", "exploited a vulnerability",
		append(actors, Malware), []Kind{Vulnerability}},
	{"DEVELOPED", "built a malware, tool or exploit",
		append(parties, ThreatActor), []Kind{Malware, Vulnerability, Technique}},
	{"LEAKED", "published a tool, exploit or data it did not own",
		append(parties, ThreatActor), []Kind{Malware, Vulnerability, IPCategory}},
	{"RELATED_TO", "is linked to, in a way the source does not specify",
		nil, nil},
}

// LookupRelationType returns the vocabulary entry named name.
func LookupRelationType(name string) (RelationType, bool) {
	if i := slices.IndexFunc(Vocabulary, func(t RelationType) bool { return t.Name == name }); i >= 0 {
		return Vocabulary[i], true
	}
	return RelationType{}, false
}

// Allows reports whether the type may join an entity of kind from to one of kind to.
func (t RelationType) Allows(from, to Kind) bool {
	return kindIn(from, t.From) && kindIn(to, t.To)
}

// kindIn: a nil list allows every kind.
func kindIn(k Kind, ks []Kind) bool { return ks == nil || slices.Contains(ks, k) }
