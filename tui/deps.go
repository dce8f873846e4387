package tui

import (
	"context"

	"github.com/onramp-dev/onramp/actions"
)

// Deps are the live lookups the screens make. main.go fills them from actions with real
// clients; tests fill them the same way against the sandbox, or with small functions where an
// Update test needs one odd answer. A nil function means the lookup is not available.
type Deps struct {
	// Identity looks up the caller (sts:GetCallerIdentity) and the region.
	Identity func(ctx context.Context) (actions.Identity, error)
	// Clusters lists and describes the region's EKS clusters. The one named by --cluster, if
	// any, comes first.
	Clusters func(ctx context.Context) ([]actions.Cluster, error)
	// Repo looks up the GitHub repository and the token's permission on it.
	Repo func(ctx context.Context) (actions.Repo, error)
	// Access reads aws-auth and the access entries of the named cluster.
	Access func(ctx context.Context, cluster string) (actions.Access, error)
}
