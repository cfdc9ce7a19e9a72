// Command gomean reduces stacks of co-registered GeoTIFFs pixel by pixel
// (mean, sum, min, max, count, std, median) into a tiled GeoTIFF.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

// Set by the release build: -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = ""
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := newApp().Run(ctx, os.Args)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "gomean: %s\n", err)
		os.Exit(exitCode(err))
	}
}
