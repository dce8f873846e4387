package actions

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// EKSClustersAPI is the part of the EKS client the cluster lookup uses.
type EKSClustersAPI interface {
	ListClusters(ctx context.Context, in *eks.ListClustersInput,
		opts ...func(*eks.Options)) (*eks.ListClustersOutput, error)
	DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput,
		opts ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
}

// describeWorkers bounds the DescribeCluster calls made at once.
const describeWorkers = 8

// ListClusters lists the region's EKS clusters and describes them concurrently. When want is
// not empty, that cluster comes first, and its absence is an ErrNoCluster error naming the
// clusters that do exist.
func ListClusters(ctx context.Context, c EKSClustersAPI, want string) ([]Cluster, error) {
	names, err := ListClusterNames(ctx, c)
	if err != nil {
		return nil, err
	}

	if err := checkWanted(names, want); err != nil {
		return nil, err
	}

	clusters, err := describeAll(ctx, c, names)
	if err != nil {
		return nil, err
	}

	slices.SortStableFunc(clusters, func(a, b Cluster) int {
		return boolRank(a.Name == want) - boolRank(b.Name == want)
	})

	return clusters, nil
}

func boolRank(first bool) int {
	if first {
		return 0
	}

	return 1
}

// ListClusterNames lists the names of the region's EKS clusters; none is an ErrNoCluster error.
func ListClusterNames(ctx context.Context, c EKSClustersAPI) ([]string, error) {
	var names []string
	p := eks.NewListClustersPaginator(c, &eks.ListClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing EKS clusters: %w", classifyAWS(err))
		}
		names = append(names, page.Clusters...)
	}
	if len(names) == 0 {
		return nil, &Hint{
			Err:  ErrNoCluster,
			What: "this region has no EKS cluster",
			Do:   "pass --region for the region the cluster is in, or create the cluster first",
		}
	}

	return names, nil
}

func checkWanted(names []string, want string) error {
	if want == "" || slices.Contains(names, want) {
		return nil
	}

	return &Hint{
		Err:  ErrNoCluster,
		What: fmt.Sprintf("no EKS cluster named %q in this region", want),
		Do:   "pass --cluster with one of: " + strings.Join(names, ", "),
	}
}

func describeAll(ctx context.Context, c EKSClustersAPI, names []string) ([]Cluster, error) {
	return mapBounded(names, describeWorkers, func(name string) (Cluster, error) {
		return DescribeCluster(ctx, c, name)
	})
}

// DescribeCluster describes one EKS cluster.
func DescribeCluster(ctx context.Context, c EKSClustersAPI, name string) (Cluster, error) {
	out, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if apiErrorCode(err) == "ResourceNotFoundException" {
		return Cluster{}, &Hint{
			Err:  fmt.Errorf("%w: %w", ErrNoCluster, err),
			What: fmt.Sprintf("no EKS cluster named %q in this region", name),
			Do:   "check --cluster and --region; `onramp` lists the region's clusters",
		}
	}
	if err != nil {
		return Cluster{}, fmt.Errorf("describing cluster %s: %w", name, classifyAWS(err))
	}

	return clusterFrom(out.Cluster)
}

// clusterFrom turns DescribeCluster's answer into a Cluster.
func clusterFrom(cl *ekstypes.Cluster) (Cluster, error) {
	name := aws.ToString(cl.Name)
	res := Cluster{
		Name:     name,
		ARN:      aws.ToString(cl.Arn),
		Version:  aws.ToString(cl.Version),
		Endpoint: aws.ToString(cl.Endpoint),
		Status:   string(cl.Status),
		AuthMode: "CONFIG_MAP",
	}
	if cl.AccessConfig != nil && cl.AccessConfig.AuthenticationMode != "" {
		res.AuthMode = string(cl.AccessConfig.AuthenticationMode)
	}
	if cl.CertificateAuthority != nil {
		ca, err := base64.StdEncoding.DecodeString(aws.ToString(cl.CertificateAuthority.Data))
		if err != nil {
			return Cluster{}, fmt.Errorf("decoding the CA of cluster %s: %w", name, err)
		}
		res.CAData = ca
	}

	return res, nil
}
