package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The hostile readers (-mix hostile-reads): the most expensive reads that
// pass the server's limits, every field asked for, to show that the server's
// memory stays bounded and that it keeps answering a cheap probe query
// meanwhile. Their ids come from the graph read before the load: the most
// connected entities (hubs) and those of the longest descriptions.

// Every field of an entity and of a relation, sources included.
const (
	sourceFields = `sources { id title publisher published url language }`
	entityFrag   = `fragment E on Entity { id kind name aliases description start end
  attributes { key value } alternatives { field value ` + sourceFields + ` }
  relationCounts { type direction count atLeast } ` + sourceFields + `
  ... on ThreatActor { mitreAttackId } ... on Malware { mitreAttackId } ... on Country { iso2 iso3 }
  ... on Event { eventType } ... on Organization { orgType } ... on Vulnerability { cves }
  ... on Indictment { caseNumber charges court filed unsealed defendants { id name kind } } }`
	relationFrag = `fragment R on Relation { id type role confidence start end description
  from { id name kind } to { id name kind } ` + sourceFields + ` }`
)

const (
	heavyHubs     = 2 // hubs whose neighbourhoods are asked for
	heavyPages    = 4 // pages of timeline and of entities
	heavyAliases  = 32
	heavyAliasSet = 2 // queries of heavyAliases entities each, the longest descriptions first
	heavyPageSize = 500
)

