package tiling

import (
	"bytes"
	"image"
	"testing"
)

// pattern returns a buffer over r whose sample s of pixel (x, y) has value
// byte(x*7 + y*13 + s) in every byte.
func pattern(r image.Rectangle, stride, size int) Buffer {
	b := Buffer{Data: make([]byte, r.Dx()*r.Dy()*stride*size), Rect: r, Stride: stride, Size: size}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			for s := 0; s < stride; s++ {
				o := b.offset(x, y, s)
				for k := 0; k < size; k++ {
					b.Data[o+k] = byte(x*7 + y*13 + s)
				}
			}
		}
	}
	return b
}

func sample(b Buffer, x, y, s int) []byte {
	o := b.offset(x, y, s)
	return b.Data[o : o+b.Size]
}

func TestCopy(t *testing.T) {
	for _, size := range []int{1, 2, 4, 8} {
		src := pattern(image.Rect(256, 0, 512, 256), 3, size)
		dst := Buffer{Data: make([]byte, 300*100*3*size), Rect: image.Rect(200, 200, 500, 300), Stride: 3, Size: size}
		n := Copy(dst, src, image.Rect(0, 0, 1000, 1000))
		want := image.Rect(256, 200, 500, 256)
		if n != want.Dx()*want.Dy() {
			t.Fatalf("size %d: copied %d pixels, want %d", size, n, want.Dx()*want.Dy())
		}
		for y := dst.Rect.Min.Y; y < dst.Rect.Max.Y; y++ {
			for x := dst.Rect.Min.X; x < dst.Rect.Max.X; x++ {
				for s := 0; s < 3; s++ {
					got := sample(dst, x, y, s)
					if image.Pt(x, y).In(want) {
						if !bytes.Equal(got, sample(src, x, y, s)) {
							t.Fatalf("size %d: pixel (%d, %d) sample %d = %v, want %v", size, x, y, s, got, sample(src, x, y, s))
						}
					} else if !bytes.Equal(got, make([]byte, size)) {
						t.Fatalf("size %d: pixel (%d, %d) outside the copy was written", size, x, y)
					}
				}
			}
		}
	}
}

func TestCopyMismatch(t *testing.T) {
	a := pattern(image.Rect(0, 0, 4, 4), 1, 4)
	b := pattern(image.Rect(0, 0, 4, 4), 2, 4)
	short := Buffer{Data: make([]byte, 3), Rect: image.Rect(0, 0, 4, 4), Stride: 1, Size: 4}
	tests := []struct {
		name     string
		dst, src Buffer
	}{
		{"stride", a, b},
		{"short dst", short, a},
		{"short src", a, short},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := Copy(tt.dst, tt.src, image.Rect(0, 0, 4, 4)); n != 0 {
				t.Errorf("Copy = %d, want 0", n)
			}
		})
	}
}

func TestCopySample(t *testing.T) {
	for _, size := range []int{1, 2, 4, 8, 3} {
		src := pattern(image.Rect(0, 0, 64, 32), 4, size)
		dst := Buffer{Data: make([]byte, 16*16*2*size), Rect: image.Rect(48, 16, 64, 32), Stride: 2, Size: size}
		if n := CopySample(dst, 1, src, 2, dst.Rect); n != 256 {
			t.Fatalf("size %d: copied %d, want 256", size, n)
		}
		for y := 16; y < 32; y++ {
			for x := 48; x < 64; x++ {
				if got, want := sample(dst, x, y, 1), sample(src, x, y, 2); !bytes.Equal(got, want) {
					t.Fatalf("size %d: (%d, %d) = %v, want %v", size, x, y, got, want)
				}
				if got := sample(dst, x, y, 0); !bytes.Equal(got, make([]byte, size)) {
					t.Fatalf("size %d: band 0 of (%d, %d) written", size, x, y)
				}
			}
		}
		if n := CopySample(dst, 2, src, 0, dst.Rect); n != 0 {
			t.Errorf("size %d: band out of range copied %d", size, n)
		}
	}
}

func TestFill(t *testing.T) {
	dst := pattern(image.Rect(0, 0, 8, 8), 2, 2)
	keep := image.Rect(0, 0, 5, 3)
	orig := append([]byte(nil), dst.Data...)
	Fill(dst, keep, []byte{0xAB, 0xCD})
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			for s := 0; s < 2; s++ {
				got := sample(dst, x, y, s)
				want := []byte{0xAB, 0xCD}
				if image.Pt(x, y).In(keep) {
					o := dst.offset(x, y, s)
					want = orig[o : o+2]
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("(%d, %d) sample %d = %x, want %x", x, y, s, got, want)
				}
			}
		}
	}
}
