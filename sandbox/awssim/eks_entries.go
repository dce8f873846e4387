package awssim

import (
	"net/http"
	"slices"
)

// accessEntryJSON is EKS's AccessEntry.
type accessEntryJSON struct {
	ClusterName      string            `json:"clusterName"`
	PrincipalArn     string            `json:"principalArn"`
	KubernetesGroups []string          `json:"kubernetesGroups"`
	AccessEntryArn   string            `json:"accessEntryArn"`
	CreatedAt        epochTime         `json:"createdAt"`
	ModifiedAt       epochTime         `json:"modifiedAt"`
	Tags             map[string]string `json:"tags"`
	Username         string            `json:"username"`
	Type             string            `json:"type"`
}

// entryJSON returns an entry as EKS describes it.
func entryJSON(cluster string, e *AccessEntry) map[string]any {
	groups := e.Groups
	if groups == nil {
		groups = []string{}
	}

	return map[string]any{"accessEntry": accessEntryJSON{ClusterName: cluster,
		PrincipalArn: e.PrincipalARN, KubernetesGroups: groups, AccessEntryArn: e.ARN,
		CreatedAt: epochTime(e.CreatedAt), ModifiedAt: epochTime(e.ModifiedAt),
		Tags: map[string]string{}, Username: e.Username, Type: e.Type}}
}

// accessScopeJSON is EKS's AccessScope.
type accessScopeJSON struct {
	Type       string   `json:"type"`
	Namespaces []string `json:"namespaces"`
}

// associatedPolicyJSON is EKS's AssociatedAccessPolicy.
type associatedPolicyJSON struct {
	PolicyArn    string          `json:"policyArn"`
	AccessScope  accessScopeJSON `json:"accessScope"`
	AssociatedAt epochTime       `json:"associatedAt"`
	ModifiedAt   epochTime       `json:"modifiedAt"`
}

// policyJSON returns an association as EKS describes it.
func policyJSON(p AssociatedPolicy) associatedPolicyJSON {
	namespaces := p.Namespaces
	if namespaces == nil {
		namespaces = []string{}
	}

	return associatedPolicyJSON{PolicyArn: p.PolicyARN,
		AccessScope:  accessScopeJSON{Type: p.ScopeType, Namespaces: namespaces},
		AssociatedAt: epochTime(p.AssociatedAt), ModifiedAt: epochTime(p.ModifiedAt)}
}

// createAccessEntryInput is CreateAccessEntry's and UpdateAccessEntry's request.
type createAccessEntryInput struct {
	PrincipalArn     string   `json:"principalArn"`
	KubernetesGroups []string `json:"kubernetesGroups"`
	Username         string   `json:"username"`
	Type             string   `json:"type"`
}

// eksCreateAccessEntry serves CreateAccessEntry: only in API or API_AND_CONFIG_MAP mode, and
// only for a user or role that exists.
func (s *Sim) eksCreateAccessEntry(c *call) (any, error) {
	var in createAccessEntryInput
	if err := decodeJSON(c.body, &in); err != nil {
		return nil, err
	}

	cl, err := s.clusterCall(c)
	if err != nil {
		return nil, err
	}

	if err := s.checkEntryPrincipal(cl, in.PrincipalArn); err != nil {
		return nil, err
	}

	e := AccessEntry{PrincipalARN: in.PrincipalArn, Username: in.Username, Type: in.Type,
		Groups: in.KubernetesGroups}
	if err := s.addEntry(cl, e); err != nil {
		return nil, err
	}

	return entryJSON(cl.Name, cl.Entries[in.PrincipalArn]), nil
}

// checkEntryPrincipal refuses an entry for a principal of this account that does not exist.
func (s *Sim) checkEntryPrincipal(cl *cluster, principal string) error {
	if err := checkEntryAllowed(cl); err != nil {
		return err
	}

	if principalPattern.MatchString(principal) && !s.principalExists(principal) {
		return invalidParameter("The specified principalArn is invalid: invalid principal")
	}

	return nil
}

// eksListAccessEntries serves ListAccessEntries, optionally only the entries associated with
// one access policy.
func (s *Sim) eksListAccessEntries(c *call) (any, error) {
	cl, err := s.clusterCall(c)
	if err != nil {
		return nil, err
	}

	filter := c.r.URL.Query().Get("associatedPolicyArn")
	var list []string
	for _, arn := range sortedKeys(cl.Entries) {
		if filter == "" || hasPolicy(cl.Entries[arn], filter) {
			list = append(list, arn)
		}
	}

	page, next, err := s.restPage(c, list, 100)
	if err != nil {
		return nil, err
	}

	return struct {
		AccessEntries []string `json:"accessEntries"`
		NextToken     *string  `json:"nextToken,omitempty"`
	}{page, next}, nil
}

// hasPolicy reports whether an entry is associated with an access policy.
func hasPolicy(e *AccessEntry, policyARN string) bool {
	return slices.ContainsFunc(e.Policies, func(p AssociatedPolicy) bool {
		return p.PolicyARN == policyARN
	})
}

