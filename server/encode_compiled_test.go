package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/schema"
)

// The compiled executor's data (schema.Data) is written by the same bounded
// encoder: byte for byte what encoding/json writes of graphql-go's maps
// (schema's differential test compares those), and refused past the limit.
func TestEncodeCompiledResult(t *testing.T) {
	sc, err := schema.New(storetest.LoadCurated(t, memory.New()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := sc.Prepare(ctx, schema.Request{Query: `{ neighborhood(ids: ["apt40"], depth: 2) { nodes { id name description } edges { id type sources { title url } } } }`})
	if err != nil {
		t.Fatal(err)
	}
	res := sc.Execute(ctx, p)
	if _, ok := res.Data.(*schema.Data); !ok {
		t.Fatalf("data is %T, not the compiled executor's", res.Data)
	}
	ref := sc.ExecuteReference(ctx, p)
	want, err := json.Marshal(ref)
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	got, err := encodeResult(res, DefaultMaxAnswerBytes)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("compiled answer differs from encoding/json's of graphql-go's:\n%s\n%s", got, want)
	}
	for _, limit := range []int{10, len(got) / 2, len(got) - 3} {
		if _, err := encodeResult(res, limit); !errors.Is(err, errAnswerTooLarge) {
			t.Errorf("limit %d of %d bytes: %v", limit, len(got), err)
		}
	}
	if _, err := encodeResult(res, len(got)); err != nil {
		t.Errorf("limit of its own size: %v", err)
	}
}
