package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/onramp-dev/onramp/actions"
	"github.com/onramp-dev/onramp/sandbox"
	"github.com/onramp-dev/onramp/sandbox/fault"
)

// errSilent is returned when the error was already shown to the user.
var errSilent = errors.New("already reported")

// globals are the flags every command takes.
type globals struct {
	sandbox    bool
	profile    string
	region     string
	cluster    string
	kubeconfig string
	kubeCtx    string
	repo       string
	output     string
	verbose    bool

	sb sandboxFlags
}

// sandboxFlags set up the simulated world of --sandbox and `onramp sandbox`.
type sandboxFlags struct {
	keyDelay time.Duration
	faults   fault.Config
	fail     string
	state    string
}

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "onramp",
		Short: "Connect GitHub Actions to AWS: IAM, ECR, EKS access and GitHub secrets",
		Long: "onramp walks you through connecting a GitHub repository's Actions workflows to " +
			"AWS, shows who may reach an EKS cluster, and keeps the workflows' credentials " +
			"fresh.\n\nWith no command it opens the home screen. Add --sandbox to try " +
			"everything against a simulated AWS account, EKS cluster and GitHub repository.",
		Example: "  onramp --sandbox\n" +
			"  onramp --cluster prod --repo acme/iris\n" +
			"  onramp access list --sandbox --output json",
		SilenceUsage:  true,
		SilenceErrors: false,
		Args:          cobra.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return g.validate()
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHome(cmd, g)
		},
	}
	root.SetErrPrefix("onramp:")
	root.SilenceErrors = true
	addGlobalFlags(root, g)
	root.AddCommand(newAccessCmd(g), newSandboxCmd(g), newEKSTokenCmd(g), newVersionCmd())

	return root
}

