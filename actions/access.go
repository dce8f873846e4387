package actions

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
)

// EKSAccessAPI is the part of the EKS client that reads access entries.
type EKSAccessAPI interface {
	ListAccessEntries(ctx context.Context, in *eks.ListAccessEntriesInput,
		opts ...func(*eks.Options)) (*eks.ListAccessEntriesOutput, error)
	DescribeAccessEntry(ctx context.Context, in *eks.DescribeAccessEntryInput,
		opts ...func(*eks.Options)) (*eks.DescribeAccessEntryOutput, error)
	ListAssociatedAccessPolicies(ctx context.Context, in *eks.ListAssociatedAccessPoliciesInput,
		opts ...func(*eks.Options)) (*eks.ListAssociatedAccessPoliciesOutput, error)
}

// Authentication modes of an EKS cluster.
const (
	ModeConfigMap       = "CONFIG_MAP"
	ModeAPI             = "API"
	ModeAPIAndConfigMap = "API_AND_CONFIG_MAP"
)

// entryWorkers bounds the access entries described at once.
const entryWorkers = 8

// ReadAccess reads everything that maps AWS identities into the cluster: the aws-auth
// ConfigMap and, where the authentication mode has them, the EKS access entries. The two
// reads run concurrently. Each mapping carries the problems found with it.
func ReadAccess(ctx context.Context, cms corev1client.ConfigMapsGetter, ec EKSAccessAPI,
	c Cluster) (Access, error) {
	acc := Access{Cluster: c.Name, AuthMode: c.AuthMode, ReadAt: time.Now()}

	var entries []Mapping
	var entriesErr error
	var wg sync.WaitGroup
	if c.AuthMode != ModeConfigMap {
		wg.Add(1)
		go func() {
			defer wg.Done()
			entries, entriesErr = ListAccessEntries(ctx, ec, c.Name)
		}()
	}

	auth, rv, authErr := ReadAWSAuth(ctx, cms)
	wg.Wait()
	if authErr != nil {
		return acc, authErr
	}
	if entriesErr != nil {
		return acc, entriesErr
	}

	acc.ResourceVersion = rv
	acc.Mappings = append(auth.Mappings(), entries...)
	flagProblems(acc.Mappings, c.AuthMode)

	return acc, nil
}

// ReadAWSAuth reads and parses the aws-auth ConfigMap and returns its resourceVersion. A
// missing ConfigMap is an empty configuration, not an error.
func ReadAWSAuth(ctx context.Context, cms corev1client.ConfigMapsGetter) (AuthConfig, string,
	error) {
	cm, err := cms.ConfigMaps(AWSAuthNamespace).Get(ctx, AWSAuthName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return AuthConfig{}, "", nil
	}
	if err != nil {
		return AuthConfig{}, "", fmt.Errorf("reading aws-auth: %w", classifyKube(err))
	}

	ac, err := ParseAWSAuth(cm)
	if err != nil {
		return AuthConfig{}, "", err
	}

	return ac, cm.ResourceVersion, nil
}

// ListAccessEntries lists the cluster's access entries, each described with its username,
// groups and associated access policies.
func ListAccessEntries(ctx context.Context, ec EKSAccessAPI, cluster string) ([]Mapping, error) {
	var arns []string
	p := eks.NewListAccessEntriesPaginator(ec, &eks.ListAccessEntriesInput{
		ClusterName: aws.String(cluster),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing access entries: %w", classifyAWS(err))
		}
		arns = append(arns, page.AccessEntries...)
	}

	return describeEntries(ctx, ec, cluster, arns)
}

func describeEntries(ctx context.Context, ec EKSAccessAPI, cluster string, arns []string) (
	[]Mapping, error) {
	return mapBounded(arns, entryWorkers, func(principal string) (Mapping, error) {
		return describeEntry(ctx, ec, cluster, principal)
	})
}

func describeEntry(ctx context.Context, ec EKSAccessAPI, cluster, principal string) (
	Mapping, error) {
	d, err := ec.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{
		ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal),
	})
	if err != nil {
		return Mapping{}, fmt.Errorf("describing access entry %s: %w", principal, classifyAWS(err))
	}

	policies, err := entryPolicies(ctx, ec, cluster, principal)
	if err != nil {
		return Mapping{}, err
	}

	e := d.AccessEntry

	return Mapping{
		Source:   SourceAccessEntry,
		ARN:      aws.ToString(e.PrincipalArn),
		Username: aws.ToString(e.Username),
		Groups:   e.KubernetesGroups,
		Type:     aws.ToString(e.Type),
		Policies: policies,
	}, nil
}

func entryPolicies(ctx context.Context, ec EKSAccessAPI, cluster, principal string) (
	[]string, error) {
	var out []string
	p := eks.NewListAssociatedAccessPoliciesPaginator(ec, &eks.ListAssociatedAccessPoliciesInput{
		ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing access policies of %s: %w", principal, classifyAWS(err))
		}
		for _, ap := range page.AssociatedAccessPolicies {
			out = append(out, describePolicy(aws.ToString(ap.PolicyArn), ap.AccessScope))
		}
	}

	return out, nil
}
