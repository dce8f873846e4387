package actions

import (
	"context"
	"errors"
	"fmt"
)

// Change says what applying a step would do.
type Change string

// The changes a plan can describe.
const (
	NoChange Change = "none"
	Create   Change = "create"
	Update   Change = "update"
	Delete   Change = "delete"
)

// Document is one document a step will apply, with every placeholder filled in: a policy, a
// manifest, a ConfigMap.
type Document struct {
	Name    string `json:"name"`
	Format  string `json:"format"` // json or yaml
	Content string `json:"content"`
	// Current is the document as it exists now, empty when it does not; a screen shows the
	// diff between the two.
	Current string `json:"current,omitempty"`
}

// Plan is what a step found and what it would change.
type Plan struct {
	Step      string     `json:"step"`
	Change    Change     `json:"change"`
	Summary   string     `json:"summary"`
	Existing  string     `json:"existing,omitempty"`
	Documents []Document `json:"documents,omitempty"`
}

// Step is one part of a procedure. Plan reads the current state and describes the change
// without making it; Apply makes the change the plan describes; Verify checks that the
// result works. Running a step whose plan says NoChange changes nothing.
type Step interface {
	Name() string
	Plan(ctx context.Context) (Plan, error)
	Apply(ctx context.Context, p Plan) error
	Verify(ctx context.Context) error
}

// Mode says how far Run goes.
type Mode int

// The modes of Run.
const (
	// PlanOnly reads and describes; it changes nothing.
	PlanOnly Mode = iota
	// ApplyAndVerify applies each plan that has a change, then verifies every step.
	ApplyAndVerify
)

// Result is what happened to one step.
type Result struct {
	Plan     Plan  `json:"plan"`
	Applied  bool  `json:"applied"`
	Verified bool  `json:"verified"`
	Err      error `json:"-"`
}

// ErrStepFailed marks the error Run returns when a step fails; the Result says which.
var ErrStepFailed = errors.New("step failed")

// Run takes the steps in order through plan, and, unless mode is PlanOnly, apply and verify.
// It stops at the first step that fails, since later steps build on earlier ones, and returns
// the results so far.
func Run(ctx context.Context, steps []Step, mode Mode) ([]Result, error) {
	results := make([]Result, 0, len(steps))
	for _, s := range steps {
		sctx := WithStep(ctx, s.Name())
		res := runStep(sctx, s, mode)
		results = append(results, res)
		if res.Err != nil {
			Warnf(sctx, "%s failed: %v", s.Name(), res.Err)
			return results, fmt.Errorf("%w: %s: %w", ErrStepFailed, s.Name(), res.Err)
		}
	}

	return results, nil
}

func runStep(ctx context.Context, s Step, mode Mode) Result {
	p, err := s.Plan(ctx)
	p.Step = s.Name()
	res := Result{Plan: p}
	if err != nil {
		res.Err = fmt.Errorf("planning: %w", err)
		return res
	}
	Messagef(ctx, "plan: %s: %s", p.Change, p.Summary)
	if mode == PlanOnly {
		return res
	}

	if p.Change != NoChange {
		if err := s.Apply(ctx, p); err != nil {
			res.Err = fmt.Errorf("applying: %w", err)
			return res
		}
		res.Applied = true
	}

	if err := s.Verify(ctx); err != nil {
		res.Err = fmt.Errorf("verifying: %w", err)
		return res
	}
	res.Verified = true

	return res
}
