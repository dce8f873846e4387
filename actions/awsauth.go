package actions

import (
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// The aws-auth ConfigMap: where it lives and the keys it holds.
// See https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
const (
	AWSAuthNamespace = "kube-system"
	AWSAuthName      = "aws-auth"
	keyMapRoles      = "mapRoles"
	keyMapUsers      = "mapUsers"
	keyMapAccounts   = "mapAccounts"
)

// RoleMapping is one entry of mapRoles.
type RoleMapping struct {
	RoleARN  string   `json:"rolearn"`
	Username string   `json:"username,omitempty"`
	Groups   []string `json:"groups,omitempty"`
}

// UserMapping is one entry of mapUsers.
type UserMapping struct {
	UserARN  string   `json:"userarn"`
	Username string   `json:"username,omitempty"`
	Groups   []string `json:"groups,omitempty"`
}

// AuthConfig is the content of the aws-auth ConfigMap.
type AuthConfig struct {
	Roles    []RoleMapping
	Users    []UserMapping
	Accounts []string
}

// ParseAWSAuth reads the mappings of an aws-auth ConfigMap. A malformed key is an
// ErrInvalidInput error that names the key and what YAML found wrong.
func ParseAWSAuth(cm *corev1.ConfigMap) (AuthConfig, error) {
	var ac AuthConfig
	if cm == nil {
		return ac, nil
	}
	if err := parseKey(cm, keyMapRoles, &ac.Roles); err != nil {
		return ac, err
	}
	if err := parseKey(cm, keyMapUsers, &ac.Users); err != nil {
		return ac, err
	}
	if err := parseKey(cm, keyMapAccounts, &ac.Accounts); err != nil {
		return ac, err
	}

	return ac, nil
}

func parseKey(cm *corev1.ConfigMap, key string, into any) error {
	doc, ok := cm.Data[key]
	if !ok {
		return nil
	}
	if err := yaml.UnmarshalStrict([]byte(doc), into); err != nil {
		return invalidf("aws-auth %s is not valid YAML for %s: %v; fix it with "+
			"`kubectl edit configmap aws-auth -n kube-system`", key, key, err)
	}

	return nil
}

// Mappings lists the aws-auth entries as mappings, in the ConfigMap's order.
func (ac AuthConfig) Mappings() []Mapping {
	out := make([]Mapping, 0, len(ac.Roles)+len(ac.Users)+len(ac.Accounts))
	for _, r := range ac.Roles {
		out = append(out, Mapping{Source: SourceMapRoles, ARN: r.RoleARN, Username: r.Username,
			Groups: r.Groups})
	}
	for _, u := range ac.Users {
		out = append(out, Mapping{Source: SourceMapUsers, ARN: u.UserARN, Username: u.Username,
			Groups: u.Groups})
	}
	for _, a := range ac.Accounts {
		out = append(out, Mapping{Source: SourceMapAccounts, ARN: a})
	}

	return out
}
