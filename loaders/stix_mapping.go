package loaders

import "github.com/attribution-explorer/attribution/graph"

// The STIX 2.1 mapping, as data. ReadSTIX (stix.go) only follows these
// tables: what each object type becomes, which timestamps date it, what each
// relationship type becomes, and why the rest is skipped.

// Attribute keys the importer writes. They follow the curated data's
// snake_case keys (the GraphQL field mitreAttackId reads mitre_attack_id).
const (
	attrMitreAttackID = "mitre_attack_id" // "G0065", "S0021", "T1566.001"
	attrSTIXID        = "stix_id"         // "intrusion-set--7113eaa5-ba79-4fb3-b68a-398ee9cd698e"
	attrISO2          = "iso2"            // COUNTRY: ISO 3166-1 alpha-2
	attrISO3          = "iso3"            // COUNTRY: ISO 3166-1 alpha-3
	attrCVEs          = "cves"            // VULNERABILITY: comma-separated CVE ids
)

// Reasons an object or a relationship is skipped, as the report counts them.
const (
	skipRevoked       = "revoked"
	skipDeprecated    = "deprecated (x_mitre_deprecated)"
	skipXMitre        = "x-mitre-* type (ATT&CK's own objects)"
	skipIndicator     = "indicator"
	skipObservable    = "observable (SCO or observed-data)"
	skipMarking       = "marking-definition"
	skipMeta          = "meta object (language-content, extension-definition)"
	skipNoKind        = "STIX type without a kind"
	skipUnknownType   = "unknown type"
	skipIdentityClass = "identity class without a kind"
	skipNoCountry     = "location without an ISO country"
	skipRelNoMapping  = "relationship type without a mapping"
	skipRelEndSkipped = "relationship whose end was skipped"
	skipRelKinds      = "relationship between kinds its type does not join"
	skipRelSelf       = "relationship from an object to itself"
	skipSighting      = "sighting" // apart from skipNoKind: a sighting is an observation, not a thing
)

// Kinds of value the report lists as unmatched.
const (
	unmatchedObjectType    = "object type"
	unmatchedXMitreType    = "x-mitre type"
	unmatchedIdentityClass = "identity class"
	unmatchedRelType       = "relationship type"
	unmatchedRelKinds      = "relationship kinds"
)

// stixType says what an object of one STIX type becomes.
type stixType struct {
	Kind graph.Kind // the entity's kind; "" when the type is skipped or decided per object
	Skip string     // why objects of this type are skipped
	// By names the property that decides the kind per object:
	// "identity_class" (stixIdentityClasses) or "country" (a location is a
	// COUNTRY when it names an ISO 3166-1 alpha-2 country).
	By string
	// Start and End name the timestamps that date the entity. ATT&CK records
	// them to the month (its site shows "September 2015"), so on ATT&CK
	// objects they are read at month precision; see seenDate.
	Start, End string
}

// stixTypes: object type -> kind, or the reason it is skipped. Types not
// listed are skipped as skipXMitre (x-mitre-*) or skipUnknownType.
var stixTypes = map[string]stixType{
	"intrusion-set":  {Kind: graph.ThreatActor, Start: "first_seen", End: "last_seen"},
	"threat-actor":   {Kind: graph.ThreatActor, Start: "first_seen", End: "last_seen"},
	"campaign":       {Kind: graph.Campaign, Start: "first_seen", End: "last_seen"},
	"malware":        {Kind: graph.Malware, Start: "first_seen", End: "last_seen"},
	"tool":           {Kind: graph.Malware},
	"attack-pattern": {Kind: graph.Technique},
	"vulnerability":  {Kind: graph.Vulnerability},
	"identity":       {By: "identity_class"},
	"location":       {By: "country"},

	"indicator":            {Skip: skipIndicator},
	"observed-data":        {Skip: skipObservable},
	"marking-definition":   {Skip: skipMarking},
	"language-content":     {Skip: skipMeta},
	"extension-definition": {Skip: skipMeta},
	"sighting":             {Skip: skipSighting},

	// STIX 2.1 domain objects the graph has no kind for.
	"course-of-action": {Skip: skipNoKind},
	"grouping":         {Skip: skipNoKind},
	"incident":         {Skip: skipNoKind},
	"infrastructure":   {Skip: skipNoKind},
	"malware-analysis": {Skip: skipNoKind},
	"note":             {Skip: skipNoKind},
	"opinion":          {Skip: skipNoKind},
	"report":           {Skip: skipNoKind},

	// STIX 2.1 cyber-observable objects.
	"artifact":             {Skip: skipObservable},
	"autonomous-system":    {Skip: skipObservable},
	"directory":            {Skip: skipObservable},
	"domain-name":          {Skip: skipObservable},
	"email-addr":           {Skip: skipObservable},
	"email-message":        {Skip: skipObservable},
	"file":                 {Skip: skipObservable},
	"ipv4-addr":            {Skip: skipObservable},
	"ipv6-addr":            {Skip: skipObservable},
	"mac-addr":             {Skip: skipObservable},
	"mutex":                {Skip: skipObservable},
	"network-traffic":      {Skip: skipObservable},
	"process":              {Skip: skipObservable},
	"software":             {Skip: skipObservable},
	"url":                  {Skip: skipObservable},
	"user-account":         {Skip: skipObservable},
	"windows-registry-key": {Skip: skipObservable},
	"x509-certificate":     {Skip: skipObservable},
}

