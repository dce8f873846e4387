package awssim

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// EKS authentication modes.
const (
	// AuthModeAPI authenticates through access entries only.
	AuthModeAPI = "API"
	// AuthModeAPIAndMap authenticates through access entries and the aws-auth ConfigMap.
	AuthModeAPIAndMap = "API_AND_CONFIG_MAP"
	// AuthModeConfigMap authenticates through the aws-auth ConfigMap only.
	AuthModeConfigMap = "CONFIG_MAP"
)

// Cluster is an EKS cluster as the seeding API describes it.
type Cluster struct {
	Name string
	// Version is the Kubernetes version, such as "1.31"; "1.31" when empty.
	Version string
	// AuthMode is API, API_AND_CONFIG_MAP or CONFIG_MAP; API_AND_CONFIG_MAP when empty.
	AuthMode string
	// Endpoint is the URL of the cluster's API server.
	Endpoint string
	// CAData is the PEM of the certificate authority that signed the API server's certificate.
	CAData []byte
	// CreatorARN is the IAM principal that created the cluster. Outside CONFIG_MAP mode it
	// gets an access entry with AmazonEKSClusterAdminPolicy, as EKS bootstraps it.
	CreatorARN string
}

// defaultVersion is the Kubernetes version of a cluster added without one.
const defaultVersion = "1.31"

// eksRoutes are EKS's operations.
//
// TODO: UpdateClusterConfig, which changes the authentication mode, is missing; the sandbox
// sets the mode when it adds the cluster.
var eksRoutes = []restRoute{
	{http.MethodGet, "/clusters", "ListClusters", (*Sim).eksListClusters},
	{http.MethodGet, "/clusters/{name}", "DescribeCluster", (*Sim).eksDescribeCluster},
	{http.MethodGet, "/access-policies", "ListAccessPolicies", (*Sim).eksListAccessPolicies},
	{http.MethodPost, "/clusters/{name}/access-entries", "CreateAccessEntry",
		(*Sim).eksCreateAccessEntry},
	{http.MethodGet, "/clusters/{name}/access-entries", "ListAccessEntries",
		(*Sim).eksListAccessEntries},
	{http.MethodGet, "/clusters/{name}/access-entries/{principal}", "DescribeAccessEntry",
		(*Sim).eksDescribeAccessEntry},
	{http.MethodPost, "/clusters/{name}/access-entries/{principal}", "UpdateAccessEntry",
		(*Sim).eksUpdateAccessEntry},
	{http.MethodDelete, "/clusters/{name}/access-entries/{principal}", "DeleteAccessEntry",
		(*Sim).eksDeleteAccessEntry},
	{http.MethodPost, "/clusters/{name}/access-entries/{principal}/access-policies",
		"AssociateAccessPolicy", (*Sim).eksAssociateAccessPolicy},
	{http.MethodGet, "/clusters/{name}/access-entries/{principal}/access-policies",
		"ListAssociatedAccessPolicies", (*Sim).eksListAssociatedAccessPolicies},
	{http.MethodDelete, "/clusters/{name}/access-entries/{principal}/access-policies/{policy}",
		"DisassociateAccessPolicy", (*Sim).eksDisassociateAccessPolicy},
}

// clusterARN is the ARN of a cluster.
func (s *Sim) clusterARN(name string) string {
	return "arn:aws:eks:" + s.opts.Region + ":" + s.opts.AccountID + ":cluster/" + name
}

// clusterNotFound is EKS's answer for a missing cluster.
func clusterNotFound(name string) *apiError {
	return apiErr(http.StatusNotFound, "ResourceNotFoundException",
		"No cluster found for name: %s.", name).with("clusterName", name)
}

// addCluster checks and adds a cluster, with the creator's access entry.
func (s *Sim) addCluster(c Cluster) error {
	if c.Name == "" {
		return fmt.Errorf("adding a cluster: %w", invalidParameter("cluster name is empty"))
	}

	if _, ok := s.st.Clusters[c.Name]; ok {
		return apiErr(http.StatusConflict, "ResourceInUseException",
			"Cluster already exists with name: %s", c.Name)
	}

	c.Version = cmpOr(c.Version, defaultVersion)
	c.AuthMode = cmpOr(c.AuthMode, AuthModeAPIAndMap)
	if !slices.Contains([]string{AuthModeAPI, AuthModeAPIAndMap, AuthModeConfigMap}, c.AuthMode) {
		return invalidParameter("Unsupported authentication mode %s", c.AuthMode)
	}

	cl := &cluster{Cluster: c, ARN: s.clusterARN(c.Name), Created: s.now(),
		Entries: map[string]*AccessEntry{}}
	s.st.Clusters[c.Name] = cl

	if c.CreatorARN != "" && c.AuthMode != AuthModeConfigMap {
		return s.bootstrapCreator(cl)
	}

	return nil
}

// bootstrapCreator gives the cluster's creator its admin access entry.
func (s *Sim) bootstrapCreator(cl *cluster) error {
	e := AccessEntry{PrincipalARN: cl.CreatorARN, Policies: []AssociatedPolicy{
		{PolicyARN: ClusterAdminPolicyARN, ScopeType: ScopeCluster}}}

	return s.addEntry(cl, e)
}

