// Package remotetest starts the servers that the tests of remote inputs
// read from: an S3 API server (versitygw) on 127.0.0.1.
package remotetest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// An S3Server is an S3 API server whose buckets are the folders of Dir.
type S3Server struct {
	Endpoint          string // http://127.0.0.1:PORT
	Dir               string // a folder per bucket; files are objects
	AccessKey, Secret string
}

// Env returns the environment that points the AWS tools, GDAL and
// gomean at the server, with path-style addressing.
func (s *S3Server) Env() map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":           s.AccessKey,
		"AWS_SECRET_ACCESS_KEY":       s.Secret,
		"AWS_ENDPOINT_URL":            s.Endpoint,
		"AWS_REGION":                  "us-east-1",
		"AWS_VIRTUAL_HOSTING":         "FALSE",
		"AWS_S3_ENDPOINT":             s.Endpoint[len("http://"):],
		"AWS_HTTPS":                   "NO",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	}
}

// Put stores data as object key of bucket, creating the bucket.
func (s *S3Server) Put(t testing.TB, bucket, key string, data []byte) {
	t.Helper()
	p := filepath.Join(s.Dir, bucket, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// StartS3 returns the S3 server of the environment when
// GOMEAN_TEST_S3_ENDPOINT is set (with GOMEAN_TEST_S3_DIR, its folder of
// buckets, GOMEAN_TEST_S3_KEY and GOMEAN_TEST_S3_SECRET: .ci/run starts
// one), else starts versitygw from PATH (or GOPATH/bin) on a free port of
// 127.0.0.1 for the test, else skips the test.
func StartS3(t testing.TB) *S3Server {
	t.Helper()
	if ep := os.Getenv("GOMEAN_TEST_S3_ENDPOINT"); ep != "" {
		return &S3Server{Endpoint: ep, Dir: os.Getenv("GOMEAN_TEST_S3_DIR"),
			AccessKey: os.Getenv("GOMEAN_TEST_S3_KEY"), Secret: os.Getenv("GOMEAN_TEST_S3_SECRET")}
	}
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		home, _ := os.UserHomeDir()
		for _, p := range []string{os.Getenv("GOBIN"), filepath.Join(os.Getenv("GOPATH"), "bin"), filepath.Join(home, "go", "bin")} {
			if st, err2 := os.Stat(filepath.Join(p, "versitygw")); p != "" && err2 == nil && !st.IsDir() {
				bin, err = filepath.Join(p, "versitygw"), nil
				break
			}
		}
	}
	if err != nil {
		t.Skip("no S3 server: versitygw is not installed (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0) and GOMEAN_TEST_S3_ENDPOINT is not set")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &S3Server{Endpoint: "http://" + addr, Dir: t.TempDir(), AccessKey: "gomeantest", Secret: "gomeantestsecret"}
	cmd := exec.Command(bin, "--port", addr, "posix", s.Dir)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s.AccessKey, "ROOT_SECRET_KEY="+s.Secret)
	logf, err := os.Create(filepath.Join(t.TempDir(), "versitygw.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
	})
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return s
		}
		if time.Since(start) > 20*time.Second {
			log, _ := os.ReadFile(logf.Name())
			t.Fatalf("versitygw did not listen on %s within 20 s: %s", addr, log)
		}
	}
}

// String describes the server.
func (s *S3Server) String() string { return fmt.Sprintf("S3 at %s (buckets in %s)", s.Endpoint, s.Dir) }
