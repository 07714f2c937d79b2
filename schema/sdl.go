package schema

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/graphql-go/graphql"
)

// SDL prints the served schema in the schema definition language, types and
// fields in name order, so that the snapshot in the repository shows every
// change as a diff. graphql-go has no printer of its own.
func (s *Schema) SDL() string {
	var names []string
	for name := range s.schema.TypeMap() {
		switch name {
		case "String", "Int", "Float", "Boolean", "ID":
			continue
		}
		if !strings.HasPrefix(name, "__") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		t := s.schema.TypeMap()[name]
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		writeDescription(&b, "", t.Description())
		switch t := t.(type) {
		case *graphql.Scalar:
			fmt.Fprintf(&b, "scalar %s\n", t.Name())
		case *graphql.Enum:
			fmt.Fprintf(&b, "enum %s {\n", t.Name())
			var values []string
			for _, v := range t.Values() {
				values = append(values, v.Name)
			}
			sort.Strings(values)
			for _, v := range values {
				fmt.Fprintf(&b, "  %s\n", v)
			}
			b.WriteString("}\n")
		case *graphql.Interface:
			fmt.Fprintf(&b, "interface %s {\n", t.Name())
			writeFields(&b, t.Fields())
			b.WriteString("}\n")
		case *graphql.Object:
			fmt.Fprintf(&b, "type %s", t.Name())
			for i, iface := range t.Interfaces() {
				sep := " & "
				if i == 0 {
					sep = " implements "
				}
				b.WriteString(sep + iface.Name())
			}
			b.WriteString(" {\n")
			writeFields(&b, t.Fields())
			b.WriteString("}\n")
		case *graphql.InputObject:
			fmt.Fprintf(&b, "input %s {\n", t.Name())
			fields := t.Fields()
			for _, name := range slices.Sorted(maps.Keys(fields)) {
				f := fields[name]
				writeDescription(&b, "  ", f.Description())
				fmt.Fprintf(&b, "  %s: %s%s\n", name, f.Type, defaultValue(f.Type, f.DefaultValue))
			}
			b.WriteString("}\n")
		}
	}
	return b.String()
}

func writeFields(b *strings.Builder, fields graphql.FieldDefinitionMap) {
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		f := fields[name]
		writeDescription(b, "  ", f.Description)
		b.WriteString("  " + name)
		if len(f.Args) > 0 {
			args := make([]string, len(f.Args))
			for i, a := range f.Args {
				args[i] = fmt.Sprintf("%s: %s%s", a.Name(), a.Type, defaultValue(a.Type, a.DefaultValue))
			}
			sort.Strings(args)
			b.WriteString("(" + strings.Join(args, ", ") + ")")
		}
		fmt.Fprintf(b, ": %s\n", f.Type)
	}
}

func writeDescription(b *strings.Builder, indent, d string) {
	if d == "" {
		return
	}
	if !strings.Contains(d, "\n") {
		fmt.Fprintf(b, "%s\"\"\"%s\"\"\"\n", indent, d)
		return
	}
	fmt.Fprintf(b, "%s\"\"\"\n", indent)
	for _, line := range strings.Split(d, "\n") {
		fmt.Fprintf(b, "%s%s\n", indent, line)
	}
	fmt.Fprintf(b, "%s\"\"\"\n", indent)
}

func defaultValue(t graphql.Type, v any) string {
	if v == nil {
		return ""
	}
	if e, ok := t.(*graphql.Enum); ok {
		for _, ev := range e.Values() {
			if ev.Value == v {
				return " = " + ev.Name
			}
		}
	}
	j, _ := json.Marshal(v)
	return " = " + string(j)
}
