package geotiff

import (
	"context"
	"fmt"
)

// WriteRawTile hands tile i to the writer as stored bytes: already
// predicted and compressed with the options' Predictor and Compression,
// as [Reader.ReadRawTile] returns them from a file of the same layout
// (for instance a part of the same image). They are appended as they are,
// with no decoding and no re-encoding, so a tile copied from a file the
// Writer wrote with the same options is written byte for byte. Whether the
// bytes fit the options is not checked. It follows the contract of
// [Writer.WriteTile]: safe for concurrent use, any order, blocking while
// the tile is too far ahead; raw and encoded tiles may be mixed.
func (w *Writer) WriteRawTile(ctx context.Context, i int, data []byte) error {
	if i < 0 || i >= w.cfg.numTiles {
		return fmt.Errorf("geotiff: write raw tile %d: index out of range [0, %d)", i, w.cfg.numTiles)
	}
	if len(data) > maxTileBytes {
		return fmt.Errorf("geotiff: write raw tile %d: %d bytes, exceeds limit %d", i, len(data), maxTileBytes)
	}
	seq := w.cfg.imageSeq(i)
	if err := w.waitTurn(ctx, seq); err != nil {
		return err
	}
	buf := w.getBuf(len(data))
	copy(*buf, data)
	return w.submitRaw(seq, buf)
}

// WriteRawMaskTile is [Writer.WriteRawTile] for mask tile i: its stored
// bytes (1 bit per pixel, DEFLATE) as [Reader.ReadRawTile] returns them
// from the mask image of a file of the same layout. It needs
// [WriterOptions].Mask.
func (w *Writer) WriteRawMaskTile(ctx context.Context, i int, data []byte) error {
	c := w.cfg
	if !c.Mask {
		return fmt.Errorf("geotiff: write raw mask tile %d: the writer has no mask (WriterOptions.Mask is false)", i)
	}
	if i < 0 || i >= c.maskTiles {
		return fmt.Errorf("geotiff: write raw mask tile %d: index out of range [0, %d)", i, c.maskTiles)
	}
	if len(data) > maxTileBytes {
		return fmt.Errorf("geotiff: write raw mask tile %d: %d bytes, exceeds limit %d", i, len(data), maxTileBytes)
	}
	seq := c.maskSeq(i)
	if err := w.waitTurn(ctx, seq); err != nil {
		return err
	}
	buf := w.getMaskBuf(len(data))
	copy(*buf, data)
	return w.submitRaw(seq, buf)
}

// submitRaw parks claimed item seq, already encoded, for the appender,
// skipping the workers.
func (w *Writer) submitRaw(seq int, buf *[]byte) error {
	w.mu.Lock()
	if w.err != nil || w.closed {
		err := w.err
		if err == nil {
			err = errClosed
		}
		w.mu.Unlock()
		w.putBuf(seq, buf)
		return err
	}
	w.submitted++
	w.mu.Unlock()
	w.deliver(seq, buf)
	return nil
}

// WriteRawTile hands full-resolution tile i to the writer as stored
// bytes, as [Writer.WriteRawTile]: a tile read with [Reader.ReadRawTile]
// from a file of the same layout and options is written byte for byte,
// with the COG block leader and trailer added around it.
func (w *COGWriter) WriteRawTile(ctx context.Context, i int, data []byte) error {
	return w.levels[0].WriteRawTile(ctx, i, data)
}

// WriteRawMaskTile hands the stored bytes of the mask of full-resolution
// tile i to the writer, as [Writer.WriteRawMaskTile].
func (w *COGWriter) WriteRawMaskTile(ctx context.Context, i int, data []byte) error {
	return w.levels[0].WriteRawMaskTile(ctx, i, data)
}
