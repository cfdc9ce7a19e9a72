//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/gomean/gomean/compute"
	"github.com/gomean/gomean/geotiff"
)

func TestWithHint(t *testing.T) {
	const out = "dir/out.tif"
	open := func(name string, errno syscall.Errno) error {
		return &compute.InputError{Path: name, Err: &fs.PathError{Op: "open", Path: name, Err: errno}}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	signalled, cancelSig := context.WithCancelCause(context.Background())
	cancelSig(signalCause{syscall.SIGTERM})
	tests := []struct {
		name  string
		ctx   context.Context
		err   error
		want  string // the whole message
		is    error  // still wrapped
		exit  int
		isInt bool
	}{
		{"nil", context.Background(), nil, "", nil, 0, false},
		{"cancelled", cancelled, fmt.Errorf("compute: %w", context.Canceled),
			"interrupted: dir/out.tif was not written", context.Canceled, 1, true},
		{"signal via the writer's cause", signalled, fmt.Errorf("geotiff: write tile 0: %w", signalCause{syscall.SIGTERM}),
			"interrupted by SIGTERM: dir/out.tif was not written", nil, 1, true},
		{"signal via context.Canceled", signalled, fmt.Errorf("read: %w", context.Canceled),
			"interrupted by SIGTERM: dir/out.tif was not written", context.Canceled, 1, true},
		{"output appeared during the run", context.Background(),
			fmt.Errorf("write output: geotiff: create %s: %w (set WriterOptions.Overwrite to replace it)", out, fs.ErrExist),
			"output dir/out.tif exists: pass --overwrite to replace it", fs.ErrExist, 1, false},
		{"EMFILE", context.Background(), open("in/b.tif", syscall.EMFILE),
			"too many open files: raise the limit (ulimit -n) or pass fewer inputs per run (opening in/b.tif)", syscall.EMFILE, 1, false},
		{"ENFILE", context.Background(), fmt.Errorf("x: %w", syscall.ENFILE),
			"too many open files: raise the limit (ulimit -n) or pass fewer inputs per run", syscall.ENFILE, 1, false},
		{"ENOSPC", context.Background(), fmt.Errorf("write output: %w", &fs.PathError{Op: "write", Path: "dir/.out.tif.tmp1", Err: syscall.ENOSPC}),
			"no space left on device writing dir/out.tif: free space or choose another -o", syscall.ENOSPC, 1, false},
		{"missing input", context.Background(), open("in/a.tif", syscall.ENOENT),
			"open in/a.tif: no such file or directory: check the path", fs.ErrNotExist, 1, false},
		{"damaged input", context.Background(), &compute.InputError{Path: "a.tif", Err: errors.New("tile 3: unexpected EOF")},
			"a.tif: tile 3: unexpected EOF; check that the file is readable and complete (gdalinfo -checksum), or re-create it", nil, 1, false},
		{"not co-registered", context.Background(), fmt.Errorf("b.tif: %w: CRS ...", compute.ErrNotCoregistered),
			"b.tif: inputs are not co-registered: CRS ...", compute.ErrNotCoregistered, 1, false},
		{"unsupported", context.Background(), geotiff.UnsupportedError("JPEG compression"),
			"", nil, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withHint(tt.ctx, tt.err, out)
			if tt.err == nil {
				if got != nil {
					t.Fatalf("withHint(nil) = %v", got)
				}
				return
			}
			if tt.want != "" && got.Error() != tt.want {
				t.Errorf("message\n got %q\nwant %q", got, tt.want)
			}
			if tt.want == "" && !strings.Contains(got.Error(), "gdal_translate") {
				t.Errorf("message %q lacks the gdal_translate hint", got)
			}
			if tt.is != nil && !errors.Is(got, tt.is) {
				t.Errorf("%v no longer wraps %v", got, tt.is)
			}
			if c := exitCode(got); c != tt.exit {
				t.Errorf("exit code %d, want %d", c, tt.exit)
			}
			if isInterrupt(got) != tt.isInt {
				t.Errorf("isInterrupt = %v, want %v", !tt.isInt, tt.isInt)
			}
		})
	}
}
