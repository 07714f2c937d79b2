package graph

import (
	"context"
	"testing"
)

func TestBulk(t *testing.T) {
	if p, ok := Bulk(context.Background()); ok || p == nil {
		t.Errorf("a context without WithBulk: bulk %v, progress nil %v", ok, p == nil)
	} else {
		p("sources", 0, 1) // a no-op
	}
	var got []int
	ctx := WithBulk(context.Background(), func(step string, done, total int) { got = append(got, done, total) })
	p, ok := Bulk(ctx)
	if !ok {
		t.Fatal("WithBulk: not a bulk write")
	}
	p("sources", 1, 2)
	if len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("progress heard %v", got)
	}
	if p, ok := Bulk(WithBulk(context.Background(), nil)); !ok || p == nil {
		t.Errorf("WithBulk(nil): bulk %v, progress nil %v", ok, p == nil)
	}
}
