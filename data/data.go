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
