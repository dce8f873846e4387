package actions

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// Sentinel errors the screens branch on. Each wraps into an error whose text says what to do.
var (
	// ErrNoCredentials means the AWS default credential chain found nothing usable.
	ErrNoCredentials = errors.New("no AWS credentials")
	// ErrNoCluster means the region has no EKS cluster, or not the one asked for.
	ErrNoCluster = errors.New("no EKS cluster")
	// ErrNoGitHubToken means none of GH_TOKEN, GITHUB_TOKEN or the gh CLI gave a token.
	ErrNoGitHubToken = errors.New("no GitHub token")
	// ErrNoRepo means no repository was named and none could be read from git.
	ErrNoRepo = errors.New("no GitHub repository")
	// ErrInvalidInput means a value given by the user is malformed; nothing was called.
	ErrInvalidInput = errors.New("invalid input")
)

// Hint is an error with advice on what to do about it.
type Hint struct {
	Err  error
	What string
	Do   string
}

// Error implements error.
func (h *Hint) Error() string {
	if h.Do == "" {
		return h.What
	}

	return h.What + ": " + h.Do
}

// Unwrap lets errors.Is see the sentinel.
func (h *Hint) Unwrap() error { return h.Err }

// invalidf returns an ErrInvalidInput error; the text says what is wrong and how to fix it.
func invalidf(format string, args ...any) error {
	return &Hint{Err: ErrInvalidInput, What: fmt.Sprintf(format, args...)}
}

// classifyAWS turns the SDK's error for missing credentials into ErrNoCredentials with advice,
// and leaves any other error as it is.
func classifyAWS(err error) error {
	if err == nil || !isCredentialsError(err) {
		return err
	}

	return &Hint{
		Err:  fmt.Errorf("%w: %w", ErrNoCredentials, err),
		What: "no AWS credentials found",
		Do: "set AWS_PROFILE (and run `aws sso login` if it uses SSO), or AWS_ACCESS_KEY_ID " +
			"and AWS_SECRET_ACCESS_KEY; or try `onramp --sandbox`",
	}
}

// isCredentialsError reports whether the SDK failed before sending because the credential
// chain gave nothing. The SDK has no exported type for that, so its wording is matched.
func isCredentialsError(err error) bool {
	var oe *smithy.OperationError
	if !errors.As(err, &oe) {
		return false
	}
	msg := oe.Err.Error()

	return strings.Contains(msg, "get identity:") ||
		strings.Contains(msg, "failed to retrieve credentials") ||
		strings.Contains(msg, "failed to refresh cached credentials")
}

// apiErrorCode returns the AWS error code of err, or "".
func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}

	return ""
}
