package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/gomean/gomean/compute"
	"github.com/gomean/gomean/geotiff"
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
// error, 1 otherwise. (runMain returns 128+N for a run that signal N
// stopped.)
func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.As(err, new(usageError)):
		return 2
	}
	return 1
}

// A hintError replaces the message of err with one in the command line's
// words; errors.Is and errors.As still see err.
type hintError struct {
	msg string
	err error
}

func (e *hintError) Error() string { return e.msg }
func (e *hintError) Unwrap() error { return e.err }

// withHint adds what to do to a processing error of a run writing out.
func withHint(ctx context.Context, err error, out string) error {
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && (errors.Is(err, ctx.Err()) || errors.Is(err, context.Cause(ctx))):
		// The writer reports the cause (a signalCause), the pipeline
		// context.Canceled.
		return &interruptError{sig: caughtSignal(ctx), out: out, err: err}
	case isAny(err, diskFullErrors):
		return &hintError{fmt.Sprintf("no space left on device writing %s: free space or choose another -o", out), err}
	case isAny(err, tooManyFilesErrors):
		msg := "too many open files: raise the limit (ulimit -n) or pass fewer inputs per run"
		if ie := new(compute.InputError); errors.As(err, &ie) && ie.Path != "" {
			msg += " (opening " + ie.Path + ")"
		}
		return &hintError{msg, err}
	case errors.Is(err, fs.ErrExist):
		// The output appeared after the command line was checked.
		return &hintError{fmt.Sprintf("output %s exists: pass --overwrite to replace it", out), err}
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: check the path", err)
	case errors.Is(err, compute.ErrNotCoregistered):
		return err // the message says what to do
	case errors.As(err, new(geotiff.UnsupportedError)):
		return fmt.Errorf("%w; convert the file with gdal_translate first (for example -ot Float32 -co TILED=YES -co COMPRESS=DEFLATE)", err)
	case errors.As(err, new(geotiff.FormatError)):
		return fmt.Errorf("%w; the file is damaged or not a TIFF: check it with gdalinfo -checksum, or re-create it", err)
	case errors.As(err, new(*compute.InputError)):
		return fmt.Errorf("%w; check that the file is readable and complete (gdalinfo -checksum), or re-create it", err)
	}
	return err
}

// isAny reports whether err wraps one of targets.
func isAny(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
