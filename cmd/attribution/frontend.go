package main

import (
	"net/http"

	"github.com/attribution-explorer/attribution/frontend"
)

// frontend serves the web explorer when it was built into the binary.
func frontendHandler() http.Handler { return frontend.Handler() }
