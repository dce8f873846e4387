package sandbox

import (
	"context"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/onramp-dev/onramp/sandbox/awssim"
	"github.com/onramp-dev/onramp/sandbox/githubsim"
)

// The default world's names, which the README, the tapes and the tests rely on.
const (
	AccountID       = "111122223333"
	Region          = "us-east-1"
	AdminUser       = "sandbox-admin"
	UnmappedUser    = "sandbox-unmapped"
	NodeRole        = "iris-node-role"
	PlatformRole    = "platform-admins"
	DevCluster      = "iris-dev"
	ProdCluster     = "iris-prod"
	GitHubLogin     = "sandbox-dev"
	RepoOwner       = "acme"
	RepoName        = "iris"
	WorkflowPath    = ".github/workflows/deploy-flows.yml"
	adminPolicyARN  = "arn:aws:iam::aws:policy/AdministratorAccess"
	clusterAdminARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
)

const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
	`"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func accountTrust(account string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`
}

// buildWorld loads the world from StatePath when that file exists, and otherwise makes the
// default world and applies Options.Seed.
func (sb *Sandbox) buildWorld(ctx context.Context) error {
	if sb.opts.StatePath != "" {
		if _, err := os.Stat(sb.opts.StatePath); err == nil {
			return sb.load(sb.opts.StatePath)
		}
	}
	if err := sb.defaultWorld(ctx); err != nil {
		return fmt.Errorf("building the default world: %w", err)
	}
	if sb.opts.Seed != nil {
		return sb.opts.Seed(sb)
	}

	return nil
}

// defaultWorld makes an account with an admin caller and an unmapped user, two clusters and
// the repository acme/iris with its deploy workflow.
func (sb *Sandbox) defaultWorld(ctx context.Context) error {
	admin, err := sb.user(AdminUser, adminPolicyARN)
	if err != nil {
		return err
	}
	unmapped, err := sb.user(UnmappedUser, "")
	if err != nil {
		return err
	}
	sb.env.AccessKeyID, sb.env.SecretAccessKey = admin.AccessKeyID, admin.SecretAccessKey
	sb.env.Unmapped = unmapped

	if err := sb.roles(); err != nil {
		return err
	}
	if err := sb.clusters(ctx); err != nil {
		return err
	}

	return sb.repository()
}

func (sb *Sandbox) user(name, policyARN string) (awssim.Credentials, error) {
	if _, err := sb.AWS.CreateUser(name, "/"); err != nil {
		return awssim.Credentials{}, fmt.Errorf("creating user %s: %w", name, err)
	}
	if policyARN != "" {
		if err := sb.AWS.AttachUserPolicy(name, policyARN); err != nil {
			return awssim.Credentials{}, fmt.Errorf("attaching %s to %s: %w", policyARN, name, err)
		}
	}

	return sb.AWS.IssueReadyAccessKey(name)
}

func (sb *Sandbox) roles() error {
	if _, err := sb.AWS.CreateRole(NodeRole, "/", ec2Trust); err != nil {
		return fmt.Errorf("creating role %s: %w", NodeRole, err)
	}
	if _, err := sb.AWS.CreateRole(PlatformRole, "/", accountTrust(AccountID)); err != nil {
		return fmt.Errorf("creating role %s: %w", PlatformRole, err)
	}

	return nil
}

func (sb *Sandbox) clusters(ctx context.Context) error {
	adminARN := "arn:aws:iam::" + AccountID + ":user/" + AdminUser
	for _, c := range []awssim.Cluster{
		{Name: DevCluster, Version: "1.31", AuthMode: modeConfigMap, CreatorARN: adminARN},
		{Name: ProdCluster, Version: "1.32", AuthMode: modeAPIAndConfigMap, CreatorARN: adminARN},
	} {
		if err := sb.AWS.AddCluster(c); err != nil {
			return fmt.Errorf("adding cluster %s: %w", c.Name, err)
		}
		cl, err := sb.addCluster(c.Name)
		if err != nil {
			return err
		}
		if err := cl.Kube.Create(nodeAWSAuth()); err != nil {
			return fmt.Errorf("creating aws-auth in %s: %w", c.Name, err)
		}
	}

	return sb.AWS.AddAccessEntry(ProdCluster, awssim.AccessEntry{
		PrincipalARN: "arn:aws:iam::" + AccountID + ":role/" + PlatformRole,
		Type:         "STANDARD",
		Policies:     []awssim.AssociatedPolicy{{PolicyARN: clusterAdminARN, ScopeType: "cluster"}},
	})
}

// nodeAWSAuth is the aws-auth ConfigMap EKS managed node groups leave behind.
func nodeAWSAuth() *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "aws-auth", Namespace: "kube-system"},
		Data: map[string]string{
			"mapRoles": "- rolearn: arn:aws:iam::" + AccountID + ":role/" + NodeRole + "\n" +
				"  username: system:node:{{EC2PrivateDNSName}}\n" +
				"  groups:\n  - system:bootstrappers\n  - system:nodes\n",
		},
	}
}

func (sb *Sandbox) repository() error {
	token := randomToken("ghp_")
	sb.GitHub.AddUser(GitHubLogin, token)
	sb.env.GitHubToken = token
	sb.env.Repo = RepoOwner + "/" + RepoName

	err := sb.GitHub.AddRepo(githubsim.Repo{
		Owner: RepoOwner, Name: RepoName, DefaultBranch: "main", Private: true,
		Permissions: map[string]string{GitHubLogin: "admin"},
		Workflows: []githubsim.Workflow{
			{Path: WorkflowPath, Name: "deploy-flows", Content: deployWorkflow},
		},
		Environments: []string{"production"},
	})
	if err != nil {
		return fmt.Errorf("adding repository acme/iris: %w", err)
	}

	return nil
}

// deployWorkflow builds the flow image, takes the role with the stored keys, pushes to ECR and
// deploys the Prefect flows: the workflow onramp sets up access for.
const deployWorkflow = `name: deploy-flows
on:
  push:
    branches: [main]
  workflow_dispatch:
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Configure IAM credentials
        uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
          role-to-assume: ${{ secrets.AWS_ROLE_TO_ASSUME }}
          aws-region: us-east-1
      - name: Log in to Amazon ECR
        id: ecr
        uses: aws-actions/amazon-ecr-login@v2
      - name: Build and push the flow image
        run: |
          docker build -t "$REGISTRY/iris-flows:$GITHUB_SHA" .
          docker push "$REGISTRY/iris-flows:$GITHUB_SHA"
        env:
          REGISTRY: ${{ steps.ecr.outputs.registry }}
      - name: Deploy flows
        run: prefect deploy --all
        env:
          PREFECT_API_KEY: ${{ secrets.PREFECT_API_KEY }}
`
