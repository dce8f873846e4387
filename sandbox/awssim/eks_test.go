package awssim

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// caPEM stands for a cluster CA; the Sim only passes it through.
var caPEM = []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")

// cluster adds a cluster in the given authentication mode.
func (e *env) cluster(name, mode string) {
	e.t.Helper()

	err := e.sim.AddCluster(Cluster{Name: name, AuthMode: mode, Endpoint: "https://127.0.0.1:1",
		CAData: caPEM, CreatorARN: e.sim.iamARN("user/admin")})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestEKSDescribeCluster(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	e.cluster("prod", AuthModeAPIAndMap)
	c := e.eks(e.admin)

	out, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}

	cl := out.Cluster
	ca, _ := base64.StdEncoding.DecodeString(*cl.CertificateAuthority.Data)
	if string(ca) != string(caPEM) || cl.Status != types.ClusterStatusActive ||
		cl.AccessConfig.AuthenticationMode != types.AuthenticationModeApiAndConfigMap ||
		*cl.Arn != e.sim.clusterARN("prod") || *cl.Version != defaultVersion ||
		*cl.Endpoint != "https://127.0.0.1:1" || cl.CreatedAt.IsZero() {
		t.Fatalf("cluster = %+v", cl)
	}

	_, err = c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("nope")})
	checkCode(t, err, "ResourceNotFoundException", "No cluster found for name: nope.")

	list, err := c.ListClusters(ctx, &eks.ListClustersInput{})
	if err != nil || len(list.Clusters) != 1 || list.Clusters[0] != "prod" {
		t.Fatalf("clusters = %+v, %v", list, err)
	}
}

func TestEKSCreateAccessEntry(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	e.cluster("api", AuthModeAPI)
	e.cluster("legacy", AuthModeConfigMap)
	roleARN := e.role("deploy", "/ci/", trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole"))
	e.user("dev")
	c := e.eks(e.admin)

	tests := []struct {
		name      string
		cluster   string
		principal string
		groups    []string
		code      string
	}{
		{"role", "api", roleARN, []string{"deployers"}, ""},
		{"again", "api", roleARN, nil, "ResourceInUseException"},
		{"config map mode", "legacy", roleARN, nil, "InvalidRequestException"},
		{"missing cluster", "nope", roleARN, nil, "ResourceNotFoundException"},
		{"missing role", "api", e.sim.iamARN("role/ghost"), nil, "InvalidParameterException"},
		{"reserved group", "api", e.sim.iamARN("user/dev"), []string{"system:masters"},
			"InvalidParameterException"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{
				ClusterName: aws.String(tt.cluster), PrincipalArn: aws.String(tt.principal),
				KubernetesGroups: tt.groups})
			checkCode(t, err, tt.code, "")

			want := "arn:aws:sts::" + e.sim.AccountID() + ":assumed-role/deploy/{{SessionName}}"
			if err == nil &&
				(*out.AccessEntry.Username != want || *out.AccessEntry.Type != "STANDARD") {
				t.Fatalf("entry = %+v", out.AccessEntry)
			}
		})
	}
}

func TestEKSAccessPolicies(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	e.cluster("api", AuthModeAPI)
	roleARN := e.role("deploy", "", trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole"))
	c := e.eks(e.admin)
	entry := &eks.CreateAccessEntryInput{ClusterName: aws.String("api"),
		PrincipalArn: aws.String(roleARN)}
	if _, err := c.CreateAccessEntry(ctx, entry); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		policy string
		scope  types.AccessScope
		code   string
	}{
		{"namespace edit", EditPolicyARN, types.AccessScope{Type: types.AccessScopeTypeNamespace,
			Namespaces: []string{"prefect"}}, ""},
		{"cluster view", ViewPolicyARN, types.AccessScope{Type: types.AccessScopeTypeCluster}, ""},
		{"unknown policy", accessPolicyPrefix + "Nope",
			types.AccessScope{Type: types.AccessScopeTypeCluster}, "InvalidParameterException"},
		{"namespace without namespaces", EditPolicyARN,
			types.AccessScope{Type: types.AccessScopeTypeNamespace}, "InvalidParameterException"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{
				ClusterName: entry.ClusterName, PrincipalArn: entry.PrincipalArn,
				PolicyArn: aws.String(tt.policy), AccessScope: &tt.scope})
			checkCode(t, err, tt.code, "")

			if err == nil && *out.AssociatedAccessPolicy.PolicyArn != tt.policy {
				t.Fatalf("associated = %+v", out.AssociatedAccessPolicy)
			}
		})
	}

	checkAssociations(t, c, roleARN)
}

