package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestLogWriterSummarises: a dataset's report is one info line, its summary;
// the rest is logged at debug (issue #20).
func TestLogWriterSummarises(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		var buf bytes.Buffer
		w := logWriter{slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level}))}
		fmt.Fprintf(w, "MITRE ATT&CK Enterprise 18.1: 1700 entities, 17770 relations, 6697 sources read in 2.3s\nobjects in the bundle: 24772\n  784  MALWARE\n")
		fmt.Fprintf(w, "EuRepoC Global Database 1.1: 5158 entities, 17765 relations, 6334 sources read in 798ms\nincidents: 3000\n")
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		want := 2
		if level == slog.LevelDebug {
			want = 5
		}
		if len(lines) != want || !strings.Contains(lines[0], "1700 entities") {
			t.Errorf("at %s: %d lines, want %d:\n%s", level, len(lines), want, buf.String())
		}
	}
}
