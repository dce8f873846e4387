package awssim

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// clock is a settable clock shared by a Sim and the clients' signers.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()

	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.t = c.t.Add(d)
}

// clockSigner signs as of the test clock, so that moving the clock does not make every
// request look stale.
type clockSigner struct {
	clock  *clock
	signer *v4.Signer
}

func (cs clockSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request,
	payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions),
) error {
	return cs.signer.SignHTTP(ctx, creds, r, payloadHash, service, region, cs.clock.Now(),
		optFns...)
}

func (cs clockSigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request,
	payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions),
) (string, http.Header, error) {
	return cs.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, cs.clock.Now(),
		optFns...)
}

// env is a Sim behind a loopback server with an administrator.
type env struct {
	t     *testing.T
	sim   *Sim
	srv   *httptest.Server
	clock *clock
	admin Credentials
}

// newEnv starts a Sim with an "admin" user holding AdministratorAccess and a ready key.
func newEnv(t *testing.T, opts Options) *env {
	t.Helper()

	c := &clock{t: time.Now().UTC()}
	opts.Now = c.Now
	s := New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)

	e := &env{t: t, sim: s, srv: srv, clock: c}
	e.admin = e.user("admin", AdministratorAccessARN)

	return e
}

// user creates a user with a ready access key and the given managed policies.
func (e *env) user(name string, policies ...string) Credentials {
	e.t.Helper()

	if _, err := e.sim.CreateUser(name, ""); err != nil {
		e.t.Fatal(err)
	}

	for _, p := range policies {
		if err := e.sim.AttachUserPolicy(name, p); err != nil {
			e.t.Fatal(err)
		}
	}

	creds, err := e.sim.IssueReadyAccessKey(name)
	if err != nil {
		e.t.Fatal(err)
	}

	return creds
}

// putUserPolicy sets an inline policy on a user.
func (e *env) putUserPolicy(user, doc string) {
	e.t.Helper()

	if err := e.sim.PutUserPolicy(user, "inline", doc); err != nil {
		e.t.Fatal(err)
	}
}

// clientOptions are the settings every test client shares.
type clientOptions struct {
	endpoint string
	region   string
	creds    aws.CredentialsProvider
	client   *http.Client
	signer   clockSigner
	retryer  aws.Retryer
}

func (e *env) options(creds Credentials) clientOptions {
	return clientOptions{
		endpoint: e.srv.URL,
		region:   e.sim.Region(),
		creds: credentials.NewStaticCredentialsProvider(creds.AccessKeyID,
			creds.SecretAccessKey, creds.SessionToken),
		client:  e.srv.Client(),
		signer:  clockSigner{clock: e.clock, signer: v4.NewSigner()},
		retryer: aws.NopRetryer{},
	}
}

func (e *env) sts(creds Credentials, optFns ...func(*sts.Options)) *sts.Client {
	o := e.options(creds)

	return sts.New(sts.Options{BaseEndpoint: &o.endpoint, Region: o.region,
		Credentials: o.creds, HTTPClient: o.client, HTTPSignerV4: o.signer,
		Retryer: o.retryer}, optFns...)
}

func (e *env) iam(creds Credentials, optFns ...func(*iam.Options)) *iam.Client {
	o := e.options(creds)

	return iam.New(iam.Options{BaseEndpoint: &o.endpoint, Region: o.region,
		Credentials: o.creds, HTTPClient: o.client, HTTPSignerV4: o.signer,
		Retryer: o.retryer}, optFns...)
}

func (e *env) ecr(creds Credentials) *ecr.Client {
	o := e.options(creds)

	return ecr.New(ecr.Options{BaseEndpoint: &o.endpoint, Region: o.region,
		Credentials: o.creds, HTTPClient: o.client, HTTPSignerV4: o.signer, Retryer: o.retryer})
}

