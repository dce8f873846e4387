package actions

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// STSAPI is the part of the STS client the identity lookup uses.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput,
		opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// LookupIdentity asks STS who the credentials belong to.
func LookupIdentity(ctx context.Context, c STSAPI, region string) (Identity, error) {
	if region == "" {
		return Identity{}, &Hint{
			Err:  ErrNoCredentials,
			What: "no AWS region set",
			Do:   "pass --region, set AWS_REGION, or set region in your AWS profile",
		}
	}
	out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, fmt.Errorf("looking up the caller: %w", classifyAWS(err))
	}

	return Identity{
		Account: aws.ToString(out.Account),
		ARN:     aws.ToString(out.Arn),
		UserID:  aws.ToString(out.UserId),
		Region:  region,
	}, nil
}
