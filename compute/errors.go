package compute

import "strings"

// An InputError reports that reading an input failed: it cannot be opened
// or a tile or strip of it cannot be decoded.
type InputError struct {
	Path string // the input's name
	Err  error
}

// Error returns the underlying message, prefixed with the input's name
// unless it already starts with it.
func (e *InputError) Error() string {
	msg := e.Err.Error()
	if e.Path == "" || strings.HasPrefix(msg, e.Path+":") || strings.HasPrefix(msg, "open "+e.Path+":") {
		return msg
	}
	return e.Path + ": " + msg
}

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }
