package storetest

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// wantMessage: err is ErrInvalid with exactly this message. The API shows it
// to users as it is, so every store must give the same words (they come from
// graph's Check functions).
func wantMessage(t *testing.T, what string, err error, want string) {
	t.Helper()
	switch {
	case !errors.Is(err, graph.ErrInvalid):
		t.Errorf("%s: got error %v, want ErrInvalid %q", what, err, want)
	case err.Error() != want:
		t.Errorf("%s: got message %q, want %q", what, err.Error(), want)
	}
}

// testInvalidInputs: out-of-range arguments are ErrInvalid with the same
// message on every store, whatever the store holds and before it looks; the
// values at the edge of each range are accepted.
func testInvalidInputs(t *testing.T, s graph.Store) {
	d := graph.MustDate
	const (
		badCursor     = "the cursor is not valid"
		badWindow     = "the time window ends (2021-06-30) before it starts (2021-07)"
		badConfidence = "minConfidence must be between 0 and 100"
		tooLong       = "the search query is longer than 200 characters"
		badDirection  = "direction must be OUT, IN or BOTH"
	)
	var err error

	for _, offset := range []int{-1, math.MinInt} {
		_, err = s.Timeline(ctx, graph.TimelineQuery{Offset: offset, Limit: 10})
		wantMessage(t, "negative timeline offset", err, badCursor)
	}

	reversed := graph.Window{From: d("2021-07"), To: d("2021-06-30")}
	_, err = s.Timeline(ctx, graph.TimelineQuery{Window: reversed, Limit: 10})
	wantMessage(t, "timeline window ending before it starts", err, badWindow)
	_, err = s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: []string{"actor-a"}, Depth: 1, Limit: 10, Filter: graph.Filter{Window: reversed}})
	wantMessage(t, "neighbourhood window ending before it starts", err, badWindow)
	_, err = s.Paths(ctx, graph.PathQuery{From: "person-p", To: "org-m", MaxLength: 2, Limit: 1, Filter: graph.Filter{Window: reversed}})
	wantMessage(t, "paths window ending before it starts", err, badWindow)
	oneDay, _ := timeline(t, s, graph.TimelineQuery{Window: graph.Window{From: d("2021-07"), To: d("2021-07-01")}})
	same(t, "a window may end on the first day it starts", oneDay, []string{"entity:event-4@2021", "entity:event-2@2021-07"})

	for _, c := range []int{-1, 101} {
		_, err = s.Timeline(ctx, graph.TimelineQuery{MinConfidence: conf(c), Limit: 10})
		wantMessage(t, "timeline minConfidence out of range", err, badConfidence)
		_, err = s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: []string{"actor-a"}, Depth: 1, Limit: 10, Filter: graph.Filter{MinConfidence: conf(c)}})
		wantMessage(t, "neighbourhood minConfidence out of range", err, badConfidence)
		_, err = s.Paths(ctx, graph.PathQuery{From: "person-p", To: "org-m", MaxLength: 2, Limit: 1, Filter: graph.Filter{MinConfidence: conf(c)}})
		wantMessage(t, "paths minConfidence out of range", err, badConfidence)
	}
	edge, _ := timeline(t, s, graph.TimelineQuery{MinConfidence: conf(0), Kinds: []graph.Kind{graph.Country}})
	same(t, "minConfidence 0 keeps every relation with a confidence", edge, []string{"relation:r08@2020"})
	edge, _ = timeline(t, s, graph.TimelineQuery{MinConfidence: conf(100)})
	same(t, "minConfidence 100", edge, []string{"entity:camp@2011", "entity:event-3@2017-04", "entity:event-4@2021",
		"entity:indict@2021-05", "entity:event-2@2021-07", "entity:event-1@2021-07-19"})

	query := strings.Repeat("zircon ", 28) + "pand" // 200 characters
	hits := must(s.Search(ctx, graph.SearchQuery{Text: query, Limit: 5}))(t)
	same(t, "a search of 200 characters", hitIDs(hits), []string{"actor-a"})
	_, err = s.Search(ctx, graph.SearchQuery{Text: query + "a", Limit: 5})
	wantMessage(t, "a search of 201 characters", err, tooLong)

	for _, dir := range []graph.Direction{"", "out", "SIDEWAYS"} {
		_, err = s.Relations(ctx, []string{"person-p"}, graph.RelationQuery{Direction: dir, Limit: 10})
		wantMessage(t, "direction "+string(dir), err, badDirection)
		_, err = s.Relations(ctx, []string{"nope"}, graph.RelationQuery{Direction: dir, Limit: 10})
		wantMessage(t, "direction "+string(dir)+" for an unknown id", err, badDirection)
	}
}
