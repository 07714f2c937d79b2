package schema

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// rawDate is a PartialDate argument as the client wrote it. Resolvers parse
// it, so that a bad date is reported with the argument's name and the reason.
type rawDate string

var partialDate = graphql.NewScalar(graphql.ScalarConfig{
	Name: "PartialDate",
	Description: `A date known to a stated precision, written as ISO 8601 / EDTF level 0:
"2021" (year), "2021-03" (month) or "2021-07-19" (day). Ranges use two fields
(start/end). Filters compare by the interval a value covers: "2021-03" covers
the whole of March 2021.`,
	Serialize: func(v any) any {
		if d, ok := v.(graph.PartialDate); ok && !d.IsZero() {
			return d.String()
		}
		return nil
	},
	ParseValue: func(v any) any {
		if s, ok := v.(string); ok {
			return rawDate(s)
		}
		return nil
	},
	ParseLiteral: func(v ast.Value) any {
		if s, ok := v.(*ast.StringValue); ok {
			return rawDate(s.Value)
		}
		return nil
	},
})

var dateTime = graphql.NewScalar(graphql.ScalarConfig{
	Name:        "DateTime",
	Description: "RFC 3339 timestamp.",
	Serialize: func(v any) any {
		if t, ok := v.(time.Time); ok {
			return t.UTC().Format(time.RFC3339)
		}
		return nil
	},
	ParseValue: func(v any) any {
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return t
			}
		}
		return nil
	},
	ParseLiteral: func(v ast.Value) any {
		if s, ok := v.(*ast.StringValue); ok {
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
				return t
			}
		}
		return nil
	},
})

// dateArg parses the PartialDate argument at key of args; name is how the
// user wrote it ("filter.knownAt").
func dateArg(args map[string]any, key, name string) (graph.PartialDate, error) {
	raw, ok := args[key].(rawDate)
	if !ok {
		return graph.PartialDate{}, nil
	}
	d, err := graph.ParseDate(string(raw))
	if err != nil {
		return d, argError(name, err)
	}
	return d, nil
}

// Cursors are opaque to clients: base64 of a tag and a position.
func encodeCursor(tag, pos string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tag + ":" + pos))
}

func decodeCursor(tag, cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !strings.HasPrefix(string(b), tag+":") {
		return "", argError("after", fmt.Errorf("%q is not a cursor of this list", cursor))
	}
	return strings.TrimPrefix(string(b), tag+":"), nil
}

// timelineCursor is the place of an item on the timeline: its position
// (offset + 1), and its key, from which the next page seeks.
func timelineCursor(position int, key graph.TimelineKey) string {
	return encodeCursor("t", fmt.Sprintf("%d:%d:%d:%s", position, key.First, key.Precision, key.ID))
}

// decodeTimelineCursor reads a cursor of timelineCursor, or one of a bare
// position (as cursors were before they carried keys): its key is then nil.
func decodeTimelineCursor(cursor string) (int, *graph.TimelineKey, error) {
	bad := argError("after", fmt.Errorf("%q is not a cursor of this list", cursor))
	s, err := decodeCursor("t", cursor)
	if err != nil {
		return 0, nil, err
	}
	parts := strings.SplitN(s, ":", 4)
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 0 {
		return 0, nil, bad
	}
	if len(parts) == 1 {
		return n, nil, nil
	}
	if len(parts) != 4 {
		return 0, nil, bad
	}
	first, err1 := strconv.Atoi(parts[1])
	prec, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		return 0, nil, bad
	}
	return n, &graph.TimelineKey{First: first, Precision: graph.Precision(prec), ID: parts[3]}, nil
}
