package actions

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientauth "k8s.io/client-go/pkg/apis/clientauthentication/v1beta1"
	"k8s.io/client-go/rest"
)

// EKS token facts: the prefix and header that bind a presigned sts:GetCallerIdentity URL to one
// cluster, how long the URL is signed for, and how long clients may reuse the token.
// See https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html
const (
	eksTokenPrefix  = "k8s-aws-v1."
	clusterIDHeader = "x-k8s-aws-id"
	tokenSignedFor  = "60"
	tokenLifetime   = 14 * time.Minute
)

// NewPresignClient returns the STS presigner that EKS tokens are made with. It reports no
// events: presigning calls nothing.
func NewPresignClient(cfg aws.Config) *sts.PresignClient {
	return sts.NewPresignClient(sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			if _, ok := s.Initialize.Get(eventsMiddleware); !ok {
				return nil
			}
			_, err := s.Initialize.Remove(eventsMiddleware)

			return err
		})
	}))
}

// EKSToken is a bearer token for an EKS cluster's API server.
type EKSToken struct {
	Token   Secret
	Expires time.Time
}

// NewEKSToken makes a token for cluster from a presigned sts:GetCallerIdentity URL that signs
// the cluster's name in the x-k8s-aws-id header, the way EKS expects.
func NewEKSToken(ctx context.Context, c *sts.PresignClient, cluster string) (EKSToken, error) {
	if err := ValidateClusterName(cluster); err != nil {
		return EKSToken{}, err
	}
	now := time.Now()
	req, err := c.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{},
		func(po *sts.PresignOptions) {
			po.ClientOptions = append(po.ClientOptions, func(o *sts.Options) {
				o.APIOptions = append(o.APIOptions,
					smithyhttp.SetHeaderValue(clusterIDHeader, cluster),
					smithyhttp.SetHeaderValue("X-Amz-Expires", tokenSignedFor))
			})
		})
	if err != nil {
		return EKSToken{}, fmt.Errorf("presigning the EKS token: %w", classifyAWS(err))
	}

	token := eksTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(req.URL))

	return EKSToken{Token: NewSecret(token), Expires: now.Add(tokenLifetime)}, nil
}

// ExecCredential wraps a token in the object a kubeconfig exec plugin prints.
func ExecCredential(t EKSToken) *clientauth.ExecCredential {
	exp := metav1.NewTime(t.Expires.UTC().Truncate(time.Second))

	return &clientauth.ExecCredential{
		TypeMeta: metav1.TypeMeta{
			APIVersion: clientauth.SchemeGroupVersion.String(),
			Kind:       "ExecCredential",
		},
		Status: &clientauth.ExecCredentialStatus{
			ExpirationTimestamp: &exp,
			Token:               t.Token.Reveal(),
		},
	}
}

// EKSRestConfig returns a client config for the cluster's API server from its DescribeCluster
// answer, authenticating with EKS tokens made on demand and renewed before they expire.
func EKSRestConfig(c Cluster, presign *sts.PresignClient) *rest.Config {
	src := &tokenSource{cluster: c.Name, presign: presign}
	cfg := &rest.Config{
		Host:            c.Endpoint,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.CAData},
		UserAgent:       "onramp",
		// client-go's default of 5 calls a second would make onramp wait on itself.
		QPS:   50,
		Burst: 100,
	}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return &bearerTransport{src: src, next: rt}
	})

	return cfg
}

type tokenSource struct {
	cluster string
	presign *sts.PresignClient

	mu  sync.Mutex
	tok EKSToken
}

// renewBefore is how long before expiry a cached token is replaced.
const renewBefore = time.Minute

func (s *tokenSource) token(ctx context.Context) (Secret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if time.Until(s.tok.Expires) > renewBefore {
		return s.tok.Token, nil
	}
	tok, err := NewEKSToken(ctx, s.presign, s.cluster)
	if err != nil {
		return Secret{}, err
	}
	s.tok = tok

	return tok.Token, nil
}

type bearerTransport struct {
	src  *tokenSource
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := t.src.token(r.Context())
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+tok.Reveal())

	return t.next.RoundTrip(r)
}