// checkAssociations checks the listings after TestEKSAccessPolicies' associations, then
// removes one and the entry.
func checkAssociations(t *testing.T, c *eks.Client, roleARN string) {
	t.Helper()

	ctx, cluster, principal := context.Background(), aws.String("api"), aws.String(roleARN)
	list, err := c.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{
		ClusterName: cluster, PrincipalArn: principal})
	if err != nil || len(list.AssociatedAccessPolicies) != 2 ||
		list.AssociatedAccessPolicies[0].AccessScope.Namespaces[0] != "prefect" {
		t.Fatalf("associations = %+v, %v", list, err)
	}

	filtered, err := c.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: cluster,
		AssociatedPolicyArn: aws.String(ViewPolicyARN)})
	if err != nil || len(filtered.AccessEntries) != 1 || filtered.AccessEntries[0] != roleARN {
		t.Fatalf("entries with the view policy = %+v, %v", filtered, err)
	}

	_, err = c.DisassociateAccessPolicy(ctx, &eks.DisassociateAccessPolicyInput{
		ClusterName: cluster, PrincipalArn: principal, PolicyArn: aws.String(ViewPolicyARN)})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: cluster,
		PrincipalArn: principal})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: cluster,
		PrincipalArn: principal})
	checkCode(t, err, "ResourceNotFoundException", "")
}

func TestEKSClusterCreatorGetsAnAdminEntry(t *testing.T) {
	tests := []struct {
		name    string
		mode    string
		entries int
	}{
		{"API", AuthModeAPI, 1},
		{"API and ConfigMap", AuthModeAPIAndMap, 1},
		{"ConfigMap", AuthModeConfigMap, 0},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.cluster("c", tt.mode)

			entries := e.sim.AccessEntries("c")
			if len(entries) != tt.entries {
				t.Fatalf("%d entries, want %d", len(entries), tt.entries)
			}

			if tt.entries > 0 && entries[0].Policies[0].PolicyARN != ClusterAdminPolicyARN {
				t.Fatalf("creator entry = %+v", entries[0])
			}
		})
	}
}

func TestEKSListAccessPolicies(t *testing.T) {
	e := newEnv(t, Options{})
	out, err := e.eks(e.admin).ListAccessPolicies(context.Background(),
		&eks.ListAccessPoliciesInput{})
	if err != nil {
		t.Fatal(err)
	}

	found := false
	for _, p := range out.AccessPolicies {
		admin := *p.Name == "AmazonEKSClusterAdminPolicy" && *p.Arn == ClusterAdminPolicyARN
		found = found || admin
	}

	if !found || len(out.AccessPolicies) != len(accessPolicyNames) {
		t.Fatalf("policies = %+v", out.AccessPolicies)
	}
}

func TestEKSAccessDenied(t *testing.T) {
	e := newEnv(t, Options{})
	e.cluster("prod", AuthModeAPI)
	nobody := e.user("nobody")

	_, err := e.eks(nobody).DescribeCluster(context.Background(),
		&eks.DescribeClusterInput{Name: aws.String("prod")})
	checkCode(t, err, "AccessDeniedException", "perform: eks:DescribeCluster on resource: "+
		e.sim.clusterARN("prod")+" because no identity-based policy allows")
}
