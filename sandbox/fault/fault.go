// Package fault injects latency, throttling and named failures into the sandbox's simulated
// services, so that tests and benchmarks can see how onramp behaves when a cloud misbehaves.
//
// Every simulated service calls Injector.Before with the name of the operation it is about to
// serve (for example "iam:CreateAccessKey" or "kube:update configmaps") and turns the error it
// gets back into its own protocol's answer: Throttling for AWS, 429 for Kubernetes, and so on.
package fault

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// ErrThrottled is returned by Before when the call should be refused as throttled.
var ErrThrottled = errors.New("throttled by the sandbox's fault injection")

// ErrUnavailable is returned by Before when the call should fail as a server error.
var ErrUnavailable = errors.New("service unavailable by the sandbox's fault injection")

// Injected is returned by Before when a named operation was told to fail on this call.
type Injected struct {
	Op   string
	Call int
}

// Error implements error.
func (e *Injected) Error() string {
	return fmt.Sprintf("%s failed on call %d by the sandbox's fault injection", e.Op, e.Call)
}

// Config describes the faults to inject. The zero value injects nothing.
type Config struct {
	// Latency is added before every call.
	Latency time.Duration
	// ThrottleRate is the share of calls, from 0 to 1, refused as throttled.
	ThrottleRate float64
	// UnavailableRate is the share of calls, from 0 to 1, answered with a server error.
	UnavailableRate float64
	// FailOp names one operation that fails on its FailOnCall-th call (1 is the first).
	FailOp string
	// FailOnCall is the call of FailOp that fails; 0 means the first.
	FailOnCall int
}

// Injector applies a Config to calls. A nil *Injector injects nothing. It is safe for
// concurrent use.
type Injector struct {
	mu     sync.Mutex
	cfg    Config
	calls  map[string]int
	random *rand.Rand
	sleep  func(time.Duration)
}

// New returns an Injector with the given configuration and a fixed random seed, so a test sees
// the same sequence of throttled calls on every run.
func New(cfg Config) *Injector {
	return &Injector{
		cfg:    cfg,
		calls:  map[string]int{},
		random: rand.New(rand.NewPCG(1, 2)),
		sleep:  time.Sleep,
	}
}

// Set replaces the configuration and resets the call counts.
func (i *Injector) Set(cfg Config) {
	i.mu.Lock()
	defer i.mu.Unlock()

	i.cfg = cfg
	i.calls = map[string]int{}
}

// Calls reports how many times op has been through Before.
func (i *Injector) Calls(op string) int {
	if i == nil {
		return 0
	}
	i.mu.Lock()
	defer i.mu.Unlock()

	return i.calls[op]
}

// Before is called by a simulated service before it serves op. It waits for the configured
// latency and returns an error when the call should fail.
func (i *Injector) Before(op string) error {
	if i == nil {
		return nil
	}
	latency, err := i.decide(op)
	if latency > 0 {
		i.sleep(latency)
	}

	return err
}

func (i *Injector) decide(op string) (time.Duration, error) {
	i.mu.Lock()
	defer i.mu.Unlock()

	i.calls[op]++
	n := i.calls[op]
	cfg := i.cfg
	if cfg.FailOp != "" && strings.EqualFold(cfg.FailOp, op) && n == max(cfg.FailOnCall, 1) {
		return cfg.Latency, &Injected{Op: op, Call: n}
	}
	if cfg.ThrottleRate > 0 && i.random.Float64() < cfg.ThrottleRate {
		return cfg.Latency, ErrThrottled
	}
	if cfg.UnavailableRate > 0 && i.random.Float64() < cfg.UnavailableRate {
		return cfg.Latency, ErrUnavailable
	}

	return cfg.Latency, nil
}