// isObservable: cyber-observables (not observed-data, a domain object) may
// omit spec_version in STIX 2.1; every other object must say "2.1".
func isObservable(typ string) bool {
	return stixTypes[typ].Skip == skipObservable && typ != "observed-data"
}

// stixIdentityClasses: identity_class -> kind. Other classes ("system",
// "unknown", none) are skipped as skipIdentityClass.
var stixIdentityClasses = map[string]graph.Kind{
	"individual":   graph.Person,
	"organization": graph.Organization,
	"group":        graph.Organization, // an informal group: the nearest kind that is not an intrusion set
	"class":        graph.Sector,       // "a class of entities, such as all hospitals": a sector
}

// stixRelation says what a STIX relationship type becomes.
type stixRelation struct {
	// Types are relation types of graph.Vocabulary, tried in order: the first
	// whose From and To allow the two ends' kinds is used. When none does,
	// the relationship is skipped as skipRelKinds.
	Types []string
	// Reverse: the graph relation runs from target_ref to source_ref
	// ("malware authored-by actor" is "actor DEVELOPED malware").
	Reverse bool
	Role    string // refines the type, when the STIX type says more than it
}

// stixRelations: relationship_type -> relation type. Relationship types not
// listed are skipped as skipRelNoMapping and listed as unmatched: among them
// mitigates and detects (their ends, courses of action and ATT&CK detection
// objects, have no kind), revoked-by (the revoked end is skipped),
// duplicate-of, indicates, based-on, compromises, controls, hosts, owns,
// beacons-to, communicates-with, exfiltrates-to, consists-of, has,
// characterizes, analysis-of, investigates, remediates, impersonates.
var stixRelations = map[string]stixRelation{
	"uses":            {Types: []string{"USES"}},
	"targets":         {Types: []string{"TARGETED", "EXPLOITED"}}, // a vulnerability is exploited, not targeted
	"exploits":        {Types: []string{"EXPLOITED"}},
	"attributed-to":   {Types: []string{"ATTRIBUTED_TO"}},
	"authored-by":     {Types: []string{"DEVELOPED"}, Reverse: true},
	"located-at":      {Types: []string{"LOCATED_IN"}},
	"originates-from": {Types: []string{"LOCATED_IN"}, Role: "originates from"},
	"subtechnique-of": {Types: []string{"PART_OF"}, Role: "sub-technique"},
	"variant-of":      {Types: []string{"RELATED_TO"}, Role: "variant of"},
	"derived-from":    {Types: []string{"RELATED_TO"}, Role: "derived from"},
	"related-to":      {Types: []string{"RELATED_TO"}},
	"delivers":        {Types: []string{"USES"}, Role: "delivers"},
	"drops":           {Types: []string{"USES"}, Role: "drops"},
	"downloads":       {Types: []string{"USES"}, Role: "downloads"},
}

// attackSourceNames are the external_references source_name values whose
// external_id is an ATT&CK id ("G0065") and whose url is the object's page.
var attackSourceNames = map[string]bool{
	"mitre-attack":        true,
	"mitre-mobile-attack": true,
	"mitre-ics-attack":    true,
}

// cveSourceName is the source_name of a vulnerability's CVE reference.
const cveSourceName = "cve"

// months are the month names ATT&CK citations use, full or abbreviated.
var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
	"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// The export (stixexport.go) and the attribution extension: the inverse of
