package main

import "net/http"

// frontend serves the web explorer; nil until it exists.
func frontend() http.Handler { return nil }
