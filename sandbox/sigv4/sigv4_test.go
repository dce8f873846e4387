package sigv4_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/onramp-dev/onramp/sandbox/sigv4"
)

const (
	userKeyID     = "AKIASANDBOXUSER00001"
	userSecret    = "user/secret+KEY0000000000000000000000000"
	sessionKeyID  = "ASIASANDBOXSESSION01"
	sessionSecret = "session/secret+KEY000000000000000000000"
	sessionToken  = "FwoGZXIvYXdzEXAMPLEsessionTOKEN//+=="
	stsResponse   = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn>
<UserId>AIDASANDBOX</UserId><Account>123456789012</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
	stsDenied = `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>
<Message>denied</Message></Error><RequestId>1</RequestId></ErrorResponse>`
)

var (
	userCreds    = aws.Credentials{AccessKeyID: userKeyID, SecretAccessKey: userSecret}
	sessionCreds = aws.Credentials{AccessKeyID: sessionKeyID, SecretAccessKey: sessionSecret,
		SessionToken: sessionToken}
	unknownCreds = aws.Credentials{AccessKeyID: "AKIANEVERISSUED0000", SecretAccessKey: userSecret}
	hexRun       = regexp.MustCompile(`[0-9a-f]{64}`)
)

// lookup knows the two keys the tests sign with.
func lookup(id string) (sigv4.Key, bool) {
	keys := map[string]sigv4.Key{
		userKeyID: {AccessKeyID: userKeyID, SecretAccessKey: userSecret},
		sessionKeyID: {
			AccessKeyID: sessionKeyID, SecretAccessKey: sessionSecret, SessionToken: sessionToken,
		},
	}
	key, ok := keys[id]

	return key, ok
}

// roundTripFunc lets a test change a request on the wire after the SDK signed it.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// verifier is an httptest server that checks every request's signature and keeps the result.
type verifier struct {
	srv    *httptest.Server
	skew   time.Duration
	err    error
	scope  sigv4.Scope
	called bool
}

func newVerifier(t *testing.T, presigned bool, okBody string) *verifier {
	v := &verifier{}
	v.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading body: %v", err)
		}

		v.called = true
		if presigned {
			v.scope, v.err = sigv4.VerifyPresigned(r, lookup, time.Now().Add(v.skew))
		} else {
			v.scope, v.err = sigv4.VerifyRequest(r, body, lookup, time.Now().Add(v.skew))
		}

		if v.err != nil {
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, stsDenied)

			return
		}

		_, _ = io.WriteString(w, okBody)
	}))
	t.Cleanup(v.srv.Close)

	return v
}

// config returns an SDK config aimed at the verifier, with rt wrapping its transport.
func (v *verifier) config(creds aws.Credentials, tamper func(*http.Request)) aws.Config {
	base := v.srv.Client().Transport
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if tamper != nil {
			tamper(r)
		}

		return base.RoundTrip(r)
	})

	return aws.Config{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(v.srv.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return creds, nil
		}),
		HTTPClient: &http.Client{Transport: rt},
		Retryer:    func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// checkErr compares a verification error with the one wanted and checks it leaks no secret.
func checkErr(t *testing.T, got, want error) {
	t.Helper()

	if !errors.Is(got, want) || (want == nil) != (got == nil) {
		t.Fatalf("verify error = %v, want %v", got, want)
	}

	if got == nil {
		return
	}

	msg := got.Error()
	for _, secret := range []string{userSecret, sessionSecret, sessionToken} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains a secret", msg)
		}
	}

	if hexRun.MatchString(msg) {
		t.Errorf("error %q contains a signature", msg)
	}
}

