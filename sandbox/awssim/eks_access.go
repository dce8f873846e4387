package awssim

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// accessPolicyPrefix starts the ARN of every EKS access policy.
const accessPolicyPrefix = "arn:aws:eks::aws:cluster-access-policy/"

// EKS access policies the procedure uses.
const (
	// ClusterAdminPolicyARN is AmazonEKSClusterAdminPolicy, cluster-admin in Kubernetes terms.
	ClusterAdminPolicyARN = accessPolicyPrefix + "AmazonEKSClusterAdminPolicy"
	// AdminPolicyARN is AmazonEKSAdminPolicy, the admin ClusterRole.
	AdminPolicyARN = accessPolicyPrefix + "AmazonEKSAdminPolicy"
	// EditPolicyARN is AmazonEKSEditPolicy, the edit ClusterRole.
	EditPolicyARN = accessPolicyPrefix + "AmazonEKSEditPolicy"
	// ViewPolicyARN is AmazonEKSViewPolicy, the view ClusterRole.
	ViewPolicyARN = accessPolicyPrefix + "AmazonEKSViewPolicy"
)

// Access scope types.
const (
	// ScopeCluster applies an access policy to the whole cluster.
	ScopeCluster = "cluster"
	// ScopeNamespace applies an access policy to the listed namespaces.
	ScopeNamespace = "namespace"
)

// accessPolicyNames are the access policies EKS lists.
var accessPolicyNames = []string{
	"AmazonEKSAdminPolicy",
	"AmazonEKSAdminViewPolicy",
	"AmazonEKSAutoNodePolicy",
	"AmazonEKSBlockStoragePolicy",
	"AmazonEKSClusterAdminPolicy",
	"AmazonEKSComputePolicy",
	"AmazonEKSEditPolicy",
	"AmazonEKSLoadBalancingPolicy",
	"AmazonEKSNetworkingPolicy",
	"AmazonEKSViewPolicy",
	"AmazonEMRJobPolicy",
}

// entryTypes are the access entry types EKS accepts.
var entryTypes = []string{"STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX"}

// principalPattern is the form of a principal ARN an access entry may name.
var principalPattern = regexp.MustCompile(`^arn:aws:iam::\d{12}:(role|user)/[\x21-\x7E]+$`)

// AccessEntry is an EKS access entry. ARN and the times are set by the Sim.
type AccessEntry struct {
	PrincipalARN string
	// Username is the Kubernetes user name; for a role EKS defaults it to
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/{{SessionName}}, for a user to its ARN.
	Username string
	// Type is STANDARD unless the entry is for nodes.
	Type       string
	Groups     []string
	Policies   []AssociatedPolicy
	ARN        string
	CreatedAt  time.Time
	ModifiedAt time.Time
}

// AssociatedPolicy is an access policy associated with an access entry.
type AssociatedPolicy struct {
	PolicyARN string
	// ScopeType is "cluster" or "namespace".
	ScopeType    string
	Namespaces   []string
	AssociatedAt time.Time
	ModifiedAt   time.Time
}

// clone returns a deep copy.
func (e *AccessEntry) clone() AccessEntry {
	c := *e
	c.Groups = slices.Clone(e.Groups)
	c.Policies = slices.Clone(e.Policies)
	for i := range c.Policies {
		c.Policies[i].Namespaces = slices.Clone(c.Policies[i].Namespaces)
	}

	return c
}

// addEntry checks an access entry, fills in its defaults and adds it to the cluster.
func (s *Sim) addEntry(cl *cluster, e AccessEntry) error {
	if err := checkEntryAllowed(cl); err != nil {
		return err
	}

	if err := s.fillEntry(cl, &e); err != nil {
		return err
	}

	if _, ok := cl.Entries[e.PrincipalARN]; ok {
		return apiErr(http.StatusConflict, "ResourceInUseException",
			"The specified access entry resource is already in use on this cluster.")
	}

	for i := range e.Policies {
		if err := checkScope(e.Policies[i]); err != nil {
			return err
		}

		e.Policies[i].AssociatedAt, e.Policies[i].ModifiedAt = e.CreatedAt, e.CreatedAt
	}

	cl.Entries[e.PrincipalARN] = &e

	return nil
}

