package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/onramp-dev/onramp/actions"
	"github.com/onramp-dev/onramp/sandbox"
	"github.com/onramp-dev/onramp/sandbox/awssim"
)

// bigWorld gives iris-prod n mappings: four in five in aws-auth's mapRoles and mapUsers, written
// through client-go as an operator would, and the rest as access entries.
func bigWorld(b *testing.B, n int) *sandbox.Sandbox {
	entries := n / 5
	seed := func(sb *sandbox.Sandbox) error {
		for i := range entries {
			err := sb.AWS.AddAccessEntry(sandbox.ProdCluster, awssim.AccessEntry{
				PrincipalARN: fmt.Sprintf("arn:aws:iam::111122223333:role/svc-%d", i),
				Type:         "STANDARD", Groups: []string{"services"},
				Policies: []awssim.AssociatedPolicy{{ScopeType: "namespace",
					PolicyARN:  "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
					Namespaces: []string{"flows"}}},
			})
			if err != nil {
				return err
			}
		}

		return nil
	}
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Seed: seed})
	if err != nil {
		b.Fatal(err)
	}

	var roles, users strings.Builder
	for i := range n - entries {
		if i%2 == 0 {
			fmt.Fprintf(&roles, "- rolearn: arn:aws:iam::111122223333:role/team-%d\n"+
				"  username: team-%d\n  groups: [developers]\n", i, i)
		} else {
			fmt.Fprintf(&users, "- userarn: arn:aws:iam::111122223333:user/dev-%d\n"+
				"  username: dev-%d\n  groups: [viewers]\n", i, i)
		}
	}
	setAWSAuth(b, sb, roles.String(), users.String())

	return sb
}

func setAWSAuth(b *testing.B, sb *sandbox.Sandbox, roles, users string) {
	ctx := context.Background()
	cfg := sb.Env().AWSConfig()
	cl, err := actions.DescribeCluster(ctx, eks.NewFromConfig(cfg), sandbox.ProdCluster)
	if err != nil {
		b.Fatal(err)
	}
	kc := kubernetes.NewForConfigOrDie(
		actions.EKSRestConfig(cl, sts.NewPresignClient(sts.NewFromConfig(cfg))))
	cms := kc.CoreV1().ConfigMaps(actions.AWSAuthNamespace)

	cm, err := cms.Get(ctx, actions.AWSAuthName, metav1.GetOptions{})
	if err != nil {
		b.Fatal(err)
	}
	cm.Data["mapRoles"] += roles
	cm.Data["mapUsers"] = users
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAccessList5000 measures `onramp access list` on a cluster with 5,000 mappings:
// 4,000 in aws-auth and 1,000 access entries, each described with its access policies.
func BenchmarkAccessList5000(b *testing.B) {
	sb := bigWorld(b, 5000)
	defer sb.Close()

	g := &globals{sandbox: true, cluster: sandbox.ProdCluster, output: "table"}
	c, err := clientsFor(context.Background(), g, sb)
	if err != nil {
		b.Fatal(err)
	}
	cmd := &cobra.Command{}
	cmd.SetOut(io.Discard)

	b.ResetTimer()
	for b.Loop() {
		if err := printAccess(context.Background(), cmd, g, c); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()

	acc, err := c.readAccess(context.Background(), sandbox.ProdCluster)
	// The default world adds three: the node role, and the entries of platform-admins and of
	// the cluster's creator.
	if err != nil || len(acc.Mappings) != 5003 {
		b.Fatalf("read %d mappings (%v), want 5,003", len(acc.Mappings), err)
	}
}
