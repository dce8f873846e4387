package awssim

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
)

func TestECRCreateRepository(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.ecr(e.admin)

	tests := []struct {
		name string
		repo string
		code string
	}{
		{"plain", "flows", ""},
		{"namespaced", "team/prefect-flows", ""},
		{"again", "flows", "RepositoryAlreadyExistsException"},
		{"upper case", "Flows", "InvalidParameterException"},
		{"leading dash", "-flows", "InvalidParameterException"},
		{"double separator", "flows__x", "InvalidParameterException"},
		{"one character", "f", "InvalidParameterException"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{
				RepositoryName: aws.String(tt.repo)})
			checkCode(t, err, tt.code, "")

			if err != nil {
				return
			}

			wantURI := e.sim.AccountID() + ".dkr.ecr.us-east-1.amazonaws.com/" + tt.repo
			r := out.Repository
			if *r.RepositoryUri != wantURI || *r.RepositoryArn != e.sim.repoARN(tt.repo) ||
				r.CreatedAt == nil || r.CreatedAt.IsZero() {
				t.Fatalf("repository = %+v", r)
			}
		})
	}
}

func TestECRDescribeAndDeleteRepositories(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.ecr(e.admin)
	for _, name := range []string{"a1", "b1", "c1"} {
		if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{
			RepositoryName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name  string
		names []string
		count int
		code  string
	}{
		{"all", nil, 3, ""},
		{"by name", []string{"b1"}, 1, ""},
		{"missing", []string{"zz"}, 0, "RepositoryNotFoundException"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{
				RepositoryNames: tt.names})
			checkCode(t, err, tt.code, "")

			if err == nil && len(out.Repositories) != tt.count {
				t.Fatalf("%d repositories, want %d", len(out.Repositories), tt.count)
			}
		})
	}

	if _, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{
		RepositoryName: aws.String("a1")}); err != nil {
		t.Fatal(err)
	}

	_, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("a1")})
	checkCode(t, err, "RepositoryNotFoundException", "does not exist in the registry")
}

func TestECRRepositoryPolicy(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	c := e.ecr(e.admin)
	repo := aws.String("flows")
	_, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: repo})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: repo})
	checkCode(t, err, "RepositoryPolicyNotFoundException", "")

	text := `{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow",` +
		`"Principal":{"AWS":"` + e.sim.iamARN("root") + `"},"Action":"ecr:BatchGetImage"}]}`

	tests := []struct {
		name   string
		policy string
		code   string
	}{
		{"valid", text, ""},
		{"malformed", `{"Statement":"x"}`, "InvalidParameterException"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{
				RepositoryName: repo, PolicyText: aws.String(tt.policy)})
			checkCode(t, err, tt.code, "")
		})
	}

	got, err := c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: repo})
	if err != nil || *got.PolicyText != text {
		t.Fatalf("policy = %+v, %v", got, err)
	}
}

func TestECRLogin(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	pusher := e.user("pusher", ECRPowerUserARN)
	nobody := e.user("nobody")

	_, err := e.ecr(nobody).GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	checkCode(t, err, "AccessDeniedException",
		"not authorized to perform: ecr:GetAuthorizationToken on resource: *")

	out, err := e.ecr(pusher).GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}

	data := out.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(*data.AuthorizationToken)
	user, password, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok || user != "AWS" || data.ExpiresAt.Before(e.clock.Now()) {
		t.Fatalf("token %q expiring %v", raw, data.ExpiresAt)
	}

	tests := []struct {
		name     string
		user     string
		password string
		advance  time.Duration
		wantErr  bool
	}{
		{"valid", "AWS", password, 0, false},
		{"wrong user", "admin", password, 0, true},
		{"wrong password", "AWS", password + "x", 0, true},
		{"expired", "AWS", password, 13 * time.Hour, true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.clock.Advance(tt.advance)
			arn, err := e.sim.CheckRegistryLogin(tt.user, tt.password)
			if tt.wantErr != (err != nil) || (err != nil && !errors.Is(err, ErrRegistryLogin)) {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}

			if err == nil && arn != e.sim.iamARN("user/pusher") {
				t.Fatalf("caller = %s", arn)
			}
		})
	}
}
