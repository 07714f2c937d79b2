package loaders

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/attribution-explorer/attribution/data"
	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
)

// Decision is a person's ruling on whether an entity of an imported dataset
// is an entity already in the graph. Merge applies decisions before its
// rules: "same" merges whatever the rules say; "different" keeps the two
// apart even when a rule matches them.
type Decision struct {
	Entity string     // the id of the entity in the graph: "apt40"
	Kind   graph.Kind // both entities are of this kind
	// Key and Value name the imported entity: Key is "id", "name" (its name
	// or an alias, compared folded) or an attribute key ("stix_id",
	// "mitre_attack_id", "misp_uuid").
	Key, Value string
	Same       bool
	Why        string // required: a decision without a reason cannot be reviewed
	At         string // "data/decisions.yaml:12"
}

// applies reports whether the decision is about the imported entity e.
func (d *Decision) applies(e graph.Entity) bool {
	if e.Kind != d.Kind {
		return false
	}
	switch d.Key {
	case "id":
		return e.ID == d.Value
	case "name":
		f := textmatch.Fold(d.Value)
		for _, label := range append([]string{e.Name}, e.Aliases...) {
			if textmatch.Fold(label) == f {
				return true
			}
		}
		return false
	default:
		return strings.EqualFold(e.Attr(d.Key), d.Value)
	}
}

// ParseDecisions reads a decisions file (see data/decisions.yaml).
func ParseDecisions(raw []byte, file string) ([]Decision, error) {
	var doc struct {
		Same      []decisionYAML `yaml:"same"`
		Different []decisionYAML `yaml:"different"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, Errors{fmt.Sprintf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	var out []Decision
	var errs Errors
	seen := map[string]string{}
	for _, group := range []struct {
		items []decisionYAML
		same  bool
	}{{doc.Same, true}, {doc.Different, false}} {
		for _, y := range group.items {
			at := fmt.Sprintf("%s:%d", file, y.Line)
			d := Decision{Entity: y.Entity, Kind: graph.Kind(y.Kind), Same: group.same, Why: strings.TrimSpace(y.Why), At: at}
			key, value, ok := strings.Cut(y.Is, ":")
			d.Key, d.Value = strings.TrimSpace(key), strings.TrimSpace(value)
			switch {
			case !graph.ValidID(d.Entity):
				errs = append(errs, fmt.Sprintf("%s: entity %q is not a valid id", at, y.Entity))
			case !d.Kind.Valid():
				errs = append(errs, fmt.Sprintf("%s: unknown kind %q (want one of %v)", at, y.Kind, graph.Kinds))
			case !ok || d.Key == "" || d.Value == "":
				errs = append(errs, fmt.Sprintf("%s: is %q must be key:value (id:misp-apt40, name:Leviathan, mitre_attack_id:G0065)", at, y.Is))
			case d.Why == "":
				errs = append(errs, fmt.Sprintf("%s: why is required: say what the decision rests on", at))
			}
			k := d.Entity + "\x00" + string(d.Kind) + "\x00" + d.Key + "\x00" + strings.ToLower(d.Value)
			if prev, dup := seen[k]; dup {
				errs = append(errs, fmt.Sprintf("%s: the same decision is taken at %s", at, prev))
			}
			seen[k] = at
			out = append(out, d)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

type decisionYAML struct {
	Entity string `yaml:"entity"`
	Kind   string `yaml:"kind"`
	Is     string `yaml:"is"`
	Why    string `yaml:"why"`
	Line   int    `yaml:"-"`
}

// UnmarshalYAML keeps the line of each decision for error messages.
// Node.Decode does not inherit the decoder's KnownFields: check keys here.
func (d *decisionYAML) UnmarshalYAML(n *yaml.Node) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i]; k.Value {
		case "entity", "kind", "is", "why":
		default:
			return fmt.Errorf("line %d: unknown field %q (want entity, kind, is, why)", k.Line, k.Value)
		}
	}
	type plain decisionYAML
	if err := n.Decode((*plain)(d)); err != nil {
		return err
	}
	d.Line = n.Line
	return nil
}

// Decisions returns the decisions shipped in data/decisions.yaml.
func Decisions() ([]Decision, error) {
	return ParseDecisions(data.Decisions, "data/decisions.yaml")
}
