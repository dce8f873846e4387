package actions

import "time"

// Identity is who the AWS credentials belong to, as sts:GetCallerIdentity reports it.
type Identity struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"userId"`
	Region  string `json:"region"`
}

// Cluster is what eks:DescribeCluster reports of one EKS cluster.
type Cluster struct {
	Name     string `json:"name"`
	ARN      string `json:"arn"`
	Version  string `json:"version"`
	Endpoint string `json:"endpoint"`
	Status   string `json:"status"`
	// AuthMode is the cluster's authentication mode: CONFIG_MAP, API or API_AND_CONFIG_MAP.
	AuthMode string `json:"authenticationMode"`
	// CAData is the cluster's certificate authority, PEM encoded.
	CAData []byte `json:"-"`
}

// Repo is the GitHub repository the workflows live in, and what the token may do there.
type Repo struct {
	Owner         string `json:"owner"`
	Name          string `json:"name"`
	DefaultBranch string `json:"defaultBranch"`
	Private       bool   `json:"private"`
	// Permission is the token's highest permission on the repository: admin, maintain, write,
	// triage, read or none.
	Permission string `json:"permission"`
	// Login is the user the token belongs to.
	Login string `json:"login"`
}

// FullName returns OWNER/NAME.
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// Mapping sources, as shown in the Source column of the access view.
const (
	SourceMapRoles    = "mapRoles"
	SourceMapUsers    = "mapUsers"
	SourceMapAccounts = "mapAccounts"
	SourceAccessEntry = "access entry"
)

// Mapping is one way an AWS identity reaches the cluster: an entry of the aws-auth ConfigMap or
// an EKS access entry.
type Mapping struct {
	Source   string   `json:"source"`
	ARN      string   `json:"arn"`
	Username string   `json:"username,omitempty"`
	Groups   []string `json:"groups,omitempty"`
	// Policies are the access policies associated with an access entry, each with its scope.
	Policies []string `json:"policies,omitempty"`
	// Type is an access entry's type (STANDARD, EC2_LINUX…); empty for aws-auth entries.
	Type string `json:"type,omitempty"`
	// Problems are what is wrong with the mapping, in words an operator can act on.
	Problems []string `json:"problems,omitempty"`
}

// Access is everything that maps AWS identities into one cluster.
type Access struct {
	Cluster  string    `json:"cluster"`
	AuthMode string    `json:"authenticationMode"`
	Mappings []Mapping `json:"mappings"`
	// ResourceVersion is the aws-auth ConfigMap's version when it was read; empty if absent.
	ResourceVersion string    `json:"resourceVersion,omitempty"`
	ReadAt          time.Time `json:"readAt"`
}
