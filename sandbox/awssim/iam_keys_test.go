package awssim

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestIAMCreateAccessKeyQuota(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)
	e.user("ci")

	tests := []struct {
		name string
		code string
	}{
		{"second key", ""},
		{"third key", "LimitExceeded"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.CreateAccessKey(ctx,
				&iam.CreateAccessKeyInput{UserName: aws.String("ci")})
			checkCode(t, err, tt.code, "")

			if err == nil && (len(*out.AccessKey.SecretAccessKey) != 40 ||
				out.AccessKey.Status != types.StatusTypeActive) {
				t.Fatalf("key = %+v", out.AccessKey)
			}
		})
	}
}

func TestIAMInactiveKeyIsRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)
	key := e.user("ci")

	tests := []struct {
		name   string
		status types.StatusType
		code   string
	}{
		{"deactivated", types.StatusTypeInactive, "InvalidClientTokenId"},
		{"reactivated", types.StatusTypeActive, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("ci"),
				AccessKeyId: aws.String(key.AccessKeyID), Status: tt.status})
			if err != nil {
				t.Fatal(err)
			}

			if got := statusOf(t, c, "ci", key.AccessKeyID); got != tt.status {
				t.Fatalf("status = %s, want %s", got, tt.status)
			}

			_, err = e.sts(key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			checkCode(t, err, tt.code, "")
		})
	}
}

func TestIAMAccessKeyLastUsed(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)
	key := e.user("ci")
	in := &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(key.AccessKeyID)}

	before, err := c.GetAccessKeyLastUsed(ctx, in)
	if err != nil {
		t.Fatal(err)
	}

	unused := before.AccessKeyLastUsed
	if *unused.ServiceName != "N/A" || unused.LastUsedDate != nil {
		t.Fatalf("unused key reports %+v", unused)
	}

	if _, err := e.sts(key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}

	after, err := c.GetAccessKeyLastUsed(ctx, in)
	if err != nil {
		t.Fatal(err)
	}

	used := after.AccessKeyLastUsed
	if *after.UserName != "ci" || *used.ServiceName != "sts" || *used.Region != e.sim.Region() ||
		used.LastUsedDate == nil {
		t.Fatalf("used key reports %+v", used)
	}
}

func TestIAMDeleteAccessKey(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.iam(e.admin)
	key := e.user("ci")
	in := &iam.DeleteAccessKeyInput{UserName: aws.String("ci"),
		AccessKeyId: aws.String(key.AccessKeyID)}

	tests := []struct {
		name string
		code string
	}{
		{"existing", ""},
		{"already deleted", "NoSuchEntity"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.DeleteAccessKey(ctx, in)
			checkCode(t, err, tt.code, "")
		})
	}

	_, err := e.sts(key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	checkCode(t, err, "InvalidClientTokenId", "")
}

func TestIAMCreateAccessKeyForTheCaller(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	arn := e.role("keys", "", trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole"))
	if err := e.sim.AttachRolePolicy("keys", AdministratorAccessARN); err != nil {
		t.Fatal(err)
	}

	session, err := e.assume(e.admin, arn, 900)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		creds Credentials
		code  string
	}{
		{"user", e.admin, ""},
		{"role session", session, "ValidationError"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.iam(tt.creds).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
			checkCode(t, err, tt.code, "")

			if err == nil && *out.AccessKey.UserName != "admin" {
				t.Fatalf("key issued to %s", *out.AccessKey.UserName)
			}
		})
	}
}
