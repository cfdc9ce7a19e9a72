package remote

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		remote  bool
		want    Location
		wantErr string
	}{
		{"https://h.example/a/b.tif", true, Location{Kind: HTTP, URL: "https://h.example/a/b.tif"}, ""},
		{"HTTP://h.example/b.tif?sig=x#frag", true, Location{Kind: HTTP, URL: "http://h.example/b.tif?sig=x"}, ""},
		{"/vsicurl/https://h.example/b.tif", true, Location{Kind: HTTP, URL: "https://h.example/b.tif"}, ""},
		{"s3://bucket/dir/k.tif", true, Location{Kind: S3, Bucket: "bucket", Key: "dir/k.tif"}, ""},
		{"/vsis3/bucket/k.tif", true, Location{Kind: S3, Bucket: "bucket", Key: "k.tif"}, ""},
		{"/vsicurl/ftp://h/b.tif", true, Location{}, "want http or https"},
		{"https:///b.tif", true, Location{}, "no host"},
		{"s3://bucket", true, Location{}, "want s3://bucket/key"},
		{"s3:///k.tif", true, Location{}, "want s3://bucket/key"},
		{"/vsigs/b/k.tif", true, Location{}, "vsigs inputs are not supported"},
		{"gs://b/k.tif", true, Location{}, "not supported"},
		{"data/a.tif", false, Location{}, "not a remote input"},
		{"/data/s3/a*.tif", false, Location{}, "not a remote input"},
		{"http_cache/a.tif", false, Location{}, "not a remote input"},
	}
	for _, tt := range tests {
		if got := IsRemote(tt.in); got != tt.remote {
			t.Errorf("IsRemote(%q) = %v, want %v", tt.in, got, tt.remote)
		}
		got, err := Parse(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.in) {
				t.Errorf("Parse(%q) error %v, want one naming the input with %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		in      string
		want    Options
		wantErr string
	}{
		{"", Options{}, ""},
		{"cache=256M, requests=64,per-file=8", Options{CacheBytes: 256 << 20, Requests: 64, PerFile: 8}, ""},
		{"header=16K,block=4KiB,gap=1m,request=1048576,readahead=1G", Options{HeaderBytes: 16 << 10, BlockBytes: 4 << 10, GapBytes: 1 << 20, MaxRequestBytes: 1 << 20, ReadaheadBytes: 1 << 30}, ""},
		{"retries=0,retry-time=5s,retry-delay=50ms,timeout=1m", Options{Retries: -1, RetryTime: 5 * time.Second, RetryDelay: 50 * time.Millisecond, Timeout: time.Minute}, ""},
		{"cache", Options{}, "want key=value"},
		{"cache=-1", Options{}, "invalid size"},
		{"cache=12X", Options{}, "invalid size"},
		{"requests=0", Options{}, "want 1 to 1024"},
		{"timeout=soon", Options{}, "invalid duration"},
		{"speed=fast", Options{}, "unknown key"},
	}
	for _, tt := range tests {
		got, err := ParseOptions(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseOptions(%q) error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseOptions(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	d := Options{}.withDefaults()
	if d.HeaderBytes != 64<<10 || d.BlockBytes != 16<<10 || d.Requests != 32 || d.PerFile != 6 || d.Retries != 5 {
		t.Errorf("defaults %+v", d)
	}
	if o := (Options{HeaderBytes: 1000, BlockBytes: 4096}).withDefaults(); o.HeaderBytes != 4096 {
		t.Errorf("header of 1000 bytes with 4 KiB blocks: %d, want one whole block", o.HeaderBytes)
	}
}
