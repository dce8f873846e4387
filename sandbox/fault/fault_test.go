package fault

import (
	"errors"
	"testing"
	"time"
)

func TestBefore(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		op    string
		calls int
		want  []error // the error of each call: nil, ErrThrottled, ErrUnavailable or errInjected
	}{
		{name: "nothing", cfg: Config{}, op: "iam:GetUser", calls: 3, want: []error{nil, nil, nil}},
		{name: "fails on the second call only",
			cfg: Config{FailOp: "iam:CreateAccessKey", FailOnCall: 2}, op: "iam:CreateAccessKey",
			calls: 3, want: []error{nil, errInjected, nil}},
		{name: "zero means the first call", cfg: Config{FailOp: "eks:DescribeCluster"},
			op: "eks:DescribeCluster", calls: 2, want: []error{errInjected, nil}},
		{name: "names match whatever their case", cfg: Config{FailOp: "IAM:getuser"},
			op: "iam:GetUser", calls: 1, want: []error{errInjected}},
		{name: "another operation is untouched", cfg: Config{FailOp: "iam:GetUser"},
			op: "iam:ListUsers", calls: 1, want: []error{nil}},
		{name: "always throttled", cfg: Config{ThrottleRate: 1}, op: "sts:AssumeRole",
			calls: 2, want: []error{ErrThrottled, ErrThrottled}},
		{name: "always unavailable", cfg: Config{UnavailableRate: 1}, op: "sts:AssumeRole",
			calls: 1, want: []error{ErrUnavailable}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inj := New(tt.cfg)
			for i := range tt.calls {
				err := inj.Before(tt.op)
				if !matches(err, tt.want[i]) {
					t.Fatalf("call %d: error = %v, want %v", i+1, err, tt.want[i])
				}
			}
			if got := inj.Calls(tt.op); got != tt.calls {
				t.Errorf("Calls = %d, want %d", got, tt.calls)
			}
		})
	}
}

// errInjected stands for any *Injected in the cases above.
var errInjected = errors.New("injected")

func matches(err, want error) bool {
	var inj *Injected
	if want == errInjected {
		return errors.As(err, &inj)
	}

	return errors.Is(err, want) && (want != nil || err == nil)
}

func TestThrottleRateIsAShareAndRepeatable(t *testing.T) {
	count := func() int {
		inj := New(Config{ThrottleRate: 0.3})
		n := 0
		for range 1000 {
			if errors.Is(inj.Before("op"), ErrThrottled) {
				n++
			}
		}
		return n
	}

	first := count()
	if first < 250 || first > 350 {
		t.Errorf("%d of 1000 calls throttled at a rate of 0.3", first)
	}
	if again := count(); again != first {
		t.Errorf("a second run throttled %d calls, the first %d: the seed is not fixed", again,
			first)
	}
}

func TestLatencyAndSet(t *testing.T) {
	inj := New(Config{Latency: 5 * time.Millisecond})
	var slept time.Duration
	inj.sleep = func(d time.Duration) { slept += d }
	_ = inj.Before("op")
	if slept != 5*time.Millisecond {
		t.Errorf("slept %v, want 5ms", slept)
	}

	inj.Set(Config{})
	if inj.Calls("op") != 0 {
		t.Error("Set kept the call counts")
	}

	var none *Injector
	if err := none.Before("op"); err != nil || none.Calls("op") != 0 {
		t.Errorf("a nil Injector injected %v", err)
	}
}
