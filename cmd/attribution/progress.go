package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressEvery is how often the log says how far a bulk write has got.
const progressEvery = 5 * time.Second

// bulkProgress reports the progress of a bulk write (a load, an import):
// on a terminal a progress bar on w (step, rows, rows/s, time left), else
// log lines, one when a step begins and one every progressEvery. done ends
// the report (the bar's line) whether the write succeeded or not.
func bulkProgress(w io.Writer, log *slog.Logger, what string) (p graph.Progress, done func()) {
	if isTerminal(w) {
		b := &progressBar{w: w, what: what}
		return b.report, b.done
	}
	l := &progressLog{log: log, what: what, every: progressEvery, now: time.Now}
	return l.report, func() {}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

type progressBar struct {
	w    io.Writer
	what string
	bar  *progressbar.ProgressBar
}

func (b *progressBar) report(step string, done, total int) {
	if b.bar == nil {
		b.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(b.w),
			progressbar.OptionSetDescription(b.what+": "+step),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionFullWidth(),
			progressbar.OptionSetRenderBlankState(true))
	}
	b.bar.Describe(b.what + ": " + step)
	b.bar.Set(done)
}

func (b *progressBar) done() {
	if b.bar != nil {
		fmt.Fprintln(b.w) // what follows starts on a line of its own
	}
}

// progressLog says how far a bulk write has got in log lines.
type progressLog struct {
	log   *slog.Logger
	what  string
	every time.Duration
	now   func() time.Time

	start, last time.Time
	step        string
}

func (l *progressLog) report(step string, done, total int) {
	now := l.now()
	if l.start.IsZero() {
		l.start = now
	}
	if step == l.step && now.Sub(l.last) < l.every {
		return
	}
	l.step, l.last = step, now
	elapsed := now.Sub(l.start)
	attrs := []any{"step", step, "rows", done, "total", total, "elapsed", elapsed.Round(time.Second).String()}
	if s := elapsed.Seconds(); s > 0 && done > 0 {
		rate := float64(done) / s
		attrs = append(attrs, "rows_per_s", int(rate+0.5))
		if done < total {
			attrs = append(attrs, "eta", time.Duration(float64(total-done)/rate*float64(time.Second)).Round(time.Second).String())
		}
	}
	l.log.Info(l.what, attrs...)
}