// takeHeavy makes the heavy reads and the probe from the graph read before
// the load (g), asks each once (each must pass the server's limits), and
// makes them the families the load takes in turn.
func (s *soak) takeHeavy(g *graphRead) error {
	hubs := slices.SortedFunc(slices.Values(g.entities), func(a, b snapEntity) int {
		return cmp.Or(cmp.Compare(len(b.Relations), len(a.Relations)), cmp.Compare(a.ID, b.ID))
	})[:min(heavyHubs, len(g.entities))]
	if len(hubs) == 0 {
		return fmt.Errorf("the graph is empty")
	}
	s.probe = &query{name: "probe-" + hubs[0].ID, family: "probe",
		body: gqlBody(`query ($id: ID!) { entity(id: $id) { id name kind } }`, map[string]any{"id": hubs[0].ID}),
		check: func(data any) error {
			if get(data, "entity", "id") != hubs[0].ID {
				return fmt.Errorf("not %s", hubs[0].ID)
			}
			return nil
		}}
	if _, err := s.ask(s.probe); err != nil {
		return err
	}

	// Each heavy read is made with the largest page size (n) in its
	// ladder that passes the server's limits: the cost estimate (HTTP 400)
	// and the objects of one answer (schema.MaxObjects).
	type candidate struct {
		make func(n int) *query
		ns   []int
		cap  *int // shared by candidates whose sizes fall together: the largest that passed yet
	}
	var cands []candidate
	// A neighbourhood deeper or of another hub is no smaller: each starts
	// from the largest limit that passed before it (a limit Neo4j cannot
	// run takes seconds to be refused).
	hoodCap := 5000
	heavy := func(name, family, text string, vars map[string]any) *query {
		return &query{name: name, family: family, heavy: true, body: gqlBody(text, vars)}
	}
	for _, h := range hubs {
		for depth := 2; depth <= 4; depth++ {
			cands = append(cands, candidate{func(n int) *query {
				return heavy(fmt.Sprintf("neighborhood-%s-depth-%d-limit-%d", h.ID, depth, n), "neighborhood",
					`query ($id: ID!, $depth: Int, $limit: Int) { neighborhood(ids: [$id], depth: $depth, limit: $limit) {
  truncated nodes { ...E } edges { ...R } } }`+"\n"+entityFrag+"\n"+relationFrag, map[string]any{"id": h.ID, "depth": depth, "limit": n})
			}, ladder(5000), &hoodCap})
		}
	}

	// Entities of the longest descriptions, heavyAliases of them a query,
	// each with every field and its relations (their main fields: every
	// field of heavyAliases × as many relations is over the server's limit
	// of fields in a query).
	described, err := s.longestDescriptions(heavyAliases * heavyAliasSet)
	if err != nil {
		return err
	}
	for set := 0; set*heavyAliases < len(described); set++ {
		ids := described[set*heavyAliases : min((set+1)*heavyAliases, len(described))]
		var text strings.Builder
		text.WriteString("query ($rel: Int ")
		for i := range ids {
			fmt.Fprintf(&text, "$i%d: ID! ", i)
		}
		text.WriteString(") {\n")
		for i := range ids {
			fmt.Fprintf(&text, "  d%d: entity(id: $i%d) { ...E relations(first: $rel) { id type confidence from { id name } to { id name } } }\n", i, i)
		}
		text.WriteString("}\n" + entityFrag)
		cands = append(cands, candidate{func(n int) *query {
			vars := map[string]any{"rel": n}
			for i, id := range ids {
				vars[fmt.Sprintf("i%d", i)] = id
			}
			return heavy(fmt.Sprintf("descriptions-%d-%d-relations-%d", len(ids), set+1, n), "descriptions", text.String(), vars)
		}, ladder(graphMaxRelations), nil})
	}

	// Pages of 500 timeline items with their sources, entities and relations.
	const timelineText = `query ($after: String) { timeline(first: 500, after: $after) { totalCount pageInfo { endCursor hasNextPage }
  edges { cursor node { id date end title ` + sourceFields + ` entity { ...E } relation { ...R } } } } }` + "\n" + entityFrag + "\n" + relationFrag
	cursors, err := s.heavyCursors("timeline")
	if err != nil {
		return err
	}
	for p, after := range cursors {
		cands = append(cands, candidate{func(int) *query {
			return heavy(fmt.Sprintf("timeline-500-p%d", p+1), "timeline", timelineText, map[string]any{"after": after})
		}, []int{500}, nil})
	}

	// Pages of 500 entities, each with every field and its relations
	// (relations(first: 1000) is refused: 500 × 1,000 relations multiply
	// out above the cost limit).
	const entitiesText = `query ($after: String, $rel: Int) { entities(first: 500, after: $after) { pageInfo { endCursor hasNextPage }
  edges { node { ...E relations(first: $rel) { ...R } } } } }` + "\n" + entityFrag + "\n" + relationFrag
	if cursors, err = s.heavyCursors("entities"); err != nil {
		return err
	}
	for p, after := range cursors {
		cands = append(cands, candidate{func(n int) *query {
			return heavy(fmt.Sprintf("entities-500-p%d-relations-%d", p+1, n), "entities", entitiesText, map[string]any{"after": after, "rel": n})
		}, ladder(graphMaxRelations), nil})
	}

	var qs []*query
	for _, c := range cands {
		var q *query
		why := ""
		for _, n := range c.ns {
			if c.cap != nil && n > *c.cap {
				continue
			}
			q = c.make(n)
			var err error
			if why, err = s.tryHeavy(q); err != nil {
				return err
			}
			if why == "" {
				if c.cap != nil {
					*c.cap = n
				}
				break
			}
			s.logf("heavy read %s refused (%s): smaller", q.name, short(why))
			s.heavyRefused = append(s.heavyRefused, fmt.Sprintf("%s: %s", q.name, short(why)))
		}
		if why != "" {
			s.logf("heavy read %s dropped: refused however small (%s)", q.name, short(why))
			continue
		}
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return fmt.Errorf("every heavy read is refused")
	}
	s.families = nil
	index := map[string]int{}
	for _, q := range qs {
		i, ok := index[q.family]
		if !ok {
			i = len(s.families)
			index[q.family] = i
			s.families = append(s.families, nil)
		}
		s.families[i] = append(s.families[i], q)
	}
	return nil
}

// graphMaxRelations is the most relations of one entity one call returns.
const graphMaxRelations = 1000