// rewriteBody replaces old with new in the request body, keeping its length.
func rewriteBody(old, new string) func(*http.Request) {
	return func(r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		body = bytes.Replace(body, []byte(old), []byte(new), 1)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
}

func TestVerifyRequestSTS(t *testing.T) {
	tests := []struct {
		name    string
		creds   aws.Credentials
		tamper  func(*http.Request)
		skew    time.Duration
		wantErr error
	}{
		{name: "good", creds: userCreds},
		{name: "good session", creds: sessionCreds},
		{
			name:   "unsigned header added on the way",
			creds:  userCreds,
			tamper: func(r *http.Request) { r.Header.Set("X-Forwarded-For", "10.0.0.1") },
		},
		{
			name:   "user agent changed on the way",
			creds:  userCreds,
			tamper: func(r *http.Request) { r.Header.Set("User-Agent", "proxy/1.0") },
		},
		{name: "signed 14 minutes ago", creds: userCreds, skew: 14 * time.Minute},
		{
			name:    "wrong secret",
			creds:   aws.Credentials{AccessKeyID: userKeyID, SecretAccessKey: sessionSecret},
			wantErr: sigv4.ErrSignatureMismatch,
		},
		{
			name:    "unknown key",
			creds:   unknownCreds,
			wantErr: sigv4.ErrUnknownKey,
		},
		{
			name:    "missing session token",
			creds:   aws.Credentials{AccessKeyID: sessionKeyID, SecretAccessKey: sessionSecret},
			wantErr: sigv4.ErrBadSessionToken,
		},
		{
			name: "wrong session token",
			creds: aws.Credentials{AccessKeyID: sessionKeyID, SecretAccessKey: sessionSecret,
				SessionToken: "another-token"},
			wantErr: sigv4.ErrBadSessionToken,
		},
		{
			name: "token sent for a long-term key",
			creds: aws.Credentials{AccessKeyID: userKeyID, SecretAccessKey: userSecret,
				SessionToken: sessionToken},
			wantErr: sigv4.ErrBadSessionToken,
		},
		{
			name:    "tampered body",
			creds:   userCreds,
			tamper:  rewriteBody("Version=2011-06-15", "Version=2011-06-16"),
			wantErr: sigv4.ErrSignatureMismatch,
		},
		{
			name:  "tampered signed header",
			creds: userCreds,
			tamper: func(r *http.Request) {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=latin1")
			},
			wantErr: sigv4.ErrSignatureMismatch,
		},
		{
			name:  "tampered content sha256",
			creds: userCreds,
			tamper: func(r *http.Request) {
				r.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
			},
			wantErr: sigv4.ErrSignatureMismatch,
		},
		{
			name:    "old date",
			creds:   userCreds,
			skew:    16 * time.Minute,
			wantErr: sigv4.ErrRequestExpired,
		},
		{
			name:    "date in the future",
			creds:   userCreds,
			skew:    -16 * time.Minute,
			wantErr: sigv4.ErrRequestExpired,
		},
		{
			name:    "missing auth",
			creds:   userCreds,
			tamper:  func(r *http.Request) { r.Header.Del("Authorization") },
			wantErr: sigv4.ErrMissingAuth,
		},
		{
			name:  "malformed credential scope",
			creds: userCreds,
			tamper: func(r *http.Request) {
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+userKeyID+
					"/2024/eu-west-1/sts, SignedHeaders=host;x-amz-date, Signature=abc")
			},
			wantErr: sigv4.ErrMalformed,
		},
		{
			name:  "other algorithm",
			creds: userCreds,
			tamper: func(r *http.Request) {
				r.Header.Set("Authorization", "AWS "+userKeyID+":c2lnbmF0dXJl")
			},
			wantErr: sigv4.ErrMalformed,
		},
		{
			name:  "scope date differs from X-Amz-Date",
			creds: userCreds,
			tamper: func(r *http.Request) {
				r.Header.Set("X-Amz-Date", "20200101T000000Z")
			},
			wantErr: sigv4.ErrMalformed,
		},
		{
			name:  "missing X-Amz-Date",
			creds: userCreds,
			tamper: func(r *http.Request) {
				r.Header.Del("X-Amz-Date")
			},
			wantErr: sigv4.ErrMalformed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, false, stsResponse)
			v.skew = tt.skew
			client := sts.NewFromConfig(v.config(tt.creds, tt.tamper))

			_, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			if !v.called {
				t.Fatalf("request never reached the server: %v", err)
			}

			checkErr(t, v.err, tt.wantErr)
			if (err == nil) != (tt.wantErr == nil) {
				t.Errorf("client error = %v, want an error: %v", err, tt.wantErr != nil)
			}
		})
	}
}

func TestVerifyRequestScope(t *testing.T) {
	v := newVerifier(t, false, stsResponse)
	client := sts.NewFromConfig(v.config(sessionCreds, nil))

	before := time.Now().Truncate(time.Second)
	_, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}

	got := v.scope
	want := sigv4.Scope{AccessKeyID: sessionKeyID, Date: got.SignedAt.UTC().Format("20060102"),
		Region: "eu-west-1", Service: "sts", SignedAt: got.SignedAt}
	if got != want {
		t.Errorf("scope = %+v, want %+v", got, want)
	}

	if got.SignedAt.Before(before) || got.SignedAt.After(time.Now()) {
		t.Errorf("SignedAt = %v, want between %v and now", got.SignedAt, before)
	}
}

