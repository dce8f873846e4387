package sandbox

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/onramp-dev/onramp/sandbox/awssim"
	"github.com/onramp-dev/onramp/sandbox/kubesim"
)

// Authentication modes of a simulated cluster.
const (
	modeConfigMap       = "CONFIG_MAP"
	modeAPI             = "API"
	modeAPIAndConfigMap = "API_AND_CONFIG_MAP"
)

// clusterCreatorName is the username EKS gives the identity that created the cluster.
const clusterCreatorName = "kubernetes-admin"

// eksAuthenticator authenticates bearer tokens the way an EKS cluster does: it checks the
// presigned sts:GetCallerIdentity URL inside the token with the simulated STS, then maps the
// caller through the cluster creator, the access entries and the aws-auth ConfigMap.
type eksAuthenticator struct {
	sim     *awssim.Sim
	cluster string
	// awsAuth reads the cluster's aws-auth ConfigMap; nil and no error when it is absent.
	awsAuth func(ctx context.Context) (*corev1.ConfigMap, error)
}

// AuthenticateToken implements kubesim.Authenticator.
func (a *eksAuthenticator) AuthenticateToken(ctx context.Context, token string) (
	kubesim.User, error) {
	caller, err := a.sim.VerifyEKSToken(token, a.cluster)
	if err != nil {
		return kubesim.User{}, fmt.Errorf("%w: %w", kubesim.ErrUnauthenticated, err)
	}
	cl, ok := a.sim.Cluster(a.cluster)
	if !ok {
		return kubesim.User{}, fmt.Errorf("%w: cluster %s is gone", kubesim.ErrUnauthenticated,
			a.cluster)
	}

	u, err := a.mapCaller(ctx, cl, caller)
	if err != nil {
		return kubesim.User{}, err
	}
	u.UID = "aws-iam-authenticator:" + caller.Account + ":" + caller.UserID
	u.Groups = append(u.Groups, "system:authenticated")
	u.Extra = map[string][]string{
		"arn":          {caller.ARN},
		"canonicalArn": {caller.CanonicalARN},
		"sessionName":  {caller.SessionName},
		"accountId":    {caller.Account},
	}

	return u, nil
}

func (a *eksAuthenticator) mapCaller(ctx context.Context, cl awssim.Cluster,
	caller awssim.Caller) (kubesim.User, error) {
	// In CONFIG_MAP mode the creator is an administrator that no mapping shows; in the other
	// modes the creator holds an access entry like anyone else, and loses access with it.
	creator := cl.CreatorARN != "" && canonical(cl.CreatorARN) == caller.CanonicalARN
	if creator && cl.AuthMode == modeConfigMap {
		return kubesim.User{Name: clusterCreatorName, Groups: []string{"system:masters"}}, nil
	}

	if cl.AuthMode != modeConfigMap {
		if u, ok := a.fromAccessEntries(caller); ok {
			return u, nil
		}
	}

	if cl.AuthMode != modeAPI {
		u, ok, err := a.fromAWSAuth(ctx, caller)
		if err != nil || ok {
			return u, err
		}
	}

	return kubesim.User{}, fmt.Errorf("%w: %s is not mapped in cluster %s",
		kubesim.ErrUnauthenticated, caller.CanonicalARN, a.cluster)
}

func (a *eksAuthenticator) fromAccessEntries(caller awssim.Caller) (kubesim.User, bool) {
	for _, e := range a.sim.AccessEntries(a.cluster) {
		if canonical(e.PrincipalARN) != caller.CanonicalARN {
			continue
		}
		name := e.Username
		if name == "" {
			name = defaultEntryUsername(caller)
		}
		return kubesim.User{Name: expandUsername(name, caller), Groups: slices.Clone(e.Groups)},
			true
	}

	return kubesim.User{}, false
}

// accessPolicyRoles are the cluster roles whose permissions the EKS access policies carry.
var accessPolicyRoles = map[string]string{
	"AmazonEKSClusterAdminPolicy": "cluster-admin",
	"AmazonEKSAdminPolicy":        "admin",
	"AmazonEKSEditPolicy":         "edit",
	"AmazonEKSViewPolicy":         "view",
}

