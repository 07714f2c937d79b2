package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j"
	"github.com/attribution-explorer/attribution/loaders"
	"github.com/attribution-explorer/attribution/server"
)

// Config is everything the binary reads from its flags and the environment,
// parsed and validated once, here.
type Config struct {
	Addr        string           // serve: host:port to listen on
	AddrFrom    string           // where Addr came from: "-addr", "ATTRIBUTION_ADDR" or the default, for messages
	LoadIfEmpty bool             // serve: load the curated data first into an empty store
	DataDir     string           // load, check, and serve and export on the embedded store: curated YAML on disk; "": the copy built into the binary
	Data        []string         // serve, load: the public datasets served beside the curated data (ids)
	Imports     []string         // serve -import, import: files to import
	Format      string           // serve -import, import, export: the files' format, one of loaders.Formats
	Mapping     string           // serve -import, import: the mapping file of a table
	DryRun      bool             // import: read, merge and report; write nothing
	Around      string           // export: the entity whose neighbourhood is exported; "": the whole graph
	Depth       int              // export: the neighbourhood's depth
	Out         string           // export: the file written; "" or "-": standard output
	LogLevel    slog.Level       // LOG_LEVEL
	CORSOrigins []string         // CORS_ORIGINS, comma-separated
	Neo4j       neo4j.Config     // NEO4J_*; URI "": the embedded store
	WriteToken  string           // ATTRIBUTION_WRITE_TOKEN
	ReadToken   string           // ATTRIBUTION_READ_TOKEN
	Admission   server.Admission // ATTRIBUTION_MAX_IN_FLIGHT, ATTRIBUTION_MAX_QUEUED, ATTRIBUTION_RATE_LIMIT
}

// defaultDataDir is where the curated files live in a checkout: when it
// exists in the working directory, load, check, and serve and export on the
// embedded store read it, so that a person editing the data checks and sees
// what they edit, not the copy in a binary built before.
const defaultDataDir = "data/curated"

// errHelp: the user asked for help, which was printed; not a failure.
var errHelp = errors.New("help requested")

// parseConfig reads the flags of one command and the environment.
func parseConfig(command string, args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	c := Config{Neo4j: neo4j.Config{URI: getenv("NEO4J_URI"), User: getenv("NEO4J_USER"),
		Password: getenv("NEO4J_PASSWORD"), Database: getenv("NEO4J_DATABASE")},
		WriteToken: getenv("ATTRIBUTION_WRITE_TOKEN"), ReadToken: getenv("ATTRIBUTION_READ_TOKEN")}
	if c.Neo4j.Database == "" {
		c.Neo4j.Database = "neo4j"
	}
	if err := c.LogLevel.UnmarshalText([]byte(envOr(getenv, "LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", getenv("LOG_LEVEL"))
	}
	for _, v := range []struct {
		name string
		into *int
	}{{"ATTRIBUTION_MAX_IN_FLIGHT", &c.Admission.InFlight}, {"ATTRIBUTION_MAX_QUEUED", &c.Admission.Queued}} {
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 10_000 {
				return c, fmt.Errorf("%s=%q: want a whole number from 1 to 10000", v.name, s)
			}
			*v.into = n
		}
	}
	if s := getenv("ATTRIBUTION_RATE_LIMIT"); s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || !(r > 0 && r <= 1e6) {
			return c, fmt.Errorf("ATTRIBUTION_RATE_LIMIT=%q: want requests a second per client, above 0 (e.g. 5 or 0.5)", s)
		}
		c.Admission.PerClient = r
	}
	for _, o := range strings.Split(getenv("CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}

	c.Format = "stix"
	data := envOr(getenv, "ATTRIBUTION_DATA", "all")
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	switch command {
	case "serve":
		fs.StringVar(&c.Addr, "addr", envOr(getenv, "ATTRIBUTION_ADDR", "127.0.0.1:8080"), "address to listen on (ATTRIBUTION_ADDR)")
		fs.BoolVar(&c.LoadIfEmpty, "load-if-empty", false, "load the curated data first when the store holds no entity (docker-compose uses it)")
	}
	switch command {
	case "serve", "export", "load", "check":
		fs.StringVar(&c.DataDir, "dir", "", "the folder of curated YAML files (default: "+defaultDataDir+" when it exists, else the copy built into the binary)")
	}
	switch command {
	case "import":
		fs.BoolVar(&c.DryRun, "dry-run", false, "read, merge and report; write nothing")
	case "export":
		fs.StringVar(&c.Around, "around", "", "export the neighbourhood of this entity id (default: the whole graph)")
		fs.IntVar(&c.Depth, "depth", 1, "the neighbourhood's depth, with -around")
		fs.StringVar(&c.Out, "o", "-", "the file to write (- for standard output)")
	}
	switch command {
	case "serve", "import":
		fs.StringVar(&c.Format, "format", c.Format, "the imported files' format: stix (STIX 2.1 bundles), misp (a MISP galaxy cluster file) or table (CSV, with -mapping)")
		fs.StringVar(&c.Mapping, "mapping", "", "the YAML mapping of a table (see data/mappings/README.md)")
	case "export":
		fs.StringVar(&c.Format, "format", c.Format, "the format written: stix (a STIX 2.1 bundle)")
	}
	if command == "serve" || command == "load" || command == "export" {
		fs.StringVar(&data, "data", data, "public datasets served beside the curated data: all, none, or ids of data/public/manifest.json, comma-separated (ATTRIBUTION_DATA)")
	}
	if command == "serve" {
		fs.Func("import", "a STIX 2.1 bundle to add to the embedded store at start (repeatable)", func(v string) error {
			c.Imports = append(c.Imports, v)
			return nil
		})
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: attribution %s [flags]\n\n%s\n", command, commandHelp[command])
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, errHelp
		}
		return c, err
	}
	if !loaders.ValidFormat(c.Format) || command == "export" && c.Format != "stix" {
		return c, fmt.Errorf("-format %q: want one of %v (export writes stix)", c.Format, loaders.Formats)
	}
	if (c.Format == "table") != (c.Mapping != "") {
		return c, errors.New("-mapping FILE goes with -format table, and only with it")
	}
	if command == "export" && (c.Depth < 1 || c.Depth > graph.MaxDepth) {
		return c, fmt.Errorf("-depth %d: want 1 to %d", c.Depth, graph.MaxDepth)
	}
	if command == "import" {
		if c.Imports = fs.Args(); len(c.Imports) == 0 {
			return c, errors.New("import needs at least one file (see attribution import -h)")
		}
	} else if fs.NArg() > 0 {
		return c, fmt.Errorf("%s takes no arguments, got %q (see attribution %s -h)", command, fs.Args(), command)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["addr"]:
		c.AddrFrom = "-addr"
	case getenv("ATTRIBUTION_ADDR") != "":
		c.AddrFrom = "ATTRIBUTION_ADDR"
	default:
		c.AddrFrom = "the default; set ATTRIBUTION_ADDR or -addr"
	}
	if command == "serve" || command == "load" || command == "export" {
		from := "-data"
		if !set["data"] {
			from = "ATTRIBUTION_DATA"
		}
		var err error
		if c.Data, err = datasets(data, from); err != nil {
			return c, err
		}
	}
	if c.DataDir == "" && command != "import" {
		if st, err := os.Stat(defaultDataDir); err == nil && st.IsDir() {
			c.DataDir = defaultDataDir
		}
	}
	if err := checkNeo4jURI(c.Neo4j.URI); err != nil {
		return c, err
	}
	if c.Neo4j.URI != "" && c.Neo4j.User != "" && c.Neo4j.Password == "" {
		return c, errors.New("NEO4J_USER is set but NEO4J_PASSWORD is empty")
	}
	return c, nil
}

