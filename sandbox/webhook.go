package sandbox

import (
	"context"
	"encoding/json"
	"net/http"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/onramp-dev/onramp/sandbox/awssim"
	"github.com/onramp-dev/onramp/sandbox/kubesim"
)

// NewEKSAuthenticator returns the authenticator of a simulated EKS cluster: it checks tokens
// with sim and maps callers through sim's access entries and the aws-auth ConfigMap that
// awsAuth reads (nil and no error when there is none).
func NewEKSAuthenticator(sim *awssim.Sim, cluster string,
	awsAuth func(context.Context) (*corev1.ConfigMap, error)) kubesim.Authenticator {
	return &eksAuthenticator{sim: sim, cluster: cluster, awsAuth: awsAuth}
}

// TokenReviewHandler serves the Kubernetes token review webhook
// (authentication.k8s.io/v1 TokenReview) with auth, so that a real kube-apiserver started with
// --authentication-token-webhook-config-file authenticates EKS tokens as an EKS cluster does.
func TokenReviewHandler(auth kubesim.Authenticator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var review authnv1.TokenReview
		if err := json.NewDecoder(r.Body).Decode(&review); err != nil {
			http.Error(w, "decoding the TokenReview: "+err.Error(), http.StatusBadRequest)
			return
		}

		review.Status = reviewStatus(r.Context(), auth, review.Spec.Token)
		review.Spec = authnv1.TokenReviewSpec{}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(review)
	})
}

func reviewStatus(ctx context.Context, auth kubesim.Authenticator,
	token string) authnv1.TokenReviewStatus {
	u, err := auth.AuthenticateToken(ctx, token)
	if err != nil {
		return authnv1.TokenReviewStatus{Error: "invalid token"}
	}

	extra := map[string]authnv1.ExtraValue{}
	for k, v := range u.Extra {
		extra[k] = v
	}

	user := authnv1.UserInfo{Username: u.Name, UID: u.UID, Groups: u.Groups, Extra: extra}

	return authnv1.TokenReviewStatus{Authenticated: true, User: user}
}
