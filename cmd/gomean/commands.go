package main

import "github.com/urfave/cli/v3"

// extraCommands returns the commands other than the reductions.
func extraCommands() []*cli.Command {
	return []*cli.Command{infoCommand()}
}
