package deflate

import "errors"

// ErrOutputTooLarge reports a stream that decodes to more bytes than the
// destination holds. Decoders return it (possibly wrapped) after filling
// the destination; test with errors.Is.
var ErrOutputTooLarge = errors.New("deflate: decoded data exceeds destination size")
