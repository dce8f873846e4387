package awssim

import (
	"fmt"
	"strings"

	"github.com/onramp-dev/onramp/sandbox/policy"
)

// managedPolicyPrefix starts the ARN of every AWS managed policy.
const managedPolicyPrefix = "arn:aws:iam::aws:policy/"

// Managed policy ARNs the procedure uses.
const (
	// AdministratorAccessARN is the AWS managed policy that allows everything.
	AdministratorAccessARN = managedPolicyPrefix + "AdministratorAccess"
	// ECRPowerUserARN is the AWS managed policy AmazonEC2ContainerRegistryPowerUser.
	ECRPowerUserARN = managedPolicyPrefix + "AmazonEC2ContainerRegistryPowerUser"
	// IAMReadOnlyAccessARN is the AWS managed policy IAMReadOnlyAccess.
	IAMReadOnlyAccessARN = managedPolicyPrefix + "IAMReadOnlyAccess"
)

// managedDocuments are the AWS managed policies the Sim knows, by ARN, as AWS publishes them.
//
// TODO: customer managed policies (CreatePolicy) are not simulated, so only these can be
// attached; the procedure uses inline policies for everything of its own.
var managedDocuments = map[string]string{
	AdministratorAccessARN: `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
}`,
	ECRPowerUserARN: `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": [
      "ecr:GetAuthorizationToken",
      "ecr:BatchCheckLayerAvailability",
      "ecr:GetDownloadUrlForLayer",
      "ecr:GetRepositoryPolicy",
      "ecr:DescribeRepositories",
      "ecr:ListImages",
      "ecr:DescribeImages",
      "ecr:BatchGetImage",
      "ecr:GetLifecyclePolicy",
      "ecr:GetLifecyclePolicyPreview",
      "ecr:ListTagsForResource",
      "ecr:DescribeImageScanFindings",
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage"
    ],
    "Resource": "*"
  }]
}`,
	IAMReadOnlyAccessARN: `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails",
      "iam:Get*", "iam:List*", "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy"],
    "Resource": "*"
  }]
}`,
}

// managed holds the parsed managed policies, by ARN.
var managed = parseManaged()

// parseManaged parses managedDocuments; a document that does not parse is a bug in the Sim.
func parseManaged() map[string]*policy.Document {
	docs := map[string]*policy.Document{}
	for arn, text := range managedDocuments {
		doc, err := policy.Parse([]byte(text))
		if err != nil {
			panic(fmt.Sprintf("parsing managed policy %s: %v", arn, err))
		}

		docs[arn] = doc
	}

	return docs
}

// managedName returns the policy name of a managed policy ARN.
func managedName(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}