// entryCall authorizes "eks:" + the operation on the call's access entry and returns it
// with its cluster.
func (s *Sim) entryCall(c *call) (*cluster, *AccessEntry, error) {
	name, principal := c.params["name"], c.params["principal"]
	resource := s.clusterARN(name)
	if cl, ok := s.st.Clusters[name]; ok && cl.Entries[principal] != nil {
		resource = cl.Entries[principal].ARN
	}

	if err := s.authorize(c, "eks:"+c.op, resource); err != nil {
		return nil, nil, err
	}

	cl, err := s.getCluster(name)
	if err != nil {
		return nil, nil, err
	}

	e, ok := cl.Entries[principal]
	if !ok {
		return nil, nil, apiErr(http.StatusNotFound, "ResourceNotFoundException",
			"The specified principalArn could not be found. You can view your available "+
				"access entries with 'list-access-entries'.").with("clusterName", name)
	}

	return cl, e, nil
}

// eksDescribeAccessEntry serves DescribeAccessEntry.
func (s *Sim) eksDescribeAccessEntry(c *call) (any, error) {
	cl, e, err := s.entryCall(c)
	if err != nil {
		return nil, err
	}

	return entryJSON(cl.Name, e), nil
}

// eksUpdateAccessEntry serves UpdateAccessEntry: new groups and user name.
func (s *Sim) eksUpdateAccessEntry(c *call) (any, error) {
	var in createAccessEntryInput
	if err := decodeJSON(c.body, &in); err != nil {
		return nil, err
	}

	cl, e, err := s.entryCall(c)
	if err != nil {
		return nil, err
	}

	if err := checkGroups(in.KubernetesGroups); err != nil {
		return nil, err
	}

	if in.KubernetesGroups != nil {
		e.Groups = in.KubernetesGroups
	}

	e.Username = cmpOr(in.Username, e.Username)
	e.ModifiedAt = s.now()

	return entryJSON(cl.Name, e), nil
}

// eksDeleteAccessEntry serves DeleteAccessEntry.
func (s *Sim) eksDeleteAccessEntry(c *call) (any, error) {
	cl, e, err := s.entryCall(c)
	if err != nil {
		return nil, err
	}

	delete(cl.Entries, e.PrincipalARN)

	return nil, nil
}

// associateInput is AssociateAccessPolicy's request.
type associateInput struct {
	PolicyArn   string          `json:"policyArn"`
	AccessScope accessScopeJSON `json:"accessScope"`
}

// eksAssociateAccessPolicy serves AssociateAccessPolicy; associating a policy again replaces
// its scope.
func (s *Sim) eksAssociateAccessPolicy(c *call) (any, error) {
	var in associateInput
	if err := decodeJSON(c.body, &in); err != nil {
		return nil, err
	}

	cl, e, err := s.entryCall(c)
	if err != nil {
		return nil, err
	}

	p, err := s.associate(e, AssociatedPolicy{PolicyARN: in.PolicyArn,
		ScopeType: in.AccessScope.Type, Namespaces: in.AccessScope.Namespaces})
	if err != nil {
		return nil, err
	}

	return map[string]any{"clusterName": cl.Name, "principalArn": e.PrincipalARN,
		"associatedAccessPolicy": policyJSON(p)}, nil
}

// eksListAssociatedAccessPolicies serves ListAssociatedAccessPolicies.
func (s *Sim) eksListAssociatedAccessPolicies(c *call) (any, error) {
	cl, e, err := s.entryCall(c)
	if err != nil {
		return nil, err
	}

	list := []associatedPolicyJSON{}
	for _, p := range e.Policies {
		list = append(list, policyJSON(p))
	}

	return map[string]any{"clusterName": cl.Name, "principalArn": e.PrincipalARN,
		"associatedAccessPolicies": list}, nil
}

// eksDisassociateAccessPolicy serves DisassociateAccessPolicy.
func (s *Sim) eksDisassociateAccessPolicy(c *call) (any, error) {
	cl, e, err := s.entryCall(c)
	if err != nil {
		return nil, err
	}

	arn := c.params["policy"]
	i := slices.IndexFunc(e.Policies, func(p AssociatedPolicy) bool { return p.PolicyARN == arn })
	if i < 0 {
		return nil, apiErr(http.StatusNotFound, "ResourceNotFoundException",
			"The specified policyArn %s is not associated with the access entry.", arn).
			with("clusterName", cl.Name)
	}

	e.Policies = slices.Delete(e.Policies, i, i+1)

	return nil, nil
}

// accessPolicyJSON is EKS's AccessPolicy.
type accessPolicyJSON struct {
	Name string `json:"name"`
	Arn  string `json:"arn"`
}

// eksListAccessPolicies serves ListAccessPolicies.
func (s *Sim) eksListAccessPolicies(c *call) (any, error) {
	if err := s.authorize(c, "eks:ListAccessPolicies", "*"); err != nil {
		return nil, err
	}

	list := make([]accessPolicyJSON, 0, len(accessPolicyNames))
	for _, name := range accessPolicyNames {
		list = append(list, accessPolicyJSON{Name: name, Arn: accessPolicyPrefix + name})
	}

	return map[string]any{"accessPolicies": list}, nil
}
