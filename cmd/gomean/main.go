// Command gomean reduces stacks of co-registered GeoTIFFs pixel by pixel
// (mean, sum, min, max, count, std, median) into a tiled GeoTIFF.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// Set by the release build: -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = ""
)

func main() {
	os.Exit(runMain(os.Args, os.Stderr))
}

// runMain runs the command line args, cancelled by SIGINT, SIGTERM or
// SIGHUP (see notifyContext), prints an error to stderr and returns the
// exit status: 0, 1, 2 for a usage error, or 128 plus the number of the
// signal that interrupted the run.
func runMain(args []string, stderr io.Writer) int {
	ctx, stop := notifyContext(context.Background())
	err := newApp().Run(ctx, gridArgs(args))
	stop()
	if err == nil {
		return 0
	}
	if sig := caughtSignal(ctx); sig != nil && !isInterrupt(err) {
		// The run failed while stopping; still say why it stopped.
		err = fmt.Errorf("interrupted by %s: %w", signalName(sig), err)
	}
	fmt.Fprintf(stderr, "gomean: %s\n", err)
	if sig := caughtSignal(ctx); sig != nil {
		return signalExitCode(sig)
	}
	return exitCode(err)
}