// tryHeavy asks a heavy read once before the load (again while it is shed,
// for 30 s) and logs what it got. It returns why the server refused it for
// its size (HTTP 400: the cost estimate; or the objects of the answer), ""
// when it did not: an answer, or any other failure, which the load will
// report.
//
// A 503 that came at once is the server's admission control, and "store
// unavailable" the Neo4j store failing fast for a while: asked again. One
// that came after a second of work is the store giving up on this query
// (Neo4j's transaction memory exhausted by it: "the store is busy"); twice in
// a row, it counts as a refusal too, and a smaller one is tried.
func (s *soak) tryHeavy(q *query) (refused string, err error) {
	deadline := time.Now().Add(30 * time.Second)
	slow := 0
	for {
		t := time.Now()
		a := s.postLight(context.Background(), q.body)
		took := time.Since(t)
		msg := errorMessage(a)
		if msg == "store unavailable" && time.Now().Before(deadline) {
			// Neo4j's store fails reads at once for a while after one of
			// them could not reach it (a timeout under load included).
			time.Sleep(time.Second)
			continue
		}
		if shedAnswer(a) != "" {
			if took > time.Second {
				if slow++; slow == 2 {
					return fmt.Sprintf("HTTP 503 after %.1fs, twice: %s", took.Seconds(), msg), nil
				}
			}
			if time.Now().Before(deadline) {
				time.Sleep(retryDelay(a))
				continue
			}
		}
		if a.status == http.StatusBadRequest || strings.Contains(msg, "objects; ask for fewer") {
			return msg, nil
		}
		fail, allowed := judgeHeavy(a)
		what := "answered"
		switch {
		case fail != "":
			what = "FAILED: " + fail
		case allowed != "":
			what = "refused: " + allowed
		}
		s.logf("heavy read %s: %s, %.1f MB in %.2fs", q.name, what, float64(a.size)/1e6, time.Since(t).Seconds())
		return "", nil
	}
}

// ladder is max, max/2, ... 1.
func ladder(max int) []int {
	var out []int
	for n := max; n >= 1; n /= 2 {
		out = append(out, n)
	}
	return out
}

// heavyCursors returns the after cursors of the first heavyPages pages of
// 500 of a list, timeline or entities (nil for the first).
func (s *soak) heavyCursors(field string) ([]any, error) {
	out := []any{nil}
	for len(out) < heavyPages {
		q := &query{name: field + "-cursor", check: func(any) error { return nil },
			body: gqlBody(fmt.Sprintf(`query ($after: String) { %s(first: %d, after: $after) { pageInfo { endCursor hasNextPage } } }`,
				field, heavyPageSize), map[string]any{"after": out[len(out)-1]})}
		body, err := s.ask(q)
		if err != nil {
			return nil, err
		}
		var res struct {
			Data map[string]struct {
				PageInfo struct {
					EndCursor   string
					HasNextPage bool
				}
			}
		}
		json.Unmarshal(body, &res)
		info := res.Data[field].PageInfo
		if !info.HasNextPage || info.EndCursor == "" {
			break
		}
		out = append(out, info.EndCursor)
	}
	return out, nil
}

// longestDescriptions returns the ids of the n entities of the longest
// descriptions, longest first, reading every entity's description.
func (s *soak) longestDescriptions(n int) ([]string, error) {
	type described struct {
		id  string
		len int
	}
	var all []described
	var after any
	for {
		q := &query{name: "descriptions-scan", check: func(any) error { return nil },
			body: gqlBody(`query ($after: String) { entities(first: 500, after: $after) { pageInfo { endCursor hasNextPage }
  edges { node { id description } } } }`, map[string]any{"after": after})}
		body, err := s.ask(q)
		if err != nil {
			return nil, err
		}
		var res struct {
			Data struct {
				Entities struct {
					PageInfo struct {
						EndCursor   string
						HasNextPage bool
					}
					Edges []struct {
						Node struct {
							ID          string
							Description string
						}
					}
				}
			}
		}
		json.Unmarshal(body, &res)
		for _, e := range res.Data.Entities.Edges {
			all = append(all, described{e.Node.ID, len(e.Node.Description)})
		}
		info := res.Data.Entities.PageInfo
		if !info.HasNextPage || info.EndCursor == "" {
			break
		}
		after = info.EndCursor
	}
	slices.SortFunc(all, func(a, b described) int { return cmp.Or(cmp.Compare(b.len, a.len), cmp.Compare(a.id, b.id)) })
	var ids []string
	for _, d := range all[:min(n, len(all))] {
		ids = append(ids, d.id)
	}
	return ids, nil
}

