package remote

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestReadSmall(t *testing.T) {
	small := testData(1000, 41)
	big := testData(200_000, 42) // more than the header read
	files := map[string][]byte{"a.aux.xml": small, "big.bin": big, "empty.xml": {}}
	tests := []struct {
		name   string
		file   string
		limit  int64
		setup  func(*faultServer)
		want   []byte // nil: absent
		inErr  string
		maxReq int64
	}{
		{"small", "a.aux.xml", 1 << 20, nil, small, "", 1},
		{"truncated", "big.bin", 5000, nil, big[:5000], "", 1},
		{"whole big", "big.bin", 1 << 20, nil, big, "", 1},
		{"empty", "empty.xml", 100, nil, []byte{}, "", 1},
		{"404", "missing.xml", 100, nil, nil, "", 1},
		{"403", "a.aux.xml", 100, func(s *faultServer) { s.status.Store(403) }, nil, "", 1},
		{"ignores Range, small", "a.aux.xml", 1 << 20, func(s *faultServer) { s.ignoreRange.Store(true) }, small, "", 1},
		{"ignores Range, big", "big.bin", 1 << 20, func(s *faultServer) { s.ignoreRange.Store(true) }, big, "", 1},
		{"ignores Range, truncated", "big.bin", 7000, func(s *faultServer) { s.ignoreRange.Store(true) }, big[:7000], "", 1},
		{"503, retried", "a.aux.xml", 100, func(s *faultServer) { s.fail503.Store(2) }, small[:100], "", 3},
		{"503 for good", "a.aux.xml", 100, func(s *faultServer) { s.status.Store(503) }, nil, "503 Service Unavailable", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var setup []func(*faultServer)
			if tt.setup != nil {
				setup = append(setup, tt.setup)
			}
			s := newFaultServer(t, files, setup...)
			c := NewClient(fastOptions())
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			got, err := c.ReadSmall(ctx, s.url(tt.file), tt.limit)
			if tt.inErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.inErr) || !strings.Contains(err.Error(), s.url(tt.file)) {
					t.Fatalf("error %v, want one naming the URL with %q", err, tt.inErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tt.want == nil) || !bytes.Equal(got, tt.want) {
				t.Errorf("got %d bytes (nil %v), want %d (nil %v)", len(got), got == nil, len(tt.want), tt.want == nil)
			}
			if n := s.requests.Load(); n > tt.maxReq {
				t.Errorf("%d requests, want at most %d", n, tt.maxReq)
			}
		})
	}
	if _, err := NewClient(Options{}).ReadSmall(context.Background(), "http://127.0.0.1:1/x", 0); err == nil {
		t.Error("limit 0: no error")
	}
}

func TestSidecarsSetting(t *testing.T) {
	tests := []struct {
		name, readdir string
		want          bool
	}{
		{"https://h/a.tif", "", true},
		{"/vsicurl/https://h/a.tif", "YES", true}, // GDAL still probes with YES
		{"s3://b/k.tif", "TRUE", true},
		{"https://h/a.tif", "EMPTY_DIR", false},
		{"/vsis3/b/k.tif", " empty_dir ", false},
		{"https://h/a.tif?X-Amz-Signature=1", "", false},
		{"s3://b/k?.tif", "", true}, // a ? in a key is part of the key
		{"/vsigs/b/k.tif", "", false},
	}
	for _, tt := range tests {
		c := NewClient(Options{Env: envOf(map[string]string{"GDAL_DISABLE_READDIR_ON_OPEN": tt.readdir})})
		if got := c.Sidecars(tt.name); got != tt.want {
			t.Errorf("Sidecars(%q) with GDAL_DISABLE_READDIR_ON_OPEN=%q = %v, want %v", tt.name, tt.readdir, got, tt.want)
		}
	}
}
