package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomean/gomean/remote/remotetest"
)

// envOf returns a getenv over m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestS3(t *testing.T) {
	s3 := remotetest.StartS3(t)
	data := testData(700_000, 11)
	s3.Put(t, "remote-test", "dems/a b+c.tif", data)
	s3.Put(t, "remote-test", "small.tif", data[:100])

	t.Run("read", func(t *testing.T) {
		for _, name := range []string{"s3://remote-test/dems/a b+c.tif", "/vsis3/remote-test/dems/a b+c.tif"} {
			c := NewClient(Options{Env: envOf(s3.Env())})
			f := openTest(t, c, name)
			if got := readAll(t, f, f.Size(), 50_000); !bytes.Equal(got, data) {
				t.Fatalf("%s: wrong bytes (%d of %d)", name, len(got), len(data))
			}
			if st := f.Stats(); st.Requests > 12 || st.Bytes != int64(len(data)) {
				t.Errorf("%s: %+v for %d bytes", name, st, len(data))
			}
		}
	})
	t.Run("replaced while read", func(t *testing.T) {
		// Through the API, so that the object has an ETag.
		c := NewClient(Options{Env: envOf(s3.Env()), RetryDelay: 1})
		putObject(t, c, "remote-test", "changing.tif", data)
		f := openTest(t, c, "s3://remote-test/changing.tif")
		if f.ifMatch() == "" {
			t.Fatalf("no strong ETag from S3 (%q): If-Match not sent", f.etag)
		}
		putObject(t, c, "remote-test", "changing.tif", testData(len(data), 12)) // same size
		_, err := f.ReadAt(make([]byte, 1000), 500_000)
		if err == nil || !strings.Contains(err.Error(), "changed while being read") || !strings.Contains(err.Error(), "s3://remote-test/changing.tif") {
			t.Fatalf("read after the object was replaced: %v, want a change error naming it", err)
		}
		t.Log(err)
	})
	t.Run("small object", func(t *testing.T) {
		c := NewClient(Options{Env: envOf(s3.Env())})
		f := openTest(t, c, "s3://remote-test/small.tif")
		if got := readAll(t, f, f.Size(), 64); !bytes.Equal(got, data[:100]) {
			t.Fatal("wrong bytes")
		}
	})
	t.Run("GDAL settings", func(t *testing.T) {
		env := s3.Env()
		delete(env, "AWS_ENDPOINT_URL") // AWS_S3_ENDPOINT with AWS_HTTPS=NO
		c := NewClient(Options{Env: envOf(env)})
		f := openTest(t, c, "/vsis3/remote-test/small.tif")
		if f.Size() != 100 {
			t.Fatalf("size %d, want 100", f.Size())
		}
	})
	t.Run("profile", func(t *testing.T) {
		env := s3.Env()
		dir := t.TempDir()
		creds := filepath.Join(dir, "credentials")
		os.WriteFile(creds, []byte("[other]\naws_access_key_id = x\n\n[test]\naws_access_key_id = "+s3.AccessKey+"\naws_secret_access_key = "+s3.Secret+"\n"), 0o600)
		delete(env, "AWS_ACCESS_KEY_ID")
		delete(env, "AWS_SECRET_ACCESS_KEY")
		env["AWS_SHARED_CREDENTIALS_FILE"], env["AWS_PROFILE"] = creds, "test"
		c := NewClient(Options{Env: envOf(env)})
		openTest(t, c, "s3://remote-test/small.tif")
	})

	tests := []struct {
		name  string
		env   func(map[string]string)
		input string
		is    error
		inMsg string
	}{
		{"no such key", nil, "s3://remote-test/missing.tif", fs.ErrNotExist, "404 Not Found: NoSuchKey"},
		{"no such bucket", nil, "s3://nobucket/a.tif", fs.ErrNotExist, "NoSuchBucket"},
		{"wrong secret", func(e map[string]string) { e["AWS_SECRET_ACCESS_KEY"] = "wrong" }, "s3://remote-test/small.tif", fs.ErrPermission, "SignatureDoesNotMatch"},
		{"unsigned", func(e map[string]string) { e["AWS_NO_SIGN_REQUEST"] = "YES" }, "s3://remote-test/small.tif", fs.ErrPermission, "without credentials"},
		{"no credentials", func(e map[string]string) { delete(e, "AWS_ACCESS_KEY_ID") }, "s3://remote-test/small.tif", nil, "no credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "no credentials" && sdkCredentials != nil {
				t.Skip("built with -tags awsconfig: the AWS SDK's chain looks further (instance credentials)")
			}
			env := s3.Env()
			if tt.env != nil {
				tt.env(env)
			}
			c := NewClient(Options{Env: envOf(env), Retries: -1})
			_, err := c.Open(context.Background(), tt.input)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.inMsg) || !strings.Contains(err.Error(), strings.TrimPrefix(tt.input, "s3://")) {
				t.Errorf("error %q: want the object and %q", err, tt.inMsg)
			}
		})
	}
}

func TestS3Config(t *testing.T) {
	base := map[string]string{"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull}
	tests := []struct {
		name    string
		env     map[string]string
		bucket  string
		wantURL string
	}{
		{"aws default", nil, "b", "https://b.s3.us-east-1.amazonaws.com/k%20%2B.tif"},
		{"region", map[string]string{"AWS_REGION": "eu-west-3"}, "b", "https://b.s3.eu-west-3.amazonaws.com/k%20%2B.tif"},
		{"dotted bucket", nil, "b.c", "https://s3.us-east-1.amazonaws.com/b.c/k%20%2B.tif"},
		{"endpoint url", map[string]string{"AWS_ENDPOINT_URL": "https://minio.example:9000/"}, "b", "https://b.minio.example:9000/k%20%2B.tif"},
		{"path style", map[string]string{"AWS_ENDPOINT_URL": "https://minio.example", "AWS_VIRTUAL_HOSTING": "FALSE"}, "b", "https://minio.example/b/k%20%2B.tif"},
		{"gdal endpoint", map[string]string{"AWS_S3_ENDPOINT": "127.0.0.1:7070", "AWS_HTTPS": "NO"}, "b", "http://127.0.0.1:7070/b/k%20%2B.tif"},
		{"s3 endpoint wins", map[string]string{"AWS_ENDPOINT_URL_S3": "http://localhost:1", "AWS_ENDPOINT_URL": "http://other"}, "b", "http://localhost:1/b/k%20%2B.tif"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			cfg, err := loadS3Config(envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.target(tt.bucket, "k +.tif").url; got != tt.wantURL {
				t.Errorf("URL %s, want %s", got, tt.wantURL)
			}
		})
	}
	if _, err := loadS3Config(envOf(map[string]string{"AWS_ENDPOINT_URL": "ftp://x", "AWS_NO_SIGN_REQUEST": "YES", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull})); err == nil {
		t.Error("ftp endpoint: no error")
	}
}

// putObject stores data as bucket/key with a signed S3 PutObject.
func putObject(t *testing.T, c *Client, bucket, key string, data []byte) {
	t.Helper()
	cfg, err := c.s3Config()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, cfg.target(bucket, key).url, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	creds, err := cfg.creds.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.signer.SignHTTP(ctx, creds, req, hash, "s3", cfg.region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT %s/%s: %s", bucket, key, resp.Status)
	}
}
