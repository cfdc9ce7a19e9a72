//go:build awsconfig

package remote

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// sdkCredentials, in builds with -tags awsconfig, returns the AWS SDK's
// default credential chain for profile (cached and refreshed by the SDK):
// what the AWS CLI would use,
// SSO, assume role, credential_process, web identity tokens and instance
// or container credentials included. It costs about 3.4 MB of binary.
var sdkCredentials = func(profile string) (aws.CredentialsProvider, error) {
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile(profile))
	if err != nil {
		return nil, err
	}
	if cfg.Credentials == nil {
		return nil, errNoSDKCredentials
	}
	return cfg.Credentials, nil
}
