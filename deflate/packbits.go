package deflate

// DecodePackBits decodes the PackBits stream src (TIFF 6.0 section 9) into
// dst and returns the number of bytes written. It stops when dst is full
// or src ends; a run cut short by either is kept as far as it goes, as
// libtiff does. A header byte n of 0 to 127 copies the next n+1 bytes, -1
// to -127 repeats the next byte 1-n times, and -128 is skipped.
func DecodePackBits(dst, src []byte) (int, error) {
	n, i := 0, 0
	for n < len(dst) && i < len(src) {
		h := int(int8(src[i]))
		i++
		switch {
		case h >= 0:
			k := min(h+1, len(src)-i, len(dst)-n)
			copy(dst[n:n+k], src[i:i+k])
			n += k
			i += h + 1
		case h != -128:
			if i >= len(src) {
				return n, nil
			}
			k := min(1-h, len(dst)-n)
			b := src[i]
			i++
			for j := range k {
				dst[n+j] = b
			}
			n += k
		}
	}
	return n, nil
}

// EncodePackBits appends the PackBits encoding of src to dst: runs of 3
// or more equal bytes become repeat runs, everything else literal runs of
// at most 128 bytes.
func EncodePackBits(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		run := 1
		for i+run < len(src) && run < 128 && src[i+run] == src[i] {
			run++
		}
		if run >= 3 {
			dst = append(dst, byte(1-run), src[i])
			i += run
			continue
		}
		// Literal: extend until a run of 3 starts or 128 bytes are taken.
		j := i
		for j < len(src) && j-i < 128 {
			if j+2 < len(src) && src[j] == src[j+1] && src[j] == src[j+2] {
				break
			}
			j++
		}
		dst = append(dst, byte(j-i-1))
		dst = append(dst, src[i:j]...)
		i = j
	}
	return dst
}
