// Package sandbox is a simulated AWS account, EKS clusters and a GitHub repository, served on
// loopback so that onramp, its tests, its benchmarks and its demos reach them with the real
// clients. It is a test double at the wire level: requests are signed and checked, answers use
// each service's real protocol and error codes, and the clusters authenticate EKS tokens and
// map identities through access entries and aws-auth the way EKS does.
package sandbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/onramp-dev/onramp/sandbox/awssim"
	"github.com/onramp-dev/onramp/sandbox/fault"
	"github.com/onramp-dev/onramp/sandbox/githubsim"
	"github.com/onramp-dev/onramp/sandbox/kubesim"
)

// Options shape the simulated world.
type Options struct {
	// KeyDelay is how long new access keys and roles take to work. DefaultKeyDelay is what
	// people see; tests usually want 0.
	KeyDelay time.Duration
	// Faults are injected into every simulated service.
	Faults fault.Config
	// StatePath, when set, is a file the world is loaded from at start (if it exists) and saved
	// to at Close, so it persists between runs.
	StatePath string
	// GitHubRateLimit is the requests per user per hour the GitHub side allows; 0 means
	// GitHub's own 5,000.
	GitHubRateLimit int
	// Seed, when set, adds to the default world before the sandbox serves it; benchmarks use
	// it to build large worlds. It is not called when the world is loaded from StatePath.
	Seed func(sb *Sandbox) error
}

// DefaultKeyDelay is about how long AWS takes before a new access key or role works.
const DefaultKeyDelay = 2 * time.Second

// Cluster is one simulated EKS cluster and its Kubernetes API server.
type Cluster struct {
	Name  string
	URL   string
	CAPEM []byte
	Kube  *kubesim.Server
}

// Sandbox is a running simulated world. Its fields give tests direct access to each service's
// state.
type Sandbox struct {
	AWS      *awssim.Sim
	GitHub   *githubsim.Server
	Clusters map[string]*Cluster
	Faults   *fault.Injector

	env     Env
	opts    Options
	ca      *authority
	servers []*http.Server
	tempDir string
}

// Start builds the world and serves it on random loopback ports until Close or until ctx ends.
func Start(ctx context.Context, opts Options) (*Sandbox, error) {
	sb := &Sandbox{opts: opts, Faults: fault.New(opts.Faults), Clusters: map[string]*Cluster{}}
	if err := sb.start(ctx); err != nil {
		sb.Close()
		return nil, err
	}
	go func() {
		<-ctx.Done()
		sb.shutdown()
	}()

	return sb, nil
}

func (sb *Sandbox) start(ctx context.Context) error {
	ca, err := newAuthority("onramp-sandbox-ca")
	if err != nil {
		return err
	}
	sb.ca = ca

	sb.AWS = awssim.New(awssim.Options{AccountID: AccountID, Region: Region,
		KeyDelay: sb.opts.KeyDelay, Faults: sb.Faults})
	sb.GitHub = githubsim.New(githubsim.Options{Faults: sb.Faults,
		RateLimit: sb.opts.GitHubRateLimit})

	awsURL, err := sb.serve(sb.AWS, nil)
	if err != nil {
		return err
	}
	if err := sb.AWS.SetEndpoint(awsURL); err != nil {
		return err
	}
	ghURL, err := sb.serve(sb.GitHub, nil)
	if err != nil {
		return err
	}
	sb.env = Env{AWSEndpoint: awsURL, GitHubURL: ghURL + "/", Region: sb.AWS.Region()}

	if err := sb.buildWorld(ctx); err != nil {
		return err
	}

	return sb.writeKubeconfig()
}

// serve starts an HTTP server for h on a free loopback port, over TLS when cert is set, and
// returns its URL.
func (sb *Sandbox) serve(h http.Handler, cert *tls.Certificate) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listening on loopback: %w", err)
	}

	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert},
			MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
		scheme = "https"
	}
	sb.servers = append(sb.servers, srv)
	go func() { _ = srv.Serve(ln) }()

	return scheme + "://" + ln.Addr().String(), nil
}

// addCluster starts a Kubernetes API server for a cluster the AWS side knows, and points the
// cluster's endpoint at it.
func (sb *Sandbox) addCluster(name string) (*Cluster, error) {
	auth := &eksAuthenticator{sim: sb.AWS, cluster: name}
	kube := kubesim.New(kubesim.Options{Authenticator: auth, Grants: auth.grants,
		Faults: sb.Faults})
	auth.awsAuth = storeAWSAuth(kube)

	cert, err := sb.ca.serving()
	if err != nil {
		return nil, err
	}
	url, err := sb.serve(kube, &cert)
	if err != nil {
		return nil, err
	}
	if err := sb.AWS.SetClusterEndpoint(name, url, sb.ca.certPEM); err != nil {
		return nil, fmt.Errorf("pointing cluster %s at its API server: %w", name, err)
	}

	c := &Cluster{Name: name, URL: url, CAPEM: sb.ca.certPEM, Kube: kube}
	sb.Clusters[name] = c

	return c, nil
}

// Env is what a client needs to reach the sandbox.
func (sb *Sandbox) Env() Env { return sb.env }

// Close saves the world if Options.StatePath asks, stops the servers and removes the temporary
// files.
func (sb *Sandbox) Close() error {
	var err error
	if sb.opts.StatePath != "" && sb.AWS != nil {
		err = sb.save(sb.opts.StatePath)
	}
	sb.shutdown()

	return err
}

func (sb *Sandbox) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()

	for _, s := range sb.servers {
		if err := s.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			_ = s.Close()
		}
	}
	if sb.tempDir != "" {
		_ = os.RemoveAll(sb.tempDir)
	}
}
