package awssim

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/onramp-dev/onramp/sandbox/sigv4"
)

// withClusterID adds the x-k8s-aws-id header before signing and, like the usual token
// generators, an X-Amz-Expires of 60 seconds that STS ignores.
func withClusterID(cluster string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		add := func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler,
		) (middleware.BuildOutput, middleware.Metadata, error) {
			if req, ok := in.Request.(*smithyhttp.Request); ok {
				req.Header.Set(clusterHeader, cluster)
				q := req.URL.Query()
				q.Set("X-Amz-Expires", "60")
				req.URL.RawQuery = q.Encode()
			}

			return next.HandleBuild(ctx, in)
		}

		return stack.Build.Add(middleware.BuildMiddlewareFunc("ClusterID", add), middleware.After)
	}
}

// eksToken makes an EKS bearer token for a cluster, signed with creds; an empty cluster
// leaves the header out.
func (e *env) eksToken(t *testing.T, creds Credentials, cluster string) string {
	t.Helper()

	client := e.sts(creds)
	presigner := sts.NewPresignClient(client, func(po *sts.PresignOptions) {
		po.Presigner = clockSigner{clock: e.clock, signer: v4.NewSigner()}
		if cluster != "" {
			po.ClientOptions = append(po.ClientOptions, func(o *sts.Options) {
				o.APIOptions = append(o.APIOptions, withClusterID(cluster))
			})
		}
	})

	req, err := presigner.PresignGetCallerIdentity(context.Background(),
		&sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}

	return eksTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(req.URL))
}

// tamper changes one query parameter of a token's URL.
func tamper(t *testing.T, token, name, value string) string {
	t.Helper()

	raw, err := base64.RawURLEncoding.DecodeString(token[len(eksTokenPrefix):])
	if err != nil {
		t.Fatal(err)
	}

	u, err := url.Parse(string(raw))
	if err != nil {
		t.Fatal(err)
	}

	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()

	return eksTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(u.String()))
}

func TestVerifyEKSToken(t *testing.T) {
	e := newEnv(t, Options{})
	roleARN := e.role("deploy", "/ci/", trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole"))
	session, err := e.assume(e.admin, roleARN, 3600)
	if err != nil {
		t.Fatal(err)
	}

	userToken := e.eksToken(t, e.admin, "prod")
	unknown := Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN12", SecretAccessKey: "s"}

	tests := []struct {
		name      string
		token     string
		cluster   string
		advance   time.Duration
		wantErr   error
		canonical string
	}{
		{name: "user", token: userToken, cluster: "prod",
			canonical: e.sim.iamARN("user/admin")},
		{name: "role session", token: e.eksToken(t, session, "prod"), cluster: "prod",
			canonical: e.sim.iamARN("role/deploy")},
		{name: "ten minutes old", token: userToken, cluster: "prod", advance: 10 * time.Minute,
			canonical: e.sim.iamARN("user/admin")},
		{name: "wrong cluster", token: userToken, cluster: "staging",
			wantErr: sigv4.ErrSignatureMismatch},
		{name: "expired", token: userToken, cluster: "prod", advance: 16 * time.Minute,
			wantErr: sigv4.ErrPresignExpired},
		{name: "tampered", token: tamper(t, userToken, "Version", "2011-06-16"),
			cluster: "prod", wantErr: sigv4.ErrSignatureMismatch},
		{name: "unknown key", token: e.eksToken(t, unknown, "prod"), cluster: "prod",
			wantErr: sigv4.ErrUnknownKey},
		{name: "cluster header not signed", token: e.eksToken(t, e.admin, ""), cluster: "prod",
			wantErr: ErrEKSToken},
		{name: "not a token", token: "Bearer abc", cluster: "prod", wantErr: ErrEKSToken},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.clock.Advance(tt.advance)
			defer e.clock.Advance(-tt.advance)

			caller, err := e.sim.VerifyEKSToken(tt.token, tt.cluster)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrEKSToken) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}

				return
			}

			if err != nil || caller.CanonicalARN != tt.canonical {
				t.Fatalf("caller = %+v, %v; want canonical ARN %s", caller, err, tt.canonical)
			}
		})
	}
}

func TestVerifyEKSTokenReportsTheSession(t *testing.T) {
	e := newEnv(t, Options{})
	roleARN := e.role("deploy", "/ci/", trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole"))
	session, err := e.assume(e.admin, roleARN, 3600)
	if err != nil {
		t.Fatal(err)
	}

	caller, err := e.sim.VerifyEKSToken(e.eksToken(t, session, "prod"), "prod")
	if err != nil {
		t.Fatal(err)
	}

	want := "arn:aws:sts::" + e.sim.AccountID() + ":assumed-role/deploy/test"
	if caller.ARN != want || caller.SessionName != "test" || caller.Account != e.sim.AccountID() {
		t.Fatalf("caller = %+v, want ARN %s", caller, want)
	}
}

func TestVerifyEKSTokenRefusesAnotherHost(t *testing.T) {
	e := newEnv(t, Options{})
	token := e.eksToken(t, e.admin, "prod")

	if err := e.sim.SetEndpoint("http://127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.VerifyEKSToken(token, "prod"); !errors.Is(err, ErrEKSToken) {
		t.Fatalf("a token for another host: error = %v, want ErrEKSToken", err)
	}

	if err := e.sim.SetEndpoint(e.srv.URL); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.VerifyEKSToken(token, "prod"); err != nil {
		t.Fatalf("a token for the Sim's own host: %v", err)
	}

	if err := e.sim.SetEndpoint("not a url"); err == nil {
		t.Fatal("SetEndpoint took a URL without a host")
	}
}
