package main

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Docker cannot run here, so these tests check what can be checked of the
// files users run with it: the compose file's structure (CI also runs
// yamllint on it) and the Dockerfile's stages, against the binary's flags.

type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       string            `yaml:"build"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	db, app := c.Services["neo4j"], c.Services["app"]
	if db.Image != "neo4j:5.26-community" || db.Healthcheck == nil || len(db.Healthcheck.Test) == 0 {
		t.Errorf("neo4j service: image %q, healthcheck %v", db.Image, db.Healthcheck)
	}
	if !strings.Contains(db.Environment["NEO4J_AUTH"], "${NEO4J_PASSWORD") || !strings.Contains(app.Environment["NEO4J_PASSWORD"], "${NEO4J_PASSWORD") {
		t.Error("the Neo4j password must come from the environment")
	}
	// Compose checks ${X:?...} for every command: "docker compose down"
	// failed without the password.
	for _, v := range []string{db.Environment["NEO4J_AUTH"], app.Environment["NEO4J_PASSWORD"]} {
		if strings.Contains(v, ":?") {
			t.Errorf("%q makes every compose command need the password", v)
		}
	}
	if !hasPrefix(db.Volumes, "neo4j-data:/data") || c.Volumes == nil {
		t.Errorf("neo4j data must live in a named volume: %v", db.Volumes)
	}
	if app.Build != "." || app.DependsOn["neo4j"].Condition != "service_healthy" || app.Environment["NEO4J_URI"] != "bolt://neo4j:7687" {
		t.Errorf("app service: build %q, depends_on %v, NEO4J_URI %q", app.Build, app.DependsOn, app.Environment["NEO4J_URI"])
	}
	// The app's command must be one the binary accepts.
	if len(app.Command) == 0 || app.Command[0] != "serve" {
		t.Fatalf("app command %v", app.Command)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("addr", "", "")
	fs.Bool("load-if-empty", false, "")
	if err := fs.Parse(app.Command[1:]); err != nil {
		t.Errorf("app command %v: %v", app.Command, err)
	}
	if err := run(t.Context(), []string{"serve", "-load-if-empty", "-addr", "bad address"}, env(nil), io.Discard, io.Discard); err == nil || strings.Contains(err.Error(), "flag provided but not defined") {
		t.Errorf("serve does not take the compose file's flags: %v", err)
	}
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var from []string
	text := string(raw)
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "FROM ") {
			from = append(from, line)
		}
	}
	if len(from) != 3 || !strings.Contains(from[0], "node:20") || !strings.Contains(from[1], "golang:1.26") || !strings.Contains(from[2], "distroless") {
		t.Errorf("want stages frontend (Node), build (Go) and a distroless runtime: %v", from)
	}
	for _, want := range []string{"npm ci", "npm run build", "COPY --from=frontend /src/frontend/dist/app ./frontend/dist/app", "go build", "./cmd/attribution", "COPY --from=build", "ENTRYPOINT"} {
		if !strings.Contains(text, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

func hasPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
