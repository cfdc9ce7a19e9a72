package main

import (
	"errors"
	"fmt"
)

// A usageError is a mistake in the command line; gomean exits with
// status 2 for it, and 1 for every other error.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() + " (see gomean --help)" }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitCode returns the exit status for err: 0 for nil, 2 for a usage
// error, 1 otherwise.
func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.As(err, new(usageError)):
		return 2
	}
	return 1
}
