package geotiff

import "context"

func (r *Reader) MaskFor(im *Image) *Image                      { return nil }
func (im *Image) AlphaBand() int                                { return -1 }
func (im *Image) ColorInterp(b int) string                      { return "" }
func (im *Image) NoDataInt64() (int64, bool)                    { return 0, false }
func (im *Image) NoDataUint64() (uint64, bool)                  { return 0, false }
func (w *Writer) WriteMaskTile(ctx context.Context, i int, m []byte) error { return nil }
func (w *Writer) SetNoData(has bool, v float64) error           { return nil }
func (w *Writer) SetNoDataText(s string) error                  { return nil }