// grants returns the permissions the access policies of the user's access entry give, which
// EKS authorizes before the cluster's RBAC.
func (a *eksAuthenticator) grants(u kubesim.User) []kubesim.Grant {
	cl, ok := a.sim.Cluster(a.cluster)
	if !ok || cl.AuthMode == modeConfigMap || len(u.Extra["canonicalArn"]) == 0 {
		return nil
	}

	var out []kubesim.Grant
	for _, e := range a.sim.AccessEntries(a.cluster) {
		if canonical(e.PrincipalARN) != u.Extra["canonicalArn"][0] {
			continue
		}
		for _, p := range e.Policies {
			name := p.PolicyARN[strings.LastIndex(p.PolicyARN, "/")+1:]
			g := kubesim.Grant{Name: "EKS access policy " + name,
				ClusterRole: accessPolicyRoles[name]}
			if strings.EqualFold(p.ScopeType, "namespace") {
				g.Namespaces = p.Namespaces
			}
			out = append(out, g)
		}
	}

	return out
}

// defaultEntryUsername is the username EKS gives an access entry that names none.
func defaultEntryUsername(c awssim.Caller) string {
	if c.SessionName != "" {
		return strings.Replace(c.CanonicalARN, ":iam::", ":sts::", 1) + "/{{SessionName}}"
	}

	return c.ARN
}

// authMapping is one entry of mapRoles or mapUsers, as the cluster reads it.
type authMapping struct {
	RoleARN  string   `json:"rolearn"`
	UserARN  string   `json:"userarn"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

func (a *eksAuthenticator) fromAWSAuth(ctx context.Context, caller awssim.Caller) (
	kubesim.User, bool, error) {
	cm, err := a.awsAuth(ctx)
	if err != nil || cm == nil {
		return kubesim.User{}, false, err
	}

	var roles, users []authMapping
	var accounts []string
	// A key that does not parse maps nobody, as on a real cluster; the others still count.
	_ = yaml.Unmarshal([]byte(cm.Data["mapRoles"]), &roles)
	_ = yaml.Unmarshal([]byte(cm.Data["mapUsers"]), &users)
	_ = yaml.Unmarshal([]byte(cm.Data["mapAccounts"]), &accounts)

	for _, m := range roles {
		// The role ARN is compared as written: a path in it makes it match nobody.
		if caller.SessionName != "" && m.RoleARN == caller.CanonicalARN {
			return mappedUser(m, caller), true, nil
		}
	}
	for _, m := range users {
		if caller.SessionName == "" && m.UserARN == caller.ARN {
			return mappedUser(m, caller), true, nil
		}
	}
	if slices.Contains(accounts, caller.Account) {
		return kubesim.User{Name: caller.ARN}, true, nil
	}

	return kubesim.User{}, false, nil
}

func mappedUser(m authMapping, caller awssim.Caller) kubesim.User {
	name := m.Username
	if name == "" {
		name = caller.ARN
	}

	return kubesim.User{Name: expandUsername(name, caller), Groups: slices.Clone(m.Groups)}
}

// expandUsername fills the templates EKS accepts in usernames.
func expandUsername(name string, c awssim.Caller) string {
	r := strings.NewReplacer(
		"{{AccountID}}", c.Account,
		"{{SessionName}}", strings.ReplaceAll(c.SessionName, "@", "-"),
		"{{SessionNameRaw}}", c.SessionName,
		"{{EC2PrivateDNSName}}", "ip-10-0-0-1.ec2.internal",
	)

	return r.Replace(name)
}

// canonical returns a role ARN without its path, the form EKS matches on.
func canonical(arn string) string {
	head, rest, ok := strings.Cut(arn, ":role/")
	if !ok {
		return arn
	}

	return head + ":role/" + rest[strings.LastIndex(rest, "/")+1:]
}
