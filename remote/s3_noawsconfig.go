//go:build !awsconfig

package remote

import "github.com/aws/aws-sdk-go-v2/aws"

// sdkCredentials is nil in default builds: the AWS SDK's config loader
// (SSO, assume role, IMDS, ...) would add about 3.4 MB to the binary; build
// with -tags awsconfig to have it.
var sdkCredentials func(profile string) (aws.CredentialsProvider, error)
