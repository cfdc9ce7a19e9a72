package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// errNoSDKCredentials is returned when the AWS SDK's chain finds no
// credentials source.
var errNoSDKCredentials = errors.New("the AWS SDK found no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or AWS_NO_SIGN_REQUEST=YES")

// emptySHA256 is the SHA-256 of an empty payload, the body of a GET.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// An s3Config is how S3 objects are reached: the endpoint, the region and
// the credentials, from the environment and the shared AWS files.
type s3Config struct {
	endpoint  *url.URL
	pathStyle bool // bucket in the path, not in the host name
	region    string
	creds     aws.CredentialsProvider // nil: requests are not signed
	signer    *v4.Signer
}

// s3Config loads the client's S3 settings once.
func (c *Client) s3Config() (*s3Config, error) {
	c.s3once.Do(func() {
		env := c.opts.Env
		if env == nil {
			env = os.Getenv
		}
		c.s3cfg, c.s3err = loadS3Config(env)
	})
	return c.s3cfg, c.s3err
}

// isTrue reports whether a GDAL-style boolean setting is on.
func isTrue(v string) bool {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "YES", "TRUE", "ON", "1":
		return true
	}
	return false
}

// isFalse reports whether a GDAL-style boolean setting is off.
func isFalse(v string) bool {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "NO", "FALSE", "OFF", "0":
		return true
	}
	return false
}

// loadS3Config reads the S3 settings as the AWS tools and GDAL do:
//
//   - credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
//     AWS_SESSION_TOKEN, else from the profile (AWS_PROFILE, default
//     "default") of the shared credentials and config files
//     (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, default ~/.aws/);
//     none with AWS_NO_SIGN_REQUEST=YES;
//   - the region from AWS_REGION, AWS_DEFAULT_REGION or the profile,
//     default us-east-1;
//   - the endpoint from AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the
//     profile's endpoint_url, or GDAL's AWS_S3_ENDPOINT (a host, with
//     http when AWS_HTTPS=NO), default AWS's;
//   - path-style addressing with GDAL's AWS_VIRTUAL_HOSTING=FALSE, and
//     for endpoints that are IP addresses or localhost.
func loadS3Config(env func(string) string) (*s3Config, error) {
	profile := firstSet(env("AWS_PROFILE"), env("AWS_DEFAULT_PROFILE"), "default")
	home, _ := os.UserHomeDir()
	credFile := firstSet(env("AWS_SHARED_CREDENTIALS_FILE"), filepath.Join(home, ".aws", "credentials"))
	confFile := firstSet(env("AWS_CONFIG_FILE"), filepath.Join(home, ".aws", "config"))
	credSec, err := readINI(credFile, profile)
	if err != nil {
		return nil, err
	}
	confName := "profile " + profile
	if profile == "default" {
		confName = "default"
	}
	confSec, err := readINI(confFile, confName)
	if err != nil {
		return nil, err
	}
	prof := func(k string) string { return firstSet(credSec[k], confSec[k]) }

	cfg := &s3Config{region: firstSet(env("AWS_REGION"), env("AWS_DEFAULT_REGION"), prof("region"), "us-east-1")}
	if !isTrue(env("AWS_NO_SIGN_REQUEST")) {
		id, secret, token := env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")
		if id == "" || secret == "" {
			id, secret, token = prof("aws_access_key_id"), prof("aws_secret_access_key"), prof("aws_session_token")
		}
		switch {
		case id != "" && secret != "":
			cfg.creds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token, Source: "gomean"}, nil
			})
		case sdkCredentials != nil:
			// Built with -tags awsconfig: the AWS SDK's whole chain (SSO,
			// assume role, credential_process, web identity, IMDS, ECS).
			p, err := sdkCredentials(profile)
			if err != nil {
				return nil, fmt.Errorf("s3: credentials: %w", err)
			}
			cfg.creds = p // cached by the SDK
		default:
			msg := "s3: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE to a profile with keys, or AWS_NO_SIGN_REQUEST=YES for a public bucket"
			for _, k := range []string{"sso_session", "sso_start_url", "role_arn", "credential_process", "web_identity_token_file"} {
				if prof(k) != "" {
					msg += fmt.Sprintf(" (profile %q uses %s, which needs gomean built with -tags awsconfig; or export keys with `aws configure export-credentials --format env`)", profile, k)
					break
				}
			}
			return nil, errors.New(msg)
		}
		cfg.signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	}

	ep := firstSet(env("AWS_ENDPOINT_URL_S3"), env("AWS_ENDPOINT_URL"), prof("endpoint_url"))
	if ep == "" {
		if host := env("AWS_S3_ENDPOINT"); host != "" {
			ep = host
			if !strings.Contains(host, "://") {
				ep = "https://" + host
				if isFalse(env("AWS_HTTPS")) {
					ep = "http://" + host
				}
			}
		}
	}
	if ep == "" {
		ep = "https://s3." + cfg.region + ".amazonaws.com"
	}
	u, err := url.Parse(ep)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("s3: endpoint %q: want a URL such as https://s3.example.com or http://127.0.0.1:9000", ep)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	cfg.endpoint = u
	host := u.Hostname()
	cfg.pathStyle = isFalse(env("AWS_VIRTUAL_HOSTING")) || net.ParseIP(host) != nil || host == "localhost"
	return cfg, nil
}

