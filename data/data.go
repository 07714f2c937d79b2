// Package data holds the curated dataset: YAML files written by people, every
// claim sourced. See README.md in this folder for the format.
package data

import "embed"

// Curated is the curated dataset; its files are under "curated/".
//
//go:embed curated/*.yaml
var Curated embed.FS

// Dir is the folder of Curated that holds the files.
const Dir = "curated"

// Decisions is decisions.yaml: identity decisions people made across
// datasets (same-as, not-same-as), which loaders.Merge applies.
//
//go:embed decisions.yaml
var Decisions []byte

// Mappings holds the declarative mappings of tabular datasets
// (mappings/*.yaml; see mappings/README.md).
//
//go:embed mappings/*.yaml
var Mappings embed.FS

// Public holds the public datasets served beside the curated data:
// public/manifest.json lists them, with their origin, licence and sha256.
//
//go:embed public
var Public embed.FS

// Links holds claims that join the curated data to a public dataset
// (links/<dataset id>.yaml), which loaders.AddPublic adds with the dataset.
//
//go:embed links/*.yaml
var Links embed.FS
