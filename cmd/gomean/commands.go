package main

import (
	"github.com/urfave/cli/v3"

	"github.com/gomean/gomean/compute"
)

// extraCommands returns the commands other than the basic reductions:
// percentile, mode, slope and info.
func extraCommands() []*cli.Command {
	var cmds []*cli.Command
	for _, op := range compute.ExtraOps() {
		cmds = append(cmds, reduceCommand(op))
	}
	return append(cmds, infoCommand(), mergeCommand())
}
