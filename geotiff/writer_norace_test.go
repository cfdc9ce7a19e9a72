//go:build !race

package geotiff

const writerRaceEnabled = false
