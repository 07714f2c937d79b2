package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/loaders"
)

// env is an environment holding m. Tests serve the curated data alone
// (ATTRIBUTION_DATA=none) unless they ask for more: the public record takes
// two seconds to read at each start.
func env(m map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := m[k]; ok || k != "ATTRIBUTION_DATA" {
			return v
		}
		return "none"
	}
}

// TestDefaultData: without ATTRIBUTION_DATA or -data, every public dataset is served.
func TestDefaultData(t *testing.T) {
	cfg, err := parseConfig("serve", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	all, err := loaders.PublicDatasets()
	if err != nil || len(cfg.Data) != len(all) || len(all) != 3 {
		t.Errorf("default data %v; the manifest has %d datasets (%v)", cfg.Data, len(all), err)
	}
}

func TestVersion(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"version"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "attribution ") {
		t.Fatalf("version printed %q", out.String())
	}
}

func TestUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("unknown command: %v", err)
	}
}

// startServe runs "serve" on a free port with vars (and more flags) until
// ctx ends, and returns its address and the error it returns then.
func startServe(t testing.TB, ctx context.Context, vars func(string) string, flags ...string) (string, chan error) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, flags...), vars, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	return strings.Fields(strings.SplitAfter(line, "listening on ")[1])[0], done
}

// TestServeAndShutdown starts the real server on a free port, queries it and
// stops it as SIGINT would.
func TestServeAndShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	url, done := startServe(t, ctx, env(nil))
	// Every root field answers through the served wiring (metrics wrap the store).
	res, err := http.Post(url+"graphql", "application/json",
		strings.NewReader(`{"query": "{ stats { entities } aggregate(measure: ATTRIBUTIONS) { total } timeToAttribution { total } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"entities":`) || !strings.Contains(string(body), `"aggregate":{"total":`) || strings.Contains(string(body), `"errors"`) {
		t.Fatalf("served %s", body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not shut down")
	}
}

func TestLoadValidatesWithoutNeo4j(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"load"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	// The test runs in cmd/attribution, where data/curated does not exist:
	// the copy built into the binary is checked, and it says so.
	if !strings.Contains(out.String(), "the curated data built into this binary is valid") || !strings.Contains(out.String(), "nothing loaded") {
		t.Fatalf("load printed %q", out.String())
	}
}

// TestCheckReadsTheFilesOnDisk: check and load read the folder given (or
// data/curated of the working directory), not the copy in the binary, and
// name the file and line of a problem.
func TestCheckReadsTheFilesOnDisk(t *testing.T) {
	dir := t.TempDir()
	good := "sources:\n  - {id: s1, title: A report, published: 2021-07-19, language: en}\n" +
		"entities:\n  - {id: apt40, kind: THREAT_ACTOR, name: APT40, sources: [s1]}\n"
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"check", "-dir", dir}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), dir+" is valid: 1 entities, 0 relations, 1 sources") {
		t.Fatalf("check printed %q", out.String())
	}
	bad := good + "relations:\n  - {from: apt40, type: WORKS_FOR, to: mss, sources: [s1]}\n"
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"check", "load"} {
		err := run(context.Background(), []string{cmd, "-dir", dir}, env(nil), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), dir+"/a.yaml:6:") || !strings.Contains(err.Error(), "unknown entity 'mss'") {
			t.Errorf("%s of a broken folder: %v", cmd, err)
		}
	}
}

// TestHelpAndConfigErrors: -h prints help and exits 0 for every command,
// without doing anything else; bad configuration is named.
func TestHelpAndConfigErrors(t *testing.T) {
	for _, cmd := range []string{"serve", "load", "check"} {
		var out, errOut strings.Builder
		if err := run(context.Background(), []string{cmd, "-h"}, env(nil), &out, &errOut); err != nil {
			t.Errorf("%s -h: %v", cmd, err)
		}
		if !strings.Contains(errOut.String(), "usage: attribution "+cmd) || strings.Contains(out.String(), "valid") {
			t.Errorf("%s -h printed %q and %q", cmd, out.String(), errOut.String())
		}
	}
	for args, want := range map[string]string{
		"serve -nope":     "flag provided but not defined: -nope",
		"load extra":      "load takes no arguments",
		"serve LOG_LEVEL": `LOG_LEVEL="loud"`,
		"serve NEO4J":     "NEO4J_PASSWORD is empty",
	} {
		vars := map[string]string{}
		if strings.HasSuffix(args, "LOG_LEVEL") {
			vars["LOG_LEVEL"] = "loud"
		}
		if strings.HasSuffix(args, "NEO4J") {
			vars["NEO4J_URI"], vars["NEO4J_USER"] = "bolt://127.0.0.1:1", "neo4j"
		}
		fields := strings.Fields(args)
		if fields[1] == "LOG_LEVEL" || fields[1] == "NEO4J" {
			fields = fields[:1]
		}
		err := run(context.Background(), fields, env(vars), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", args, err, want)
		}
	}
}