var commandHelp = map[string]string{
	"serve":  "Serves the explorer and the GraphQL API, on Neo4j when NEO4J_URI is set, else on the\nembedded store loaded with the curated data (-dir; default: data/curated when the\nworking directory has it, else the copy built into the binary; the log says which).",
	"load":   "Validates the curated data and, when NEO4J_URI is set, loads it into Neo4j (idempotent).",
	"check":  "Validates the curated data, naming file:line of every problem.",
	"import": "attribution import [-format stix|misp|table] [-mapping FILE] [-dry-run] FILE...\n\nImports files into Neo4j (NEO4J_URI), merging their entities with those already there\n(decisions in data/decisions.yaml, then same STIX id, same external id, or same name or\nalias within a kind), and prints a report. A broken file writes nothing; importing a\nfile twice changes nothing.",
	"export": "attribution export [-format stix] [-around ID -depth N] [-dir DIR] [-data LIST] [-o FILE]\n\nWrites the graph (Neo4j when NEO4J_URI is set, else the curated data (-dir) and the public\ndatasets -data names), or the neighbourhood of one entity, as a STIX 2.1 bundle.\nIndictments, events and stolen-IP categories travel in the extension of\ndocs/stix-extension.md.",
}

// neo4jSchemes are the URI schemes the Neo4j driver accepts.
var neo4jSchemes = []string{"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}

// checkNeo4jURI refuses a NEO4J_URI the driver cannot use, naming the
// variable and the form it wants ("localhost:7687" lacks the scheme).
func checkNeo4jURI(uri string) error {
	if uri == "" {
		return nil
	}
	u, err := url.Parse(uri)
	if err == nil && slices.Contains(neo4jSchemes, u.Scheme) && u.Host != "" && u.Hostname() != "" {
		return nil
	}
	return fmt.Errorf("NEO4J_URI=%q: want scheme://host[:port], e.g. bolt://127.0.0.1:7687 or neo4j+s://db.example:7687 (schemes: %s)",
		uri, strings.Join(neo4jSchemes, ", "))
}

// datasets reads the -data list: "all", "none", or dataset ids; from names
// where the list came from (-data or ATTRIBUTION_DATA) for its errors.
func datasets(list, from string) ([]string, error) {
	all, err := loaders.PublicDatasets()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, d := range all {
		ids = append(ids, d.ID)
	}
	switch strings.TrimSpace(list) {
	case "all":
		return ids, nil
	case "none", "":
		return nil, nil
	}
	var out []string
	for _, id := range strings.Split(list, ",") {
		id = strings.TrimSpace(id)
		if id == "all" || id == "none" {
			return nil, fmt.Errorf("%s=%q: %q stands alone; want all, none, or dataset ids, comma-separated (%s)", from, list, id, strings.Join(ids, ", "))
		}
		if !slices.Contains(ids, id) {
			return nil, fmt.Errorf("%s=%q: no public dataset %q; want all, none, or dataset ids, comma-separated (%s)", from, list, id, strings.Join(ids, ", "))
		}
		out = append(out, id)
	}
	return out, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
