// Package actions is onramp's work: the lookups, reads and changes it makes against AWS,
// Kubernetes and GitHub, each reported as events and none of them aware of how they are shown.
//
// The AWS calls follow the service references:
//   - STS: https://docs.aws.amazon.com/STS/latest/APIReference/
//   - EKS: https://docs.aws.amazon.com/eks/latest/APIReference/
//   - EKS access entries and aws-auth:
//     https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html
//   - GitHub REST: https://docs.github.com/en/rest
package actions
