package awssim

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// ecrOps are ECR's operations.
var ecrOps = map[string]handler{
	"CreateRepository":       (*Sim).ecrCreateRepository,
	"DescribeRepositories":   (*Sim).ecrDescribeRepositories,
	"DeleteRepository":       (*Sim).ecrDeleteRepository,
	"GetAuthorizationToken":  (*Sim).ecrGetAuthorizationToken,
	"SetRepositoryPolicy":    (*Sim).ecrSetRepositoryPolicy,
	"GetRepositoryPolicy":    (*Sim).ecrGetRepositoryPolicy,
	"DeleteRepositoryPolicy": (*Sim).ecrDeleteRepositoryPolicy,
}

// repoNamePattern is ECR's rule for repository names.
const repoNamePattern = `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`

var repoName = regexp.MustCompile("^" + repoNamePattern + "$")

// registryTokenLife is how long an ECR authorization token lasts.
const registryTokenLife = 12 * time.Hour

// repositoryJSON is ECR's Repository.
type repositoryJSON struct {
	RepositoryArn              string    `json:"repositoryArn"`
	RegistryID                 string    `json:"registryId"`
	RepositoryName             string    `json:"repositoryName"`
	RepositoryURI              string    `json:"repositoryUri"`
	CreatedAt                  epochTime `json:"createdAt"`
	ImageTagMutability         string    `json:"imageTagMutability"`
	ImageScanningConfiguration struct {
		ScanOnPush bool `json:"scanOnPush"`
	} `json:"imageScanningConfiguration"`
	EncryptionConfiguration struct {
		EncryptionType string `json:"encryptionType"`
	} `json:"encryptionConfiguration"`
}

// registryHost is the host of the account's registry.
func (s *Sim) registryHost() string {
	return s.opts.AccountID + ".dkr.ecr." + s.opts.Region + ".amazonaws.com"
}

// repoARN is the ARN of a repository.
func (s *Sim) repoARN(name string) string {
	return "arn:aws:ecr:" + s.opts.Region + ":" + s.opts.AccountID + ":repository/" + name
}

// repoJSON returns the repository as ECR answers it.
func (s *Sim) repoJSON(r *repository) repositoryJSON {
	out := repositoryJSON{RepositoryArn: r.ARN, RegistryID: s.opts.AccountID,
		RepositoryName: r.Name, RepositoryURI: s.registryHost() + "/" + r.Name,
		CreatedAt: epochTime(r.Created), ImageTagMutability: r.TagMutable}
	out.ImageScanningConfiguration.ScanOnPush = r.ScanOnPush
	out.EncryptionConfiguration.EncryptionType = r.Encryption

	return out
}

// invalidParameter is ECR's and EKS's answer to a bad parameter.
func invalidParameter(format string, args ...any) *apiError {
	return apiErr(http.StatusBadRequest, "InvalidParameterException", format, args...)
}

// checkRepoName checks a repository name against ECR's rules.
func checkRepoName(name string) error {
	if len(name) < 2 || len(name) > 256 || !repoName.MatchString(name) {
		return invalidParameter("Invalid parameter at 'repositoryName' failed to satisfy "+
			"constraint: 'must satisfy regular expression '%s''", repoNamePattern)
	}

	return nil
}

// repoNotFound is ECR's answer for a missing repository.
func (s *Sim) repoNotFound(name string) *apiError {
	return apiErr(http.StatusBadRequest, "RepositoryNotFoundException",
		"The repository with name '%s' does not exist in the registry with id '%s'",
		name, s.opts.AccountID)
}

// createRepositoryInput is CreateRepository's request.
type createRepositoryInput struct {
	RepositoryName             string `json:"repositoryName"`
	ImageTagMutability         string `json:"imageTagMutability"`
	ImageScanningConfiguration struct {
		ScanOnPush bool `json:"scanOnPush"`
	} `json:"imageScanningConfiguration"`
}

// ecrCreateRepository serves CreateRepository.
func (s *Sim) ecrCreateRepository(c *call) (any, error) {
	var in createRepositoryInput
	if err := decodeJSON(c.body, &in); err != nil {
		return nil, err
	}

	if err := checkRepoName(in.RepositoryName); err != nil {
		return nil, err
	}

	if err := s.authorize(c, "ecr:CreateRepository", s.repoARN(in.RepositoryName)); err != nil {
		return nil, err
	}

	r, err := s.createRepo(in)
	if err != nil {
		return nil, err
	}

	return map[string]any{"repository": s.repoJSON(r)}, nil
}

