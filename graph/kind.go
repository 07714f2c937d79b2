package graph

import (
	"fmt"
	"slices"
)

// Kind is the kind of an entity. The values are those of the GraphQL EntityKind enum.
type Kind string

const (
	ThreatActor   Kind = "THREAT_ACTOR"  // intrusion sets and the groups behind them
	Organization  Kind = "ORGANIZATION"  // governments, agencies, companies, front companies, universities, alliances
	Person        Kind = "PERSON"        // people named in indictments, statements and reports
	Country       Kind = "COUNTRY"       // states and territories
	Sector        Kind = "SECTOR"        // industry verticals: aviation, defence, maritime ...
	IPCategory    Kind = "IP_CATEGORY"   // a category of stolen intellectual property or data
	Malware       Kind = "MALWARE"       // malware and tools
	Technique     Kind = "TECHNIQUE"     // tactics, techniques, procedures and infrastructure
	Vulnerability Kind = "VULNERABILITY" // CVEs and named exploits
	Campaign      Kind = "CAMPAIGN"      // intrusion campaigns and operations
	Indictment    Kind = "INDICTMENT"    // indictments, complaints, sanctions and other legal actions
	Event         Kind = "EVENT"         // dated happenings: attributions, advisories, disclosures, statements
)

// Kinds lists every kind, in the order of the GraphQL enum.
var Kinds = []Kind{ThreatActor, Organization, Person, Country, Sector, IPCategory,
	Malware, Technique, Vulnerability, Campaign, Indictment, Event}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

// ParseKind returns the kind named s, or an ErrInvalid error listing the kinds.
func ParseKind(s string) (Kind, error) {
	k := Kind(s)
	if !k.Valid() {
		return "", Errorf(ErrInvalid, "unknown kind %q (want one of %v)", s, Kinds)
	}
	return k, nil
}

// TimelineKinds are the kinds whose dated entities appear on the timeline.
var TimelineKinds = []Kind{Event, Indictment, Campaign}

func (k Kind) onTimeline() bool { return slices.Contains(TimelineKinds, k) }

// String makes kinds print as their enum names.
func (k Kind) String() string { return string(k) }

var _ fmt.Stringer = Kind("")