// checkEntryAllowed refuses access entries on a cluster that authenticates only through the
// aws-auth ConfigMap.
func checkEntryAllowed(cl *cluster) error {
	if cl.AuthMode == AuthModeConfigMap {
		return apiErr(http.StatusBadRequest, "InvalidRequestException",
			"The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] "+
				"to perform this operation.")
	}

	return nil
}

// fillEntry checks an entry's principal, type and groups and sets its defaults.
func (s *Sim) fillEntry(cl *cluster, e *AccessEntry) error {
	if !principalPattern.MatchString(e.PrincipalARN) {
		return invalidParameter("The specified principalArn is invalid: %s is not an IAM role "+
			"or user ARN.", e.PrincipalARN)
	}

	e.Type = cmpOr(e.Type, "STANDARD")
	if !slices.Contains(entryTypes, e.Type) {
		return invalidParameter("The specified type %s is invalid.", e.Type)
	}

	if err := checkGroups(e.Groups); err != nil {
		return err
	}

	e.Username = cmpOr(e.Username, s.defaultUsername(e.PrincipalARN))
	e.ARN = s.entryARN(cl, e.PrincipalARN)
	e.CreatedAt, e.ModifiedAt = s.now(), s.now()

	return nil
}

// checkGroups refuses Kubernetes groups EKS reserves, such as system:masters.
func checkGroups(groups []string) error {
	for _, g := range groups {
		if strings.HasPrefix(g, "system:") {
			return invalidParameter("The kubernetes group name %s is invalid, it cannot start "+
				"with system:", g)
		}
	}

	return nil
}

// defaultUsername is the Kubernetes user name EKS gives an entry created without one.
func (s *Sim) defaultUsername(principal string) string {
	if strings.Contains(principal, ":user/") {
		return principal
	}

	name := principal[strings.LastIndex(principal, "/")+1:]

	return s.assumedRoleARN(name, "{{SessionName}}")
}

// checkScope checks an access policy association.
func checkScope(p AssociatedPolicy) error {
	name, ok := strings.CutPrefix(p.PolicyARN, accessPolicyPrefix)
	if !ok || !slices.Contains(accessPolicyNames, name) {
		return invalidParameter("The specified policyArn %s is invalid.", p.PolicyARN)
	}

	switch {
	case p.ScopeType == ScopeCluster && len(p.Namespaces) > 0:
		return invalidParameter("Namespaces are not allowed with the cluster access scope.")
	case p.ScopeType == ScopeNamespace && len(p.Namespaces) == 0:
		return invalidParameter("The namespace access scope needs at least one namespace.")
	case p.ScopeType != ScopeCluster && p.ScopeType != ScopeNamespace:
		return invalidParameter("The access scope type %s is invalid.", p.ScopeType)
	}

	return nil
}

// associate adds or replaces an access policy on an entry.
func (s *Sim) associate(e *AccessEntry, p AssociatedPolicy) (AssociatedPolicy, error) {
	if err := checkScope(p); err != nil {
		return p, err
	}

	p.AssociatedAt, p.ModifiedAt = s.now(), s.now()
	i := slices.IndexFunc(e.Policies, func(old AssociatedPolicy) bool {
		return old.PolicyARN == p.PolicyARN
	})
	if i < 0 {
		e.Policies = append(e.Policies, p)

		return p, nil
	}

	p.AssociatedAt = e.Policies[i].AssociatedAt
	e.Policies[i] = p

	return p, nil
}

// AddAccessEntry adds an access entry to a cluster, with its access policies.
func (s *Sim) AddAccessEntry(cluster string, e AccessEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	cl, err := s.getCluster(cluster)
	if err == nil {
		err = s.addEntry(cl, e.clone())
	}

	if err != nil {
		return fmt.Errorf("adding the access entry of %s to %s: %w", e.PrincipalARN, cluster, err)
	}

	return nil
}

// AccessEntries returns a cluster's access entries, ordered by principal ARN.
func (s *Sim) AccessEntries(cluster string) []AccessEntry {
	s.mu.Lock()
	defer s.mu.Unlock()

	cl, ok := s.st.Clusters[cluster]
	if !ok {
		return nil
	}

	var list []AccessEntry
	for _, arn := range sortedKeys(cl.Entries) {
		list = append(list, cl.Entries[arn].clone())
	}

	return list
}
