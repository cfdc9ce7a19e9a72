package remote

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestChangedWhileRead replaces a file on the server after it was opened
// and wants the next read to fail, naming the URL, instead of mixing the
// bytes of two versions; an unchanged file reads fine, with If-Match sent
// when the server gives a strong ETag.
func TestChangedWhileRead(t *testing.T) {
	data := testData(1<<20, 31)
	same := testData(1<<20, 32)   // another file of the same size
	longer := testData(2<<20, 33) // another size
	tests := []struct {
		name      string
		alt       []byte
		setup     func(*faultServer)
		inMsg     string // "" for no error
		wantMatch bool   // If-Match sent
	}{
		{"unchanged, ETag", nil, func(s *faultServer) { s.etags = true }, "", true},
		{"ETag, If-Match honoured", same, func(s *faultServer) { s.etags = true }, "412 Precondition Failed: the file changed while being read: its ETag is no longer \"v1\"", true},
		{"ETag, If-Match ignored", same, func(s *faultServer) { s.etags, s.ignoreIfMatch = true, true }, "the file changed while being read: its ETag is now \"v2\", was \"v1\" when opened", true},
		{"Last-Modified only", same, func(s *faultServer) { s.modTimes = true }, "the file changed while being read: its Last-Modified is now", false},
		{"size only", longer, nil, "the file changed while being read: it is now 2097152 bytes, was 1048576 when opened", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setups := []func(*faultServer){func(s *faultServer) {
				s.alt = map[string][]byte{"a.bin": tt.alt}
				if tt.alt == nil {
					s.alt = nil
				}
			}}
			if tt.setup != nil {
				setups = append(setups, tt.setup)
			}
			s := newFaultServer(t, map[string][]byte{"a.bin": data}, setups...)
			s.swapAt.Store(2) // after the first read, which opens the file
			c := NewClient(Options{RetryDelay: 1, ReadaheadBytes: 16 << 10})
			f := openTest(t, c, s.url("a.bin"))
			buf := make([]byte, 50_000)
			_, err := f.ReadAt(buf, 500_000)
			switch {
			case tt.inMsg == "" && err != nil:
				t.Fatalf("read: %v", err)
			case tt.inMsg == "" && !bytes.Equal(buf, data[500_000:550_000]):
				t.Fatal("wrong bytes")
			case tt.inMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.inMsg) || !strings.Contains(err.Error(), s.url("a.bin"))):
				t.Fatalf("read: error %v, want one naming the URL with %q", err, tt.inMsg)
			}
			var re *Error
			if tt.inMsg != "" && !errors.As(err, &re) {
				t.Errorf("error %T, want *Error", err)
			}
			if got := s.ifMatch.Load() > 0; got != tt.wantMatch {
				t.Errorf("If-Match sent: %v, want %v", got, tt.wantMatch)
			}
		})
	}
}