func addGlobalFlags(root *cobra.Command, g *globals) {
	f := root.PersistentFlags()
	f.BoolVar(&g.sandbox, "sandbox", false,
		"run against a simulated AWS account, EKS cluster and GitHub repository started in-process")
	f.StringVar(&g.profile, "profile", "",
		"AWS profile (default: AWS_PROFILE or the default chain)")
	f.StringVar(&g.region, "region", "", "AWS region (default: AWS_REGION or the profile's)")
	f.StringVar(&g.cluster, "cluster", "", "EKS cluster name (default: the region's first)")
	f.StringVar(&g.kubeconfig, "kubeconfig", "",
		"reach the cluster through this kubeconfig instead of eks:DescribeCluster")
	f.StringVar(&g.kubeCtx, "context", "", "kubeconfig context to use (implies kubeconfig)")
	f.StringVar(&g.repo, "repo", "",
		"GitHub repository OWNER/NAME (default: the origin remote of the current checkout)")
	f.StringVarP(&g.output, "output", "o", "table", "output of plain commands: table, json or yaml")
	f.BoolVarP(&g.verbose, "verbose", "v", false,
		"plain commands: print each call to AWS, Kubernetes and GitHub on stderr as it happens")
	f.DurationVar(&g.sb.keyDelay, "sandbox-key-delay", 2*time.Second,
		"sandbox: how long new access keys and roles take to work")
	f.DurationVar(&g.sb.faults.Latency, "sandbox-latency", 0, "sandbox: latency added to each call")
	f.Float64Var(&g.sb.faults.ThrottleRate, "sandbox-throttle", 0,
		"sandbox: share of calls throttled, 0 to 1")
	f.Float64Var(&g.sb.faults.UnavailableRate, "sandbox-unavailable", 0,
		"sandbox: share of calls answered with a server error, 0 to 1")
	f.StringVar(&g.sb.fail, "sandbox-fail", "",
		"sandbox: fail one operation on its Nth call, as SERVICE:OPERATION[@N], "+
			"e.g. iam:CreateAccessKey@2")
	f.StringVar(&g.sb.state, "sandbox-state", "",
		"sandbox: keep the simulated world in this file between runs")

	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(
		[]string{"table", "json", "yaml"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("cluster", g.completeCluster)
}

// completeCluster offers the region's EKS clusters for --cluster.
func (g *globals) completeCluster(cmd *cobra.Command, _ []string, _ string) ([]string,
	cobra.ShellCompDirective) {
	c, err := newClients(cmd.Context(), g)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	defer c.close()

	names, err := actions.ListClusterNames(cmd.Context(), c.eks)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}

	return names, cobra.ShellCompDirectiveNoFileComp
}

// validate checks the flags before anything is called.
func (g *globals) validate() error {
	switch g.output {
	case "table", "json", "yaml":
	default:
		return fmt.Errorf("--output %q is not known: use table, json or yaml", g.output)
	}
	if r := g.sb.faults.ThrottleRate; r < 0 || r > 1 {
		return fmt.Errorf("--sandbox-throttle %v is out of range: give a share from 0 to 1", r)
	}
	if r := g.sb.faults.UnavailableRate; r < 0 || r > 1 {
		return fmt.Errorf("--sandbox-unavailable %v is out of range: give a share from 0 to 1", r)
	}
	if err := g.sb.parseFail(); err != nil {
		return err
	}
	if g.sb.keyDelay < 0 || g.sb.faults.Latency < 0 {
		return errors.New("sandbox durations cannot be negative")
	}
	if g.repo != "" {
		if _, _, err := actions.ParseRepo(g.repo); err != nil {
			return err
		}
	}
	if g.cluster != "" {
		return actions.ValidateClusterName(g.cluster)
	}

	return nil
}

// options are the sandbox's options as the flags set them.
func (sf *sandboxFlags) options() sandbox.Options {
	return sandbox.Options{KeyDelay: sf.keyDelay, Faults: sf.faults, StatePath: sf.state}
}

// parseFail reads --sandbox-fail SERVICE:OPERATION[@N] into the fault configuration.
func (sf *sandboxFlags) parseFail() error {
	if sf.fail == "" {
		return nil
	}
	op, nth, hasN := strings.Cut(sf.fail, "@")
	service, name, ok := strings.Cut(op, ":")
	if !ok || service == "" || name == "" {
		return fmt.Errorf("--sandbox-fail %q names no operation: give SERVICE:OPERATION[@N], "+
			"e.g. iam:CreateAccessKey@2", sf.fail)
	}

	sf.faults.FailOp, sf.faults.FailOnCall = op, 1
	if hasN {
		n, err := strconv.Atoi(nth)
		if err != nil || n < 1 {
			return fmt.Errorf("--sandbox-fail %q: the call after @ must be a number from 1, "+
				"e.g. iam:CreateAccessKey@2", sf.fail)
		}
		sf.faults.FailOnCall = n
	}

	return nil
}

// plainContext returns the context of a plain command: with --verbose, its calls are printed on
// stderr as they happen.
func (g *globals) plainContext(ctx context.Context, cmd *cobra.Command) context.Context {
	if !g.verbose {
		return ctx
	}

	return actions.WithReporter(ctx, actions.LineReporter(cmd.ErrOrStderr()))
}

// isTerminal reports whether onramp may draw screens and wait for keys.
func isTerminal() bool {
	return term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
}

// setupDebugLog points every logger onramp and its libraries use (the standard logger, which
// the AWS SDK's logger goes through too, client-go's klog and its server warnings) at the file
// ONRAMP_DEBUG names, or discards them, so nothing is printed while the screens run.
func setupDebugLog() (io.Closer, error) {
	var w io.WriteCloser = nopCloser{io.Discard}
	if path := os.Getenv("ONRAMP_DEBUG"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("opening the debug log ONRAMP_DEBUG names: %w", err)
		}
		w = f
	}

	log.SetOutput(w)
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	klog.LogToStderr(false)
	klog.SetOutput(w)
	rest.SetDefaultWarningHandler(rest.NewWarningWriter(w, rest.WarningWriterOptions{}))

	return w, nil
}

type nopCloser struct{ io.Writer }

// Close implements io.Closer.
func (nopCloser) Close() error { return nil }