// firstSet returns the first non-empty value.
func firstSet(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// readINI returns the keys of section name of an AWS shared file (none
// when the file does not exist).
func readINI(path, name string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("s3: %w", err)
	}
	defer f.Close()
	keys := map[string]string{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' && line[len(line)-1] == ']' {
			in = strings.TrimSpace(line[1:len(line)-1]) == name
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && in {
			keys[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("s3: %s: %w", path, err)
	}
	return keys, nil
}

// target returns the target of one object.
func (cfg *s3Config) target(bucket, key string) *s3Target {
	u := *cfg.endpoint
	esc := awsEscape(key)
	// A bucket with dots breaks TLS wildcard certificates when in the host.
	if cfg.pathStyle || strings.Contains(bucket, ".") && u.Scheme == "https" || bucket != strings.ToLower(bucket) {
		u.Path = u.Path + "/" + bucket + "/" + key
		u.RawPath = awsEscape(u.Path[:len(u.Path)-len(key)]) + esc
	} else {
		u.Host = bucket + "." + u.Host
		u.Path = u.Path + "/" + key
		u.RawPath = awsEscape(u.Path[:len(u.Path)-len(key)]) + esc
	}
	return &s3Target{cfg: cfg, bucket: bucket, key: key, url: u.String()}
}

// awsEscape percent-encodes s as S3 wants a key in a path: every byte but
// the unreserved ones and '/'.
func awsEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || strings.IndexByte("-_.~/", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

// An s3Target is one S3 object, read with (signed) GET requests.
type s3Target struct {
	cfg         *s3Config
	bucket, key string
	url         string
}

func (t *s3Target) request(ctx context.Context, rng, ifMatch string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Range", rng)
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	req.Header.Set("User-Agent", "gomean")
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	if t.cfg.creds != nil {
		creds, err := t.cfg.creds.Retrieve(ctx)
		if err != nil {
			return nil, fmt.Errorf("s3: credentials: %w", err)
		}
		if err := t.cfg.signer.SignHTTP(ctx, creds, req, emptySHA256, "s3", t.cfg.region, time.Now()); err != nil {
			return nil, fmt.Errorf("s3: sign request: %w", err)
		}
	}
	return req, nil
}

func (t *s3Target) display() string { return "s3://" + t.bucket + "/" + t.key }

// explain reads S3's XML error body: its code and message, and what to do.
func (t *s3Target) explain(status int, body []byte) string {
	e := s3Error(body)
	msg := e.Code
	if e.Message != "" {
		msg = strings.TrimPrefix(msg+": "+e.Message, ": ")
	}
	hint := ""
	switch {
	case e.Code == "NoSuchKey" || status == http.StatusNotFound && e.Code == "":
		hint = "no such object: check the key"
	case e.Code == "NoSuchBucket":
		hint = "check the bucket name"
	case e.Code == "InvalidAccessKeyId" || e.Code == "SignatureDoesNotMatch":
		hint = "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
	case e.Code == "ExpiredToken":
		hint = "refresh AWS_SESSION_TOKEN"
	case e.Code == "AuthorizationHeaderMalformed" || e.Code == "PermanentRedirect" || status == http.StatusMovedPermanently:
		hint = "the bucket is in another region: set AWS_REGION"
		if e.Region != "" {
			hint += "=" + e.Region
		}
	case status == http.StatusForbidden:
		hint = "access denied: check the credentials and the bucket policy, or set AWS_NO_SIGN_REQUEST=YES for a public bucket"
		if t.cfg.creds == nil {
			hint = "access denied without credentials (AWS_NO_SIGN_REQUEST=YES): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
		}
	}
	return strings.TrimPrefix(msg+"; "+hint, "; ")
}

// s3ErrorBody holds the fields of S3's XML error body that explain uses.
type s3ErrorBody struct {
	Code, Message, Region, Endpoint string
}

// s3Error reads the <Error> body of a failed S3 request: the text of its
// Code, Message, Region and Endpoint children. A body that is not XML
// gives what was read before the fault (often nothing).
func s3Error(body []byte) s3ErrorBody {
	var e s3ErrorBody
	d := xml.NewDecoder(bytes.NewReader(body))
	depth, field := 0, (*string)(nil)
	for {
		tok, err := d.Token()
		if err != nil {
			return e
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			field = nil
			if depth == 2 {
				switch t.Name.Local {
				case "Code":
					field = &e.Code
				case "Message":
					field = &e.Message
				case "Region":
					field = &e.Region
				case "Endpoint":
					field = &e.Endpoint
				}
			}
		case xml.EndElement:
			depth--
			field = nil
		case xml.CharData:
			if field != nil {
				*field += string(t)
			}
		}
	}
}