// postLight sends a request whose answer may be tens of megabytes and keeps
// only its first and last 64 KiB (answer.body holds the whole answer when it
// is no longer): the soak neither holds nor parses the heavy answers, so
// that its own memory and CPU stay small beside the server's.
func (s *soak) postLight(ctx context.Context, body []byte) answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer res.Body.Close()
	ht := &headTail{max: 64 << 10}
	n, err := io.Copy(ht, res.Body)
	a := answer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), err: err, size: n, tail: ht.tail}
	if n <= int64(len(ht.head)) {
		a.body = ht.head
	}
	return a
}

// headTail keeps the first and the last max bytes written to it.
type headTail struct {
	max        int
	head, tail []byte
}

func (h *headTail) Write(p []byte) (int, error) {
	n := len(p)
	if room := h.max - len(h.head); room > 0 {
		h.head = append(h.head, p[:min(room, len(p))]...)
	}
	h.tail = append(h.tail, p...)
	if len(h.tail) > 2*h.max {
		h.tail = append(h.tail[:0], h.tail[len(h.tail)-h.max:]...)
	}
	return n, nil
}

// judgeHeavy returns why a heavy read's answer fails, or, when the server
// refused to send it for its size (the answer over its limit replaced by an
// error that says so), that refusal as allowed: neither a pass nor a
// failure. The errors of a GraphQL answer come after its data
// (server/encode.go), so a large answer is judged by its last bytes.
func judgeHeavy(a answer) (fail, allowed string) {
	if a.err != nil {
		return transportFailure(a.err), ""
	}
	msg, ok := answerErrors(a)
	switch {
	case a.status != http.StatusOK && msg != "":
		return fmt.Sprintf("HTTP %d: %s", a.status, short(msg)), ""
	case a.status != http.StatusOK:
		return fmt.Sprintf("HTTP %d", a.status), ""
	case !ok:
		return "HTTP 200 but not a GraphQL answer", ""
	case strings.HasPrefix(msg, "the answer is larger than"):
		return "", short(msg)
	case msg != "":
		return "GraphQL error: " + short(msg), ""
	}
	return "", ""
}

// errorMessage is the first GraphQL error of an answer, or "".
func errorMessage(a answer) string {
	msg, _ := answerErrors(a)
	return msg
}

// answerErrors returns the first GraphQL error message of an answer ("" for
// none) and whether it looks like a GraphQL answer.
func answerErrors(a answer) (string, bool) {
	if a.body != nil {
		var res struct {
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		if json.Unmarshal(a.body, &res) != nil {
			return "", false
		}
		if len(res.Errors) > 0 {
			return res.Errors[0].Message, true
		}
		return "", true
	}
	// A large answer: {"data":…,"errors":[…]} with its errors at the end.
	t := a.tail
	if !bytes.HasSuffix(bytes.TrimSpace(t), []byte("}")) {
		return "", false
	}
	i := bytes.LastIndex(t, []byte(`,"errors":[`))
	if i < 0 {
		return "", true
	}
	var errs []struct {
		Message string `json:"message"`
	}
	if json.NewDecoder(bytes.NewReader(t[i+len(`,"errors":`):])).Decode(&errs) != nil || len(errs) == 0 {
		return "", false
	}
	return errs[0].Message, true
}
