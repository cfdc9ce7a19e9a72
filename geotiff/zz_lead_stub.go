package geotiff

import "context"

func (w *Writer) WriteMaskTile(ctx context.Context, i int, m []byte) error { return nil }
func (w *Writer) SetNoData(has bool, v float64) error           { return nil }
func (w *Writer) SetNoDataText(s string) error                  { return nil }
