package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/onramp-dev/onramp/actions"
)

func newAccessCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "access",
		Short: "Show who may reach the cluster: aws-auth mappings and EKS access entries",
		Long: "access reads the cluster's aws-auth ConfigMap and its EKS access entries and " +
			"shows every mapping in one table, with problems flagged.",
		Example: "  onramp access --cluster prod\n  onramp access list --output json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScreen(cmd, g, "access", printAccess)
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "Print the cluster's mappings without a screen",
		Example: "  onramp access list --cluster prod\n" +
			"  onramp access list --sandbox --cluster iris-prod --output yaml",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := newClients(ctx, g)
			if err != nil {
				return err
			}
			defer c.close()

			return printAccess(g.plainContext(ctx, cmd), cmd, g, c)
		},
	})

	return cmd
}

func printAccess(ctx context.Context, cmd *cobra.Command, g *globals, c *clients) error {
	cluster, err := pickCluster(ctx, g, c)
	if err != nil {
		return err
	}

	acc, err := c.readAccess(ctx, cluster)
	if err != nil {
		return err
	}

	return printOutput(cmd.OutOrStdout(), g.output, acc, func() string { return accessTable(acc) })
}

// pickCluster returns --cluster, or the region's first cluster.
func pickCluster(ctx context.Context, g *globals, c *clients) (string, error) {
	if g.cluster != "" {
		return g.cluster, nil
	}
	names, err := actions.ListClusterNames(ctx, c.eks)
	if err != nil {
		return "", err
	}

	return names[0], nil
}

func accessTable(acc actions.Access) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# cluster %s, authentication mode %s\n", acc.Cluster, acc.AuthMode)
	b.WriteString("SOURCE\tARN\tUSERNAME\tGROUPS / POLICIES\tPROBLEMS\n")
	for _, m := range acc.Mappings {
		grants := strings.Join(append(append([]string{}, m.Groups...), m.Policies...), ", ")
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", m.Source, m.ARN, dash(m.Username), dash(grants),
			dash(strings.Join(m.Problems, "; ")))
	}

	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}

	return s
}
