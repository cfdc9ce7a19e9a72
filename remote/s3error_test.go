package remote

import "testing"

func TestS3ErrorBody(t *testing.T) {
	cases := []struct {
		body string
		want s3ErrorBody
	}{
		{`<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a.tif</Key><RequestId>1</RequestId></Error>`,
			s3ErrorBody{Code: "NoSuchKey", Message: "The specified key does not exist."}},
		{`<Error><Code>PermanentRedirect</Code><Message>use the endpoint</Message><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint><Region>eu-west-1</Region></Error>`,
			s3ErrorBody{Code: "PermanentRedirect", Message: "use the endpoint", Region: "eu-west-1", Endpoint: "b.s3.eu-west-1.amazonaws.com"}},
		{`<Error><Details><Code>nested</Code></Details><Code>A&amp;B</Code></Error>`, s3ErrorBody{Code: "A&B"}},
		{`not xml at all`, s3ErrorBody{}},
		{``, s3ErrorBody{}},
		{`<Error><Code>Trunc`, s3ErrorBody{Code: "Trunc"}},
	}
	for _, c := range cases {
		if got := s3Error([]byte(c.body)); got != c.want {
			t.Errorf("s3Error(%q) = %+v, want %+v", c.body, got, c.want)
		}
	}
}