// createRepo adds a repository.
func (s *Sim) createRepo(in createRepositoryInput) (*repository, error) {
	if _, ok := s.st.Repos[in.RepositoryName]; ok {
		return nil, apiErr(http.StatusBadRequest, "RepositoryAlreadyExistsException",
			"The repository with name '%s' already exists in the registry with id '%s'",
			in.RepositoryName, s.opts.AccountID)
	}

	mutability := in.ImageTagMutability
	if mutability == "" {
		mutability = "MUTABLE"
	}

	if mutability != "MUTABLE" && mutability != "IMMUTABLE" {
		return nil, invalidParameter("Invalid parameter at 'imageTagMutability' failed to " +
			"satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'")
	}

	r := &repository{Name: in.RepositoryName, ARN: s.repoARN(in.RepositoryName),
		Created: s.now(), TagMutable: mutability,
		ScanOnPush: in.ImageScanningConfiguration.ScanOnPush, Encryption: "AES256"}
	s.st.Repos[r.Name] = r

	return r, nil
}

// describeRepositoriesInput is DescribeRepositories' request.
type describeRepositoriesInput struct {
	RepositoryNames []string `json:"repositoryNames"`
	MaxResults      int      `json:"maxResults"`
	NextToken       string   `json:"nextToken"`
}

// ecrDescribeRepositories serves DescribeRepositories.
func (s *Sim) ecrDescribeRepositories(c *call) (any, error) {
	var in describeRepositoriesInput
	if err := decodeJSON(c.body, &in); err != nil {
		return nil, err
	}

	names := in.RepositoryNames
	if len(names) == 0 {
		names = sortedKeys(s.st.Repos)
		if err := s.authorize(c, "ecr:DescribeRepositories", s.repoARN("*")); err != nil {
			return nil, err
		}
	}

	list, err := s.describeRepos(c, names, len(in.RepositoryNames) > 0)
	if err != nil {
		return nil, err
	}

	page, next, err := tokenPage(list, in.NextToken, in.MaxResults, 1000)
	if err != nil {
		return nil, err
	}

	return struct {
		Repositories []repositoryJSON `json:"repositories"`
		NextToken    *string          `json:"nextToken,omitempty"`
	}{page, next}, nil
}

// describeRepos describes the named repositories; check authorizes each one by name.
func (s *Sim) describeRepos(c *call, names []string, check bool) ([]repositoryJSON, error) {
	list := []repositoryJSON{}
	for _, name := range names {
		if check {
			if err := s.authorize(c, "ecr:DescribeRepositories", s.repoARN(name)); err != nil {
				return nil, err
			}
		}

		r, ok := s.st.Repos[name]
		if !ok {
			return nil, s.repoNotFound(name)
		}

		list = append(list, s.repoJSON(r))
	}

	return list, nil
}

// tokenPage cuts one page out of items for the JSON APIs' nextToken and maxResults; the
// returned token is nil on the last page, so that it is left out of the answer.
func tokenPage[T any](items []T, token string, size, largest int) ([]T, *string, error) {
	start, err := strconv.Atoi(token)
	if token == "" {
		start, err = 0, nil
	}

	if err != nil || start < 0 || start > len(items) {
		return nil, nil, invalidParameter("The nextToken is not valid.")
	}

	if size <= 0 || size > largest {
		size = largest
	}

	end := min(start+size, len(items))
	if end == len(items) {
		return items[start:end], nil, nil
	}

	next := strconv.Itoa(end)

	return items[start:end], &next, nil
}

// repoInput is the request of the operations on one repository.
type repoInput struct {
	RepositoryName string `json:"repositoryName"`
	PolicyText     string `json:"policyText"`
}

