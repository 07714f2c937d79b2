package loaders

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"time"

	"github.com/attribution-explorer/attribution/data"
	"github.com/attribution-explorer/attribution/graph"
)

// Dataset is one entry of data/public/manifest.json.
type Dataset struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Version     string `json:"version"`
	Format      string `json:"format"`            // one of Formats
	File        string `json:"file"`              // gzip-compressed, in data/public
	Mapping     string `json:"mapping,omitempty"` // a table's mapping, in data/mappings
	SHA256      string `json:"sha256"`            // of the uncompressed file
	Origin      string `json:"origin"`
	URL         string `json:"url"`
	Publisher   string `json:"publisher"`
	Published   string `json:"published"`
	Licence     string `json:"licence"`
	LicenceFile string `json:"licenceFile"`
	Language    string `json:"language"`
}

// Graph is the dataset as the graph knows it.
func (d Dataset) Graph() graph.Dataset {
	published, _ := graph.ParseDate(d.Published) // checked by ReadPublic and the manifest test
	return graph.Dataset{ID: d.ID, Name: d.Name, Version: d.Version, Publisher: d.Publisher,
		URL: d.URL, Published: published, Licence: d.Licence}
}

// PublicDatasets lists the public datasets built into the binary.
func PublicDatasets() ([]Dataset, error) {
	raw, err := fs.ReadFile(data.Public, "public/manifest.json")
	if err != nil {
		return nil, err
	}
	var ds []Dataset
	if err := json.Unmarshal(raw, &ds); err != nil {
		return nil, fmt.Errorf("data/public/manifest.json: %w", err)
	}
	return ds, nil
}

// ReadPublic reads one public dataset, checking its sha256; base is the
// graph it will be merged into (see Read).
func ReadPublic(d Dataset, base []graph.Entity) (graph.Batch, Report, error) {
	fail := func(err error) (graph.Batch, Report, error) {
		return graph.Batch{}, nil, fmt.Errorf("data/public/%s: %w", d.File, err)
	}
	published, err := graph.ParseDate(d.Published)
	if err != nil {
		return fail(err)
	}
	in := Input{Format: d.Format, Dataset: DatasetOptions{ID: d.ID, Title: d.Name, Version: d.Version,
		Publisher: d.Publisher, URL: d.URL, Published: published, Licence: d.Licence, Language: d.Language}}
	if d.Mapping != "" {
		name := path.Join("mappings", d.Mapping)
		raw, err := fs.ReadFile(data.Mappings, name)
		if err != nil {
			return fail(err)
		}
		if in.Mapping, err = ParseTableMapping(raw, "data/"+name); err != nil {
			return fail(err)
		}
	}
	f, err := data.Public.Open(path.Join("public", d.File))
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return fail(err)
	}
	h := sha256.New()
	b, rep, err := Read(io.TeeReader(z, h), in, base)
	if err != nil {
		return fail(err)
	}
	// A reader may stop at the end of what it reads: hash what follows too.
	if _, err := io.Copy(h, z); err != nil {
		return fail(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != d.SHA256 {
		return fail(fmt.Errorf("sha256 %s, the manifest says %s: the file is not the one it describes", got, d.SHA256))
	}
	return b, rep, nil
}

// AddPublic merges into b the public datasets ids names, in the manifest's
// order, with the decisions of data/decisions.yaml, and writes to out what
// each brought.
func AddPublic(b graph.Batch, ids []string, out io.Writer) (graph.Batch, error) {
	all, err := PublicDatasets()
	if err != nil {
		return b, err
	}
	decisions, err := Decisions()
	if err != nil {
		return b, err
	}
	for _, d := range all {
		if !slices.Contains(ids, d.ID) {
			continue
		}
		start := time.Now()
		add, rep, err := ReadPublic(d, b.Entities)
		if err != nil {
			return b, err
		}
		var mrep MergeReport
		b, mrep = Merge(b, add, decisions...)
		if b, err = AddLinks(b, d.ID); err != nil {
			return b, err
		}
		fmt.Fprintf(out, "%s %s: %d entities, %d relations, %d sources read in %s\n%s%s", d.Name, d.Version,
			len(add.Entities), len(add.Relations), len(add.Sources), time.Since(start).Round(time.Millisecond), rep.String(), mrep.String())
	}
	return b, nil
}

// Default is the data served by default: the curated data merged with
// every public dataset. out receives the import reports.
func Default(out io.Writer) (graph.Batch, error) {
	b, err := Curated()
	if err != nil {
		return b, err
	}
	all, err := PublicDatasets()
	if err != nil {
		return b, err
	}
	ids := make([]string, len(all))
	for i, d := range all {
		ids[i] = d.ID
	}
	return AddPublic(b, ids, out)
}
