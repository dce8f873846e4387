package awssim

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/onramp-dev/onramp/sandbox/fault"
)

// faultEnv is an env whose Sim injects the given faults once it is seeded.
func faultEnv(t *testing.T, cfg fault.Config) (*env, *fault.Injector) {
	t.Helper()

	inj := fault.New(fault.Config{})
	e := newEnv(t, Options{Faults: inj})
	e.cluster("prod", AuthModeAPI)
	inj.Set(cfg)

	return e, inj
}

func TestStandardRetryerGetsThroughThrottling(t *testing.T) {
	ctx := context.Background()
	e, inj := faultEnv(t, fault.Config{ThrottleRate: 0.5})
	fast := retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 6
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
			return time.Millisecond, nil
		})
	})
	client := e.sts(e.admin, func(o *sts.Options) { o.Retryer = fast })

	const calls = 6
	for range calls {
		if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatalf("call failed despite retries: %v", err)
		}
	}

	if got := inj.Calls("sts:GetCallerIdentity"); got <= calls {
		t.Fatalf("the Sim saw %d attempts for %d calls; nothing was retried", got, calls)
	}
}

func TestFaultAnswers(t *testing.T) {
	ctx := context.Background()

	tests := []struct {
		name string
		cfg  fault.Config
		call func(e *env) error
		code string
	}{
		{"IAM throttled", fault.Config{ThrottleRate: 1}, func(e *env) error {
			_, err := e.iam(e.admin).ListUsers(ctx, &iam.ListUsersInput{})

			return err
		}, "Throttling"},
		{"ECR throttled", fault.Config{ThrottleRate: 1}, func(e *env) error {
			_, err := e.ecr(e.admin).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})

			return err
		}, "ThrottlingException"},
		{"EKS throttled", fault.Config{ThrottleRate: 1}, func(e *env) error {
			_, err := e.eks(e.admin).ListClusters(ctx, &eks.ListClustersInput{})

			return err
		}, "ThrottlingException"},
		{"STS unavailable", fault.Config{UnavailableRate: 1}, func(e *env) error {
			_, err := e.sts(e.admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})

			return err
		}, "ServiceUnavailable"},
		{"EKS failure", fault.Config{FailOp: "eks:DescribeCluster"}, func(e *env) error {
			_, err := e.eks(e.admin).DescribeCluster(ctx,
				&eks.DescribeClusterInput{Name: aws.String("prod")})

			return err
		}, "ServerException"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := faultEnv(t, tt.cfg)
			checkCode(t, tt.call(e), tt.code, "")
		})
	}
}

func TestNamedCallFailsOnItsNthCall(t *testing.T) {
	ctx := context.Background()
	e, _ := faultEnv(t, fault.Config{FailOp: "iam:CreateAccessKey", FailOnCall: 2})
	e.user("ci")
	c := e.iam(e.admin)
	in := &iam.CreateAccessKeyInput{UserName: aws.String("ci")}

	tests := []struct {
		name string
		code string
	}{
		{"first call", ""},
		{"second call", "ServiceFailure"},
		{"third call", "LimitExceeded"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateAccessKey(ctx, in)
			checkCode(t, err, tt.code, "")
		})
	}
}

func TestFaultLatencyHoldsNoLock(t *testing.T) {
	e, _ := faultEnv(t, fault.Config{Latency: 500 * time.Millisecond})
	done := make(chan string, 2)

	go func() {
		_, err := e.sts(e.admin).GetCallerIdentity(context.Background(),
			&sts.GetCallerIdentityInput{})
		if err != nil {
			t.Error(err)
		}

		done <- "slow call"
	}()

	time.Sleep(100 * time.Millisecond)
	if _, err := e.sim.CreateUser("meanwhile", ""); err != nil {
		t.Fatal(err)
	}

	done <- "seeding"

	if first := <-done; first != "seeding" {
		t.Fatalf("%s finished first; the latency held the Sim's lock", first)
	}

	<-done
}
