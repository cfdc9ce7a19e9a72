//go:build race

package geotiff

// writerRaceEnabled reports a -race build, where sync.Pool drops items on
// purpose and allocation counts mean nothing.
const writerRaceEnabled = true