// the tables above, and what STIX has no place for. docs/stix-extension.md
// describes it; stix_extension.json is its JSON schema.

// The attribution extension. Its id and version name version 1 of the
// schema; an incompatible change gets a new id.
const (
	stixExtensionID      = "extension-definition--20003888-b6a0-5778-89b7-9972da5194d7" // UUIDv5 of "extension-definition/1" in stixNamespace
	stixExtensionVersion = "1.0.0"
	stixExtensionSchema  = "https://raw.githubusercontent.com/attribution-explorer/attribution/main/loaders/stix_extension.json"
	stixExtensionCreated = "2026-11-25T00:00:00.000Z" // created and modified of the definition and its author
	// stixExtensionPrefix starts the extension's object types: x-attribution-source,
	// and x-attribution-<kind> ("x-attribution-ip-category") for entities.
	stixExtensionPrefix = "x-attribution-"
	stixSourceType      = stixExtensionPrefix + "source"
	// stixProject is the identity that wrote the extension, and by default the
	// bundle's producer.
	stixProject   = "Attribution Explorer"
	stixProjectID = "identity--ff2e89cc-8295-56ce-b8b7-5849d9817e10" // UUIDv5 of "identity/Attribution Explorer"
)

// stixNamespace is the UUIDv5 namespace of the ids WriteSTIX makes: the
// UUIDv5 of the project's URL in the URL namespace of RFC 9562.
const stixNamespace = "9b6ae72a-aefa-53db-ba56-cf55794ffa55"

// stixExportTypes: kind -> the STIX object types that can hold an entity of
// that kind, the default first. An entity whose stix_id attribute is an id
// of one of them keeps it (ATT&CK's tools stay tools). Kinds not listed,
// and entities their type cannot hold (a country without an ISO 3166-1
// code), are written as the extension's x-attribution-<kind>.
var stixExportTypes = map[graph.Kind][]string{
	graph.ThreatActor:   {"intrusion-set", "threat-actor"},
	graph.Campaign:      {"campaign"},
	graph.Malware:       {"malware", "tool"},
	graph.Technique:     {"attack-pattern"},
	graph.Vulnerability: {"vulnerability"},
	graph.Organization:  {"identity"},
	graph.Person:        {"identity"},
	graph.Sector:        {"identity"},
	graph.Country:       {"location"},
}

// stixExportClasses: the identity_class of the kinds written as identities
// (the inverse of stixIdentityClasses).
var stixExportClasses = map[graph.Kind]string{
	graph.Organization: "organization",
	graph.Person:       "individual",
	graph.Sector:       "class",
}

// stixAliasTypes are the STIX types with an aliases property; the others
// carry an entity's aliases in the extension.
var stixAliasTypes = map[string]bool{
	"intrusion-set": true, "threat-actor": true, "campaign": true,
	"malware": true, "tool": true, "attack-pattern": true,
}

// stixExportRelations: relation type -> relationship_type, where STIX has
// a type that means the same (the importer's stixRelations reads them back).
// Other types are written lower-case with dashes: OPERATES_FOR is
// "operates-for" (USES, ATTRIBUTED_TO and RELATED_TO are then STIX's own).
var stixExportRelations = map[string]string{
	"TARGETED":   "targets",
	"EXPLOITED":  "exploits",
	"LOCATED_IN": "located-at",
}

// stixSectors are STIX 2.1's industry-sector-ov values: a SECTOR whose
// name or alias is one of them (case and spaces aside) says so in sectors.
var stixSectors = map[string]bool{
	"agriculture": true, "aerospace": true, "automotive": true, "chemical": true, "commercial": true,
	"communications": true, "construction": true, "defense": true, "education": true, "energy": true,
	"entertainment": true, "financial-services": true, "government": true, "emergency-services": true,
	"government-local": true, "government-national": true, "government-public-services": true,
	"government-regional": true, "healthcare": true, "hospitality-leisure": true, "infrastructure": true,
	"dams": true, "nuclear": true, "water": true, "insurance": true, "manufacturing": true, "mining": true,
	"non-profit": true, "pharmaceuticals": true, "retail": true, "technology": true,
	"telecommunications": true, "transportation": true, "utilities": true,
}

// Reasons and origins the import of the extension adds to the report.
const (
	skipBundleIdentity = "identity of the bundle's producer (attribution extension)"
	sourceBundle       = "sources of the bundle (attribution extension)"
)
