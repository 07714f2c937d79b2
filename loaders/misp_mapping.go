package loaders

import "github.com/attribution-explorer/attribution/graph"

// The MISP galaxy mapping, as data. ReadMISPGalaxy (misp.go) only follows
// these tables: which galaxies it reads, what each meta key and each related
// type becomes, and how MISP's untidy country and sector names are read.

// Limits of a galaxy file: anything larger is refused.
const (
	MaxMISPBytes   = 64 << 20 // the whole file (threat-actor.json is 1.4 MB)
	MaxMISPEntries = 100_000  // entries of "values" (threat-actor.json has about 1,000)
)

// maxMISPErrors is how many problems an error lists before "and N more".
const maxMISPErrors = 20

// attrMISPUUID is the attribute holding an entry's uuid.
const attrMISPUUID = "misp_uuid" // "5b4b6980-3bc7-11e8-84d6-879aaac37dd9"

// mispIDPrefix starts the id of every actor: "misp-apt40".
const mispIDPrefix = "misp-"

// mispMaxSlug bounds the slug of a name in an id, so that ids stay under
// graph.ValidID's 200 characters with a uuid and a relation type added.
const mispMaxSlug = 100

// mispGalaxyTypes are the galaxy types read: their entries are threat actors.
var mispGalaxyTypes = map[string]bool{"threat-actor": true}

// mispField is what a meta key of an entry becomes.
type mispField int

const (
	mispSynonyms   mispField = iota + 1 // aliases of the actor
	mispCountry                         // ATTRIBUTED_TO the country (an ISO 3166-1 code, or a name)
	mispConfidence                      // the Confidence (0-100) of the ATTRIBUTED_TO relations
	mispVictims                         // TARGETED countries
	mispSectors                         // TARGETED sectors
	mispRefs                            // sources (URLs)
)

// mispMetaKeys: meta key -> what it becomes. Every value may be a string or
// a list of strings, but attribution-confidence (a string or a number). Keys
// not listed are counted in the report as unmatched meta keys; among them
// name-attribution (names paired with uuids of other galaxies),
// cfr-type-of-incident, motive, since, victimology (free text), sector (what
// the actor is, not what it targets) and the origin:<name> keys (who coined
// a synonym).
var mispMetaKeys = map[string]mispField{
	"synonyms": mispSynonyms,
	// country is where the actor comes from, cfr-suspected-state-sponsor the
	// state said to direct it: both are an attribution to a state, and make
	// one relation when they name the same country.
	"country":                     mispCountry,
	"cfr-suspected-state-sponsor": mispCountry,
	"attribution-confidence":      mispConfidence,
	"cfr-suspected-victims":       mispVictims,
	"suspected-victims":           mispVictims, // the same, in a few entries not from the CFR
	"cfr-target-category":         mispSectors,
	"targeted-sector":             mispSectors, // MISP's sector taxonomy: the same question
	"refs":                        mispRefs,
	"sources":                     mispRefs, // one entry says sources, one references
	"references":                  mispRefs,
}

// mispMetaPrefixes group meta keys in the report: "origin:APT-C-06" counts
// as "origin:*".
var mispMetaPrefixes = []string{"origin:"}

// mispRelatedType says what a related entry (dest-uuid, type) becomes when
// dest-uuid is the UUID of a Base entity's stix_id ("intrusion-set--<uuid>").
type mispRelatedType struct {
	// Join: the Base entity is the same actor. The MISP entity takes its
	// stix_id, so that Merge joins them (rule "same STIX id").
	Join bool
	// Relation: a relation of this type from the actor to the Base entity.
	Relation string
	// STIXTypes are the types of Base entity (the part of stix_id before
	// "--") this related type may name; others are counted, not used.
	STIXTypes []string
}

// mispRelated: related type -> what it becomes. Types not listed are
// counted in the report as unmatched related types (in threat-actor.json:
// targets, deploys, linked-to, overlaps, part-of, related-to, delivers,
// associated-with, whose dest-uuids are almost all outside ATT&CK).
var mispRelated = map[string]mispRelatedType{
	"similar": {Join: true, STIXTypes: []string{"intrusion-set", "threat-actor"}},
	"same-as": {Join: true, STIXTypes: []string{"intrusion-set", "threat-actor"}},
	"uses":    {Relation: "USES", STIXTypes: []string{"malware", "tool", "attack-pattern"}},
}