func (e *env) eks(creds Credentials) *eks.Client {
	o := e.options(creds)

	return eks.New(eks.Options{BaseEndpoint: &o.endpoint, Region: o.region,
		Credentials: o.creds, HTTPClient: o.client, HTTPSignerV4: o.signer, Retryer: o.retryer})
}

// errorCode returns the AWS error code of err, or "" when there is none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}

	return ""
}

// errorMessage returns the AWS error message of err, or "" when there is none.
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}

	return ""
}

// checkCode fails the test unless err carries the wanted code ("" for no error) and, when
// msg is set, a message containing it.
func checkCode(t *testing.T, err error, code, msg string) {
	t.Helper()

	if got := errorCode(err); got != code || (code == "" && err != nil) {
		t.Fatalf("error = %v, want code %q", err, code)
	}

	var ae smithy.APIError
	if msg != "" && errors.As(err, &ae) && !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("message = %q, want it to contain %q", ae.ErrorMessage(), msg)
	}
}

func TestAuthentication(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{KeyDelay: 10 * time.Second})
	wrongSecret := e.admin
	wrongSecret.SecretAccessKey = strings.Repeat("x", 40)
	unknown := Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN12", SecretAccessKey: "secret"}

	tests := []struct {
		name  string
		creds Credentials
		code  string
		msg   string
	}{
		{"issued key", e.admin, "", ""},
		{"unknown key", unknown, "InvalidClientTokenId", msgInvalidToken},
		{"wrong secret", wrongSecret, "SignatureDoesNotMatch", "does not match"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.sts(tt.creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			checkCode(t, err, tt.code, tt.msg)

			_, err = e.iam(tt.creds).ListUsers(ctx, &iam.ListUsersInput{})
			checkCode(t, err, tt.code, tt.msg)
		})
	}
}

func TestAuthenticationJSONServices(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	unknown := Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN12", SecretAccessKey: "secret"}
	wrongSecret := e.admin
	wrongSecret.SecretAccessKey = strings.Repeat("y", 40)

	tests := []struct {
		name  string
		creds Credentials
		code  string
	}{
		{"unknown key", unknown, "UnrecognizedClientException"},
		{"wrong secret", wrongSecret, "InvalidSignatureException"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.ecr(tt.creds).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
			checkCode(t, err, tt.code, "")

			_, err = e.eks(tt.creds).ListClusters(ctx, &eks.ListClustersInput{})
			checkCode(t, err, tt.code, "")
		})
	}
}

func TestNewKeyWorksOnlyAfterKeyDelay(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{KeyDelay: 10 * time.Second})

	out, err := e.iam(e.admin).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{
		UserName: aws.String("admin")})
	if err != nil {
		t.Fatal(err)
	}

	fresh := Credentials{AccessKeyID: *out.AccessKey.AccessKeyId,
		SecretAccessKey: *out.AccessKey.SecretAccessKey}

	_, err = e.sts(fresh).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	checkCode(t, err, "InvalidClientTokenId", "")

	e.clock.Advance(11 * time.Second)

	_, err = e.sts(fresh).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	checkCode(t, err, "", "")
}

func TestRequestSignedLongAgoIsRefused(t *testing.T) {
	e := newEnv(t, Options{})
	past := &clock{t: e.clock.Now().Add(-20 * time.Minute)}
	stale := e.sts(e.admin, func(o *sts.Options) {
		o.HTTPSignerV4 = clockSigner{clock: past, signer: v4.NewSigner()}
	})

	_, err := stale.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	checkCode(t, err, "SignatureDoesNotMatch", "Signature expired")
}

func TestUnsignedRequestIsRefused(t *testing.T) {
	e := newEnv(t, Options{})
	body := strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15")
	resp, err := http.Post(e.srv.URL, "application/x-www-form-urlencoded", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-Requestid") == "" {
		t.Fatalf("status %d, request ID %q; want 403 with a request ID", resp.StatusCode,
			resp.Header.Get("X-Amzn-Requestid"))
	}
}
