package actions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// clusterNameRE is EKS's rule for cluster names.
var clusterNameRE = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`)

// ValidateClusterName checks an EKS cluster name before any call uses it.
func ValidateClusterName(name string) error {
	if clusterNameRE.MatchString(name) {
		return nil
	}

	return invalidf("cluster name %q is not valid: EKS names are 1 to 100 letters, digits, "+
		"hyphens and underscores, starting with a letter or digit", name)
}

// ghNameRE is GitHub's rule for owner and repository names.
var ghNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// ParseRepo parses OWNER/NAME.
func ParseRepo(s string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok || strings.Contains(name, "/") {
		return "", "", invalidf("repository %q is not OWNER/NAME: pass it as --repo acme/iris", s)
	}
	name = strings.TrimSuffix(name, ".git")
	for _, part := range []string{owner, name} {
		if !ghNameRE.MatchString(part) || part == "." || part == ".." {
			return "", "", invalidf("repository %q is not valid: owner and name may hold only "+
				"letters, digits, '-', '_' and '.'; pass it as --repo OWNER/NAME", s)
		}
	}

	return owner, name, nil
}

// ParseIAMARN checks that s is the ARN of an IAM user or role and returns it parsed.
func ParseIAMARN(s string) (arn.ARN, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return arn.ARN{}, invalidf("%q is not an ARN: an IAM ARN looks like "+
			"arn:aws:iam::111122223333:role/NAME", s)
	}
	if a.Service != "iam" && a.Service != "sts" {
		return arn.ARN{}, invalidf("%q is an ARN of %s, not IAM: give a user or role ARN such as "+
			"arn:aws:iam::111122223333:role/NAME", s, a.Service)
	}
	if len(a.AccountID) != 12 {
		return arn.ARN{}, invalidf("%q has account ID %q: an account ID is 12 digits", s,
			a.AccountID)
	}

	return a, nil
}

// CanonicalPrincipal returns the form in which EKS matches an identity: a role's ARN without its
// path, and, for an assumed-role session, the role's ARN; anything else as it is.
func CanonicalPrincipal(s string) string {
	a, err := arn.Parse(s)
	if err != nil {
		return s
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	switch {
	case a.Service == "sts" && kind == "assumed-role":
		role, _, _ := strings.Cut(rest, "/")
		return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition, a.AccountID, role)
	case a.Service == "iam" && kind == "role":
		return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition, a.AccountID, lastPart(rest))
	}

	return s
}

func lastPart(path string) string {
	return path[strings.LastIndex(path, "/")+1:]
}
