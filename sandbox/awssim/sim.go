// Package awssim simulates one AWS account, its STS, IAM, ECR and EKS APIs, behind a single
// HTTP endpoint. The real aws-sdk-go-v2 clients reach it with only their BaseEndpoint changed:
// every request must carry a SigV4 signature from a key the Sim issued, every call is
// authorized against the caller's IAM policies, and every answer, errors included, uses the
// service's own protocol (awsQuery for IAM and STS, awsJson1_1 for ECR, restJson1 for EKS).
//
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// for the evaluation the Sim follows.
package awssim

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/onramp-dev/onramp/sandbox/fault"
)

// Options configures a Sim. The zero value is a usable account.
type Options struct {
	// AccountID is the account's 12-digit ID; "111122223333" when empty.
	AccountID string
	// Region is the region of ECR and EKS and of STS's answers; "us-east-1" when empty.
	Region string
	// KeyDelay is how long after creation a new access key authenticates and a new role can
	// be assumed, as IAM's eventual consistency makes it on AWS.
	KeyDelay time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Faults injects latency, throttling and failures; nil injects nothing.
	Faults *fault.Injector
}

// Sim is a simulated AWS account. It implements http.Handler and is safe for concurrent use.
type Sim struct {
	opts Options
	mu   sync.Mutex
	st   *state
	host string // the host:port the Sim is served at, once SetEndpoint has told it
}

// New returns an empty account with the given options.
func New(opts Options) *Sim {
	if opts.AccountID == "" {
		opts.AccountID = "111122223333"
	}

	if opts.Region == "" {
		opts.Region = "us-east-1"
	}

	if opts.Now == nil {
		opts.Now = time.Now
	}

	return &Sim{opts: opts, st: newState()}
}

// AccountID returns the account's ID.
func (s *Sim) AccountID() string {
	return s.opts.AccountID
}

// Region returns the account's region.
func (s *Sim) Region() string {
	return s.opts.Region
}

// now returns the Sim's clock, to the second as AWS reports times.
func (s *Sim) now() time.Time {
	return s.opts.Now().UTC().Truncate(time.Second)
}

// call is one authenticated request on its way to an operation.
type call struct {
	r      *http.Request
	body   []byte
	svc    *service
	op     string
	caller identity
	// form holds an awsQuery call's parameters.
	form url.Values
	// params holds a restJson1 call's path labels.
	params  map[string]string
	handler handler
}

// handler serves one operation with the state locked. It returns the answer to encode or an
// error, an *apiError for the answers AWS gives.
type handler func(s *Sim, c *call) (any, error)

// ServeHTTP implements http.Handler: it authenticates the request, routes it by the service
// it was signed for, applies faults and serves the operation.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("X-Amzn-Requestid", reqID)

	svc := serviceFor(r)
	c, err := s.prepare(r, svc)
	if err != nil {
		svc.writeError(w, reqID, asAPIError(err))

		return
	}

	if err := s.opts.Faults.Before(svc.name + ":" + c.op); err != nil {
		svc.writeError(w, reqID, faultError(svc, err))

		return
	}

	out, err := s.serve(c)
	if err != nil {
		svc.writeError(w, reqID, asAPIError(err))

		return
	}

	svc.writeResult(w, reqID, c.op, out)
}

// prepare reads, authenticates and routes a request.
func (s *Sim) prepare(r *http.Request, svc *service) (*call, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, apiErr(http.StatusBadRequest, "SerializationException",
			"reading the request body: %v", err)
	}

	id, err := s.authenticate(r, body, svc)
	if err != nil {
		return nil, err
	}

	c := &call{r: r, body: body, svc: svc, caller: id}
	if err := svc.route(c); err != nil {
		return nil, err
	}

	return c, nil
}

// serve runs the routed operation with the state locked.
func (s *Sim) serve(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	return c.handler(s, c)
}

// serviceFor picks the service a request was signed for from its credential scope, falling
// back on the protocol its headers show so that even an unsigned request gets an answer its
// client can read.
func serviceFor(r *http.Request) *service {
	if svc, ok := services[claimedService(r)]; ok {
		return svc
	}

	switch {
	case strings.HasPrefix(r.Header.Get("X-Amz-Target"), ecrTargetPrefix):
		return services["ecr"]
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		return services["sts"]
	}

	return services["eks"]
}

// claimedService reads the service from the Authorization header's credential scope.
func claimedService(r *http.Request) string {
	_, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}

	credential, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(credential, "/")
	if len(parts) != 5 {
		return ""
	}

	return parts[3]
}
