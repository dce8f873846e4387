package main

import (
	"encoding/json"
	"errors"

	"github.com/spf13/cobra"

	"github.com/onramp-dev/onramp/actions"
)

func newEKSTokenCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "eks-token",
		Short: "Print an EKS token as an ExecCredential, for a kubeconfig's exec plugin",
		Long: "eks-token presigns sts:GetCallerIdentity for the cluster, as EKS expects, and " +
			"prints it as a client.authentication.k8s.io/v1beta1 ExecCredential, so a " +
			"kubeconfig can run onramp instead of the aws CLI.",
		Example: "  onramp eks-token --cluster prod\n\n" +
			"  # in a kubeconfig user:\n" +
			"  exec:\n" +
			"    apiVersion: client.authentication.k8s.io/v1beta1\n" +
			"    command: onramp\n" +
			"    args: [eks-token, --cluster, prod]",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if g.cluster == "" {
				return errors.New("eks-token needs --cluster NAME")
			}
			if g.sandbox {
				return errors.New("eks-token takes no --sandbox: it reaches a sandbox served by " +
					"`onramp sandbox` through the environment that command prints")
			}

			ctx := cmd.Context()
			c, err := newClients(ctx, g)
			if err != nil {
				return err
			}
			tok, err := actions.NewEKSToken(ctx, c.presign, g.cluster)
			if err != nil {
				return err
			}

			enc := json.NewEncoder(cmd.OutOrStdout())
			return enc.Encode(actions.ExecCredential(tok))
		},
	}
}