// repoCall reads a one-repository request, authorizes "ecr:" + the operation on it and
// returns the repository.
func (s *Sim) repoCall(c *call) (*repository, repoInput, error) {
	var in repoInput
	if err := decodeJSON(c.body, &in); err != nil {
		return nil, in, err
	}

	if err := checkRepoName(in.RepositoryName); err != nil {
		return nil, in, err
	}

	if err := s.authorize(c, "ecr:"+c.op, s.repoARN(in.RepositoryName)); err != nil {
		return nil, in, err
	}

	r, ok := s.st.Repos[in.RepositoryName]
	if !ok {
		return nil, in, s.repoNotFound(in.RepositoryName)
	}

	return r, in, nil
}

// ecrDeleteRepository serves DeleteRepository. The Sim's repositories hold no images, so
// force makes no difference.
func (s *Sim) ecrDeleteRepository(c *call) (any, error) {
	r, _, err := s.repoCall(c)
	if err != nil {
		return nil, err
	}

	delete(s.st.Repos, r.Name)

	return map[string]any{"repository": s.repoJSON(r)}, nil
}

// policyAnswer is the answer of the repository policy operations.
func (s *Sim) policyAnswer(r *repository) map[string]string {
	return map[string]string{"registryId": s.opts.AccountID, "repositoryName": r.Name,
		"policyText": r.PolicyText}
}

// ecrSetRepositoryPolicy serves SetRepositoryPolicy.
//
// TODO: the policy is stored and returned but never evaluated, because the sandbox has no
// image registry whose pulls and pushes it would govern.
func (s *Sim) ecrSetRepositoryPolicy(c *call) (any, error) {
	r, in, err := s.repoCall(c)
	if err != nil {
		return nil, err
	}

	if _, err := parseDocument(in.PolicyText); err != nil {
		return nil, invalidParameter("Invalid parameter at 'PolicyText' failed to satisfy "+
			"constraint: 'Invalid repository policy provided': %s", asAPIError(err).message)
	}

	r.PolicyText = in.PolicyText

	return s.policyAnswer(r), nil
}

// ecrGetRepositoryPolicy serves GetRepositoryPolicy.
func (s *Sim) ecrGetRepositoryPolicy(c *call) (any, error) {
	r, _, err := s.repoCall(c)
	if err != nil {
		return nil, err
	}

	if r.PolicyText == "" {
		return nil, s.noRepoPolicy(r)
	}

	return s.policyAnswer(r), nil
}

// ecrDeleteRepositoryPolicy serves DeleteRepositoryPolicy.
func (s *Sim) ecrDeleteRepositoryPolicy(c *call) (any, error) {
	r, _, err := s.repoCall(c)
	if err != nil {
		return nil, err
	}

	if r.PolicyText == "" {
		return nil, s.noRepoPolicy(r)
	}

	answer := s.policyAnswer(r)
	r.PolicyText = ""

	return answer, nil
}

// noRepoPolicy is ECR's answer for a repository without a policy.
func (s *Sim) noRepoPolicy(r *repository) *apiError {
	return apiErr(http.StatusBadRequest, "RepositoryPolicyNotFoundException",
		"Repository policy does not exist for the repository with name '%s' in the registry "+
			"with id '%s'", r.Name, s.opts.AccountID)
}

// ecrGetAuthorizationToken serves GetAuthorizationToken: a base64 "AWS:password" token whose
// password CheckRegistryLogin accepts until it expires.
func (s *Sim) ecrGetAuthorizationToken(c *call) (any, error) {
	if err := s.authorize(c, "ecr:GetAuthorizationToken", "*"); err != nil {
		return nil, err
	}

	now := s.now()
	s.pruneLogins(now)

	password := newSecret(96)
	expires := now.Add(registryTokenLife)
	s.st.Logins[password] = &registryLogin{CallerARN: c.caller.ARN, Expires: expires}

	data := map[string]any{
		"authorizationToken": base64.StdEncoding.EncodeToString([]byte("AWS:" + password)),
		"expiresAt":          epochTime(expires),
		"proxyEndpoint":      "https://" + s.registryHost(),
	}

	return map[string]any{"authorizationData": []any{data}}, nil
}

// pruneLogins forgets registry passwords that have expired.
func (s *Sim) pruneLogins(now time.Time) {
	for password, l := range s.st.Logins {
		if !now.Before(l.Expires) {
			delete(s.st.Logins, password)
		}
	}
}
