package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/onramp-dev/onramp/sandbox"
)

func newSandboxCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the simulated AWS account, EKS clusters and GitHub repository",
		Long: "sandbox serves the simulated world on loopback until interrupted and prints the " +
			"export lines with which the AWS CLI, kubectl, gh and a second onramp reach it.\n\n" +
			"The credentials it prints are the sandbox's own and work nowhere else.",
		Example: "  onramp sandbox                     # then paste its export lines elsewhere\n" +
			"  onramp sandbox --state world.json  # keep the world between runs\n" +
			"  onramp sandbox --sandbox-throttle 0.2 --sandbox-fail iam:CreateAccessKey@2",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			sb, err := sandbox.Start(ctx, g.sb.options())
			if err != nil {
				return fmt.Errorf("starting the sandbox: %w", err)
			}

			env := sb.Env()
			out := cmd.OutOrStdout()
			fmt.Fprint(out, env.ExportLines())
			fmt.Fprintf(out, "# An identity no cluster maps, to see a cluster refuse it (401):\n"+
				"#   AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s kubectl get pods\n",
				env.Unmapped.AccessKeyID, env.Unmapped.SecretAccessKey)
			fmt.Fprintln(out, "# Serving until interrupted (Ctrl-C).")

			<-ctx.Done()

			return sb.Close()
		},
	}
	cmd.Flags().StringVar(&g.sb.state, "state", "",
		"keep the simulated world in this file between runs (it holds the sandbox's keys)")

	return cmd
}