func TestVerifyRequestEKS(t *testing.T) {
	clusterBody := `{"cluster":{"name":"iris","status":"ACTIVE"}}`
	listBody := `{"clusters":["iris"]}`
	tests := []struct {
		name    string
		call    func(*eks.Client) error
		body    string
		tamper  func(*http.Request)
		wantErr error
	}{
		{name: "path", call: describe("iris"), body: clusterBody},
		{name: "query", call: list("a b/c+d=é"), body: listBody},
		{
			name: "tampered path",
			call: describe("iris"),
			body: clusterBody,
			tamper: func(r *http.Request) {
				r.URL.Path = "/clusters/prod"
			},
			wantErr: sigv4.ErrSignatureMismatch,
		},
		{
			name: "tampered query",
			call: list("page-2"),
			body: listBody,
			tamper: func(r *http.Request) {
				r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "page-2", "page-3", 1)
			},
			wantErr: sigv4.ErrSignatureMismatch,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, false, tt.body)
			client := eks.NewFromConfig(v.config(userCreds, tt.tamper))

			err := tt.call(client)
			checkErr(t, v.err, tt.wantErr)
			if (err == nil) != (tt.wantErr == nil) {
				t.Errorf("client error = %v, want an error: %v", err, tt.wantErr != nil)
			}

			if v.scope.Service != "" && v.scope.Service != "eks" {
				t.Errorf("service = %q, want eks", v.scope.Service)
			}
		})
	}
}

func describe(name string) func(*eks.Client) error {
	return func(c *eks.Client) error {
		_, err := c.DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: &name})

		return err
	}
}

func list(token string) func(*eks.Client) error {
	return func(c *eks.Client) error {
		in := &eks.ListClustersInput{NextToken: &token, MaxResults: aws.Int32(10)}
		_, err := c.ListClusters(context.Background(), in)

		return err
	}
}

// eksToken adds what an EKS bearer token signs on top of GetCallerIdentity: the cluster name
// header and, when expires is set, X-Amz-Expires.
func eksToken(cluster, expires string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		mw := middleware.BuildMiddlewareFunc("eksToken", func(ctx context.Context,
			in middleware.BuildInput, next middleware.BuildHandler,
		) (middleware.BuildOutput, middleware.Metadata, error) {
			req := in.Request.(*smithyhttp.Request)
			req.Header.Set("x-k8s-aws-id", cluster)
			if expires != "" {
				q := req.URL.Query()
				q.Set("X-Amz-Expires", expires)
				req.URL.RawQuery = q.Encode()
			}

			return next.HandleBuild(ctx, in)
		})

		return stack.Build.Add(mw, middleware.After)
	}
}

// presign makes an EKS-style token URL aimed at the verifier.
func presign(t *testing.T, v *verifier, creds aws.Credentials, expires string,
) (string, http.Header) {
	t.Helper()

	client := sts.NewPresignClient(sts.NewFromConfig(v.config(creds, nil)))
	withToken := sts.WithPresignClientFromClientOptions(func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, eksToken("iris", expires))
	})
	out, err := client.PresignGetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{},
		withToken)
	if err != nil {
		t.Fatalf("presigning: %v", err)
	}

	if out.Method != http.MethodGet {
		t.Fatalf("presigned method = %s, want GET", out.Method)
	}

	return out.URL, out.SignedHeader
}

