package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-github/v50/github"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/onramp-dev/onramp/actions"
	"github.com/onramp-dev/onramp/sandbox"
	"github.com/onramp-dev/onramp/tui"
)

// clients are the service clients every command shares, built once from the flags and the
// usual sources: the AWS default credential chain, kubeconfig or eks:DescribeCluster, and the
// GitHub token from the environment or the gh CLI.
type clients struct {
	g       *globals
	region  string
	sts     *sts.Client
	presign *sts.PresignClient
	eks     *eks.Client

	// github and repo are found on first use, since most commands need neither.
	github func() (*github.Client, error)
	repo   func() (string, error)

	sandbox *sandbox.Sandbox
}

// newClients builds the clients. With --sandbox it first starts the simulated world, which
// lives until ctx ends.
func newClients(ctx context.Context, g *globals) (*clients, error) {
	if !g.sandbox {
		return clientsFor(ctx, g, nil)
	}

	sb, err := sandbox.Start(ctx, g.sb.options())
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox: %w", err)
	}

	return clientsFor(ctx, g, sb)
}

// clientsFor builds the clients for a running sandbox, or for the real services when sb is nil.
func clientsFor(ctx context.Context, g *globals, sb *sandbox.Sandbox) (*clients, error) {
	c := &clients{g: g, sandbox: sb}
	cfg, err := c.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	c.region = cfg.Region
	c.sts = sts.NewFromConfig(cfg)
	c.presign = actions.NewPresignClient(cfg)
	c.eks = eks.NewFromConfig(cfg)
	c.github = sync.OnceValues(func() (*github.Client, error) { return c.githubClient(ctx) })
	c.repo = sync.OnceValues(func() (string, error) { return c.repoName(ctx) })

	return c, nil
}

// close saves the sandbox's world when --sandbox-state asks and stops it.
func (c *clients) close() error {
	if c.sandbox == nil {
		return nil
	}

	return c.sandbox.Close()
}

func (c *clients) awsConfig(ctx context.Context) (aws.Config, error) {
	if c.sandbox != nil {
		cfg := c.sandbox.Env().AWSConfig()
		cfg.APIOptions = append(cfg.APIOptions, actions.AWSEvents)
		cfg.Logger = sdkLogger
		return cfg, nil
	}

	opts := []func(*config.LoadOptions) error{
		config.WithAPIOptions([]func(*middleware.Stack) error{actions.AWSEvents}),
	}
	if c.g.region != "" {
		opts = append(opts, config.WithRegion(c.g.region))
	}
	if c.g.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.g.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	cfg.Logger = sdkLogger

	return cfg, nil
}

// sdkLogger sends the AWS SDK's log lines to the standard logger, which setupDebugLog points
// at the debug log while the screens run.
var sdkLogger = logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
	log.Printf("aws sdk %s: "+format, append([]any{c}, v...)...)
})

func (c *clients) githubClient(ctx context.Context) (*github.Client, error) {
	getenv := os.Getenv
	baseURL := os.Getenv("GITHUB_API_URL")
	if c.sandbox != nil {
		env := c.sandbox.Env()
		getenv = func(k string) string { return map[string]string{"GH_TOKEN": env.GitHubToken}[k] }
		baseURL = env.GitHubURL
	}

	token, _, err := actions.FindGitHubToken(ctx, getenv)
	if err != nil {
		return nil, err
	}

	hc := &http.Client{Transport: &tokenTransport{token: token,
		next: actions.EventTransport("GitHub", http.DefaultTransport)}}
	gh := github.NewClient(hc)
	if baseURL != "" {
		u, err := url.Parse(strings.TrimSuffix(baseURL, "/") + "/")
		if err != nil {
			return nil, fmt.Errorf("GITHUB_API_URL %q is not a URL: %w", baseURL, err)
		}
		gh.BaseURL = u
	}

	return gh, nil
}

func (c *clients) repoName(ctx context.Context) (string, error) {
	if c.g.repo != "" {
		owner, name, err := actions.ParseRepo(c.g.repo)
		return owner + "/" + name, err
	}
	if c.sandbox != nil {
		return c.sandbox.Env().Repo, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the current folder: %w", err)
	}

	return actions.RepoFromGit(ctx, wd)
}

// kube returns a Kubernetes client for the cluster: through kubeconfig when --kubeconfig or
// --context is given, otherwise straight from the cluster's DescribeCluster answer.
func (c *clients) kube(cl actions.Cluster) (kubernetes.Interface, error) {
	cfg, err := c.restConfig(cl)
	if err != nil {
		return nil, err
	}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return actions.EventTransport("kubernetes", rt)
	})

	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("making a Kubernetes client for %s: %w", cl.Name, err)
	}

	return cs, nil
}

func (c *clients) restConfig(cl actions.Cluster) (*rest.Config, error) {
	if c.g.kubeconfig == "" && c.g.kubeCtx == "" {
		return actions.EKSRestConfig(cl, c.presign), nil
	}

	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = c.g.kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: c.g.kubeCtx}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).
		ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}

	return cfg, nil
}

// deps are the live lookups the screens and plain commands make.
func (c *clients) deps() tui.Deps {
	return tui.Deps{
		Identity: func(ctx context.Context) (actions.Identity, error) {
			return actions.LookupIdentity(ctx, c.sts, c.region)
		},
		Clusters: func(ctx context.Context) ([]actions.Cluster, error) {
			return actions.ListClusters(ctx, c.eks, c.g.cluster)
		},
		Repo:   c.lookupRepo,
		Access: c.readAccess,
	}
}

func (c *clients) lookupRepo(ctx context.Context) (actions.Repo, error) {
	repo, err := c.repo()
	if err != nil {
		return actions.Repo{}, err
	}
	gh, err := c.github()
	if err != nil {
		return actions.Repo{}, err
	}
	owner, name, _ := actions.ParseRepo(repo)

	return actions.LookupRepo(ctx, gh, owner, name)
}

func (c *clients) readAccess(ctx context.Context, cluster string) (actions.Access, error) {
	if err := actions.ValidateClusterName(cluster); err != nil {
		return actions.Access{}, err
	}
	cl, err := actions.DescribeCluster(ctx, c.eks, cluster)
	if err != nil {
		return actions.Access{}, err
	}

	kc, err := c.kube(cl)
	if err != nil {
		return actions.Access{}, err
	}

	return actions.ReadAccess(ctx, kc.CoreV1(), c.eks, cl)
}

// tokenTransport adds the GitHub token to each request.
type tokenTransport struct {
	token actions.Secret
	next  http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.token.Reveal())

	return t.next.RoundTrip(r)
}