// mispJoinKind is the kind of the entities a join may name: Merge joins
// within one kind.
const mispJoinKind = graph.ThreatActor

// mispCountryNames are spellings of the galaxy that lookupCountry does not
// read, or reads wrongly, keyed by their folded form (textmatch.Fold): ISO
// 3166-1 alpha-2. "Korea (Democratic People's Republic of)" is North Korea;
// lookupCountry makes it South Korea.
var mispCountryNames = map[string]string{
	"korea (democratic people's republic of)": "KP",
	"korea (republic of)":                     "KR",
	"iran (islamic republic of)":              "IR",
	"people's republic of china":              "CN",
	"lebonon":                                 "LB", // a typo of the galaxy
}

// mispNothing are values that name nothing ("Unknown" state sponsor,
// "Other" sector), folded: skipped, not unmatched.
var mispNothing = map[string]bool{"unknown": true, "other": true, "n/a": true, "none": true}

// mispNotSectors are values of the sector fields that are not sectors,
// folded: counted as unmatched sectors.
var mispNotSectors = map[string]bool{"country": true}

// mispSectorNames: spellings of one sector -> the name the entity takes,
// keyed by their folded form. Spellings that differ only in case or accents
// are one sector already (the first spelling of the file names it); these
// join different spellings of the same sector, so that one sector entity
// stands for them and Merge does not meet two entities of the galaxy that
// match one curated sector. The spellings become aliases.
var mispSectorNames = map[string]string{
	"government, administration":       "Government",
	"government administration":        "Government",
	"government agencies and services": "Government",
	"government institutions":          "Government",
	"telecoms":                         "Telecommunications",
	"telecomms":                        "Telecommunications",
	"financial":                        "Finance",
	"financial services":               "Finance",
	"health":                           "Healthcare",
	"medical":                          "Healthcare",
	"universities":                     "Education",
	"academia - university":            "Education",
	"news - media":                     "Media",
	"high tech":                        "High-Tech",
	"energy company":                   "Energy",
	"journalist":                       "Journalists",
	"dissident":                        "Dissidents",
	"religious organization":           "Religious organizations",
	"pharmacy":                         "Pharmaceuticals",
}

// Reasons a value is skipped, as the report counts them.
const (
	mispSkipEmpty      = "empty value"
	mispSkipNothing    = "value that names nothing (Unknown, Other)"
	mispSkipTwice      = "country or sector an entry names twice"
	mispSkipAliasName  = "synonym equal to the entry's value"
	mispSkipConfidence = "attribution-confidence of an entry without a country"
)

// Outcomes of related entries, as the report counts them.
const (
	mispRelJoined     = "joined the entry to a Base actor (its stix_id)"
	mispRelJoinedBy   = "joined, the one of several Base actors with the entry's name"
	mispRelNotChosen  = "named a Base actor, but the entry joined another"
	mispRelTaken      = "named a Base actor another entry with its name joined"
	mispRelAmbiguous  = "named a Base actor, ambiguous: not joined"
	mispRelRelation   = "became a relation to a Base entity"
	mispRelGalaxy     = "named another entry of the galaxy"
	mispRelUnknown    = "named a UUID neither the Base nor the galaxy holds"
	mispRelWrongType  = "named a Base entity of a type the related type does not take"
	mispRelNoMapping  = "related type without a mapping"
	mispRelDuplicated = "repeated a related entry of the same entry"
)

// Kinds of value the report lists as unmatched.
const (
	mispUnmatchedCountry = "country"
	mispUnmatchedSector  = "sector"
	mispUnmatchedRelated = "related type"
	mispUnmatchedMeta    = "meta key"
)

// Origins of sources, as the report counts them.
const (
	mispSourceDataset = "the dataset"
	mispSourceRef     = "cited documents (meta.refs)"
)