func TestVerifyPresigned(t *testing.T) {
	tests := []struct {
		name    string
		creds   aws.Credentials
		expires string
		skew    time.Duration
		edit    func(u string, h http.Header) string
		wantErr error
	}{
		{name: "good", creds: userCreds, expires: "60"},
		{name: "good session", creds: sessionCreds, expires: "60"},
		{name: "no expires within 15 minutes", creds: userCreds, skew: 14 * time.Minute},
		{name: "week long", creds: userCreds, expires: "604800", skew: 24 * time.Hour},
		{
			name:    "wrong secret",
			creds:   aws.Credentials{AccessKeyID: userKeyID, SecretAccessKey: "not-the-secret"},
			expires: "60",
			wantErr: sigv4.ErrSignatureMismatch,
		},
		{
			name:    "unknown key",
			creds:   unknownCreds,
			expires: "60",
			wantErr: sigv4.ErrUnknownKey,
		},
		{
			name:    "session token removed",
			creds:   sessionCreds,
			expires: "60",
			edit:    dropParam("X-Amz-Security-Token"),
			wantErr: sigv4.ErrBadSessionToken,
		},
		{
			name:    "expired",
			creds:   userCreds,
			expires: "60",
			skew:    61 * time.Second,
			wantErr: sigv4.ErrPresignExpired,
		},
		{
			name:    "no expires after 15 minutes",
			creds:   userCreds,
			skew:    16 * time.Minute,
			wantErr: sigv4.ErrPresignExpired,
		},
		{
			name:    "expires over a week",
			creds:   userCreds,
			expires: "604801",
			wantErr: sigv4.ErrPresignExpired,
		},
		{
			name:    "not yet valid",
			creds:   userCreds,
			expires: "60",
			skew:    -16 * time.Minute,
			wantErr: sigv4.ErrPresignExpired,
		},
		{
			name:    "other cluster",
			creds:   userCreds,
			expires: "60",
			edit: func(u string, h http.Header) string {
				h.Set("X-K8s-Aws-Id", "prod")

				return u
			},
			wantErr: sigv4.ErrSignatureMismatch,
		},
		{
			name:    "tampered query",
			creds:   userCreds,
			expires: "60",
			edit: func(u string, _ http.Header) string {
				return strings.Replace(u, "Action=GetCallerIdentity", "Action=GetSessionToken", 1)
			},
			wantErr: sigv4.ErrSignatureMismatch,
		},
		{
			name:    "missing signature",
			creds:   userCreds,
			expires: "60",
			edit:    dropParam("X-Amz-Signature"),
			wantErr: sigv4.ErrMissingAuth,
		},
		{
			name:    "malformed credential",
			creds:   userCreds,
			expires: "60",
			edit: func(u string, _ http.Header) string {
				return strings.Replace(u, "%2Faws4_request", "%2Faws4", 1)
			},
			wantErr: sigv4.ErrMalformed,
		},
		{
			name:    "malformed expires",
			creds:   userCreds,
			expires: "soon",
			wantErr: sigv4.ErrMalformed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, true, stsResponse)
			v.skew = tt.skew
			u, header := presign(t, v, tt.creds, tt.expires)
			if tt.edit != nil {
				u = tt.edit(u, header)
			}

			req, err := http.NewRequest(http.MethodGet, u, nil)
			if err != nil {
				t.Fatalf("building the token request: %v", err)
			}

			req.Header.Set("X-K8s-Aws-Id", header.Get("X-K8s-Aws-Id"))
			resp, err := v.srv.Client().Do(req)
			if err != nil {
				t.Fatalf("sending the token request: %v", err)
			}

			_ = resp.Body.Close()
			checkErr(t, v.err, tt.wantErr)
		})
	}
}

func dropParam(name string) func(string, http.Header) string {
	return func(u string, _ http.Header) string {
		i := strings.Index(u, name+"=")
		end := strings.IndexByte(u[i:], '&')
		if end < 0 {
			return u[:i-1]
		}

		return u[:i] + u[i+end+1:]
	}
}

func TestSignedHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header string
		url    string
		want   []string
	}{
		{
			name: "authorization header",
			header: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, " +
				"SignedHeaders=Content-Type;host;x-amz-date, Signature=00",
			url:  "http://sts.local/",
			want: []string{"content-type", "host", "x-amz-date"},
		},
		{
			name: "query",
			url:  "http://sts.local/?X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=00",
			want: []string{"host", "x-k8s-aws-id"},
		},
		{name: "none", url: "http://sts.local/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.url, nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}

			if got := sigv4.SignedHeaders(r); !slices.Equal(got, tt.want) {
				t.Errorf("SignedHeaders = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSignedHeadersFromSDK(t *testing.T) {
	v := newVerifier(t, true, stsResponse)
	u, header := presign(t, v, userCreds, "60")
	r := httptest.NewRequest(http.MethodGet, u, nil)
	r.Header = header

	want := []string{"host", "x-k8s-aws-id"}
	if got := sigv4.SignedHeaders(r); !slices.Equal(got, want) {
		t.Errorf("SignedHeaders = %q, want %q", got, want)
	}
}
