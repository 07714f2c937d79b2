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

	"github.com/attribution-explorer/attribution/data"
	"github.com/attribution-explorer/attribution/graph"
)

// Dataset is one entry of data/public/manifest.json.
type Dataset struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Version     string `json:"version"`
	Format      string `json:"format"` // "stix"
	File        string `json:"file"`   // gzip-compressed, in data/public
	SHA256      string `json:"sha256"` // of the uncompressed file
	Origin      string `json:"origin"`
	URL         string `json:"url"`
	Publisher   string `json:"publisher"`
	Published   string `json:"published"`
	Licence     string `json:"licence"`
	LicenceFile string `json:"licenceFile"`
	Language    string `json:"language"`
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

// ReadPublic reads one public dataset, checking its sha256.
func ReadPublic(d Dataset) (graph.Batch, STIXReport, error) {
	fail := func(err error) (graph.Batch, STIXReport, error) {
		return graph.Batch{}, STIXReport{}, fmt.Errorf("data/public/%s: %w", d.File, err)
	}
	if d.Format != "stix" {
		return fail(fmt.Errorf("format %q: only stix is read so far", d.Format))
	}
	published, err := graph.ParseDate(d.Published)
	if err != nil {
		return fail(err)
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
	b, rep, err := ReadSTIX(io.TeeReader(z, h), STIXOptions{DatasetOptions: DatasetOptions{ID: d.ID, Title: d.Name, Version: d.Version,
		Publisher: d.Publisher, URL: d.URL, Published: published, Licence: d.Licence, Language: d.Language}})
	if err != nil {
		return fail(err)
	}
	// The reader stops at the bundle's end: hash what follows too.
	if _, err := io.Copy(h, z); err != nil {
		return fail(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != d.SHA256 {
		return fail(fmt.Errorf("sha256 %s, the manifest says %s: the file is not the one it describes", got, d.SHA256))
	}
	return b, rep, nil
}