// cmpOr returns v, or def when v is empty.
func cmpOr(v, def string) string {
	if v == "" {
		return def
	}

	return v
}

// getCluster returns a cluster or EKS's ResourceNotFoundException.
func (s *Sim) getCluster(name string) (*cluster, error) {
	cl, ok := s.st.Clusters[name]
	if !ok {
		return nil, clusterNotFound(name)
	}

	return cl, nil
}

// clusterJSON is EKS's Cluster.
type clusterJSON struct {
	Name                 string            `json:"name"`
	Arn                  string            `json:"arn"`
	CreatedAt            epochTime         `json:"createdAt"`
	Version              string            `json:"version"`
	Endpoint             string            `json:"endpoint,omitempty"`
	Status               string            `json:"status"`
	PlatformVersion      string            `json:"platformVersion"`
	CertificateAuthority map[string]string `json:"certificateAuthority"`
	AccessConfig         accessConfigJSON  `json:"accessConfig"`
	Tags                 map[string]string `json:"tags"`
}

// accessConfigJSON is EKS's AccessConfigResponse.
type accessConfigJSON struct {
	AuthenticationMode string `json:"authenticationMode"`
	Bootstrap          bool   `json:"bootstrapClusterCreatorAdminPermissions"`
}

// toJSON returns the cluster as EKS describes it.
func (cl *cluster) toJSON() clusterJSON {
	return clusterJSON{Name: cl.Name, Arn: cl.ARN, CreatedAt: epochTime(cl.Created),
		Version: cl.Version, Endpoint: cl.Endpoint, Status: "ACTIVE", PlatformVersion: "eks.1",
		CertificateAuthority: map[string]string{
			"data": base64.StdEncoding.EncodeToString(cl.CAData)},
		AccessConfig: accessConfigJSON{AuthenticationMode: cl.AuthMode,
			Bootstrap: cl.CreatorARN != ""},
		Tags: map[string]string{}}
}

// eksListClusters serves ListClusters.
func (s *Sim) eksListClusters(c *call) (any, error) {
	if err := s.authorize(c, "eks:ListClusters", "*"); err != nil {
		return nil, err
	}

	page, next, err := s.restPage(c, sortedKeys(s.st.Clusters), 100)
	if err != nil {
		return nil, err
	}

	return struct {
		Clusters  []string `json:"clusters"`
		NextToken *string  `json:"nextToken,omitempty"`
	}{page, next}, nil
}

// restPage pages a list by the call's nextToken and maxResults query parameters.
func (s *Sim) restPage(c *call, items []string, largest int) ([]string, *string, error) {
	q := c.r.URL.Query()
	size := 0
	if v := q.Get("maxResults"); v != "" {
		if _, err := fmt.Sscan(v, &size); err != nil || size < 1 || size > largest {
			return nil, nil, invalidParameter("maxResults must be between 1 and %d", largest)
		}
	}

	page, next, err := tokenPage(items, q.Get("nextToken"), size, largest)
	if page == nil {
		page = []string{}
	}

	return page, next, err
}

// clusterCall authorizes "eks:" + the operation on the call's cluster and returns it.
func (s *Sim) clusterCall(c *call) (*cluster, error) {
	name := c.params["name"]
	if err := s.authorize(c, "eks:"+c.op, s.clusterARN(name)); err != nil {
		return nil, err
	}

	return s.getCluster(name)
}

// eksDescribeCluster serves DescribeCluster.
func (s *Sim) eksDescribeCluster(c *call) (any, error) {
	cl, err := s.clusterCall(c)
	if err != nil {
		return nil, err
	}

	return map[string]any{"cluster": cl.toJSON()}, nil
}

// AddCluster adds an EKS cluster to the account.
func (s *Sim) AddCluster(c Cluster) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	if err := s.addCluster(c); err != nil {
		return fmt.Errorf("adding cluster %s: %w", c.Name, err)
	}

	return nil
}

// SetClusterEndpoint sets the API server URL and CA that DescribeCluster reports, once the
// simulated cluster listens.
func (s *Sim) SetClusterEndpoint(name, endpoint string, caPEM []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	cl, err := s.getCluster(name)
	if err != nil {
		return fmt.Errorf("setting the endpoint of cluster %s: %w", name, err)
	}

	cl.Endpoint, cl.CAData = endpoint, slices.Clone(caPEM)

	return nil
}

// Cluster returns a cluster's description.
func (s *Sim) Cluster(name string) (Cluster, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	cl, ok := s.st.Clusters[name]
	if !ok {
		return Cluster{}, false
	}

	c := cl.Cluster
	c.CAData = slices.Clone(c.CAData)

	return c, true
}

// entryARN is the ARN EKS gives an access entry.
func (s *Sim) entryARN(cl *cluster, principal string) string {
	kind, name := "role", principal[strings.LastIndex(principal, "/")+1:]
	if strings.Contains(principal, ":user/") {
		kind = "user"
	}

	return fmt.Sprintf("arn:aws:eks:%s:%s:access-entry/%s/%s/%s/%s/%s", s.opts.Region,
		s.opts.AccountID, cl.Name, kind, s.opts.AccountID, name, newRequestID())
}
