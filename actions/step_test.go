package actions

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// fakeStep is a step whose answers a test sets, recording the calls made to it.
type fakeStep struct {
	name      string
	change    Change
	planErr   error
	applyErr  error
	verifyErr error
	calls     *[]string
}

func (s fakeStep) Name() string { return s.name }

func (s fakeStep) Plan(ctx context.Context) (Plan, error) {
	*s.calls = append(*s.calls, s.name+".plan")
	return Plan{Change: s.change, Summary: "make " + s.name}, s.planErr
}

func (s fakeStep) Apply(ctx context.Context, p Plan) error {
	*s.calls = append(*s.calls, s.name+".apply")
	return s.applyErr
}

func (s fakeStep) Verify(ctx context.Context) error {
	*s.calls = append(*s.calls, s.name+".verify")
	return s.verifyErr
}

func TestRun(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		steps     []fakeStep
		mode      Mode
		wantCalls []string
		wantErr   error
	}{
		{
			name:      "plan only changes nothing",
			steps:     []fakeStep{{name: "a", change: Create}, {name: "b", change: Update}},
			mode:      PlanOnly,
			wantCalls: []string{"a.plan", "b.plan"},
		},
		{
			name:      "apply skips steps with nothing to do but still verifies them",
			steps:     []fakeStep{{name: "a", change: NoChange}, {name: "b", change: Create}},
			mode:      ApplyAndVerify,
			wantCalls: []string{"a.plan", "a.verify", "b.plan", "b.apply", "b.verify"},
		},
		{
			name: "a failed apply stops the run",
			steps: []fakeStep{{name: "a", change: Create, applyErr: boom},
				{name: "b", change: Create}},
			mode:      ApplyAndVerify,
			wantCalls: []string{"a.plan", "a.apply"},
			wantErr:   boom,
		},
		{
			name:      "a failed plan applies nothing",
			steps:     []fakeStep{{name: "a", change: Create, planErr: boom}},
			mode:      ApplyAndVerify,
			wantCalls: []string{"a.plan"},
			wantErr:   boom,
		},
		{
			name:      "a failed verify is a failure",
			steps:     []fakeStep{{name: "a", change: Create, verifyErr: boom}},
			mode:      ApplyAndVerify,
			wantCalls: []string{"a.plan", "a.apply", "a.verify"},
			wantErr:   boom,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []string
			steps := make([]Step, len(tt.steps))
			for i, s := range tt.steps {
				s.calls = &calls
				steps[i] = s
			}

			var c Collector
			results, err := Run(WithReporter(t.Context(), c.Report), steps, tt.mode)
			failed := tt.wantErr != nil && !errors.Is(err, ErrStepFailed)
			if !errors.Is(err, tt.wantErr) || failed {
				t.Fatalf("Run error = %v, want %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(calls, tt.wantCalls) {
				t.Errorf("calls = %v, want %v", calls, tt.wantCalls)
			}
			if len(c.Events()) < len(results) {
				t.Errorf("got %d events for %d steps", len(c.Events()), len(results))
			}
			for _, e := range c.Events() {
				if e.Step == "" {
					t.Errorf("event %q has no step", e.Text)
				}
			}
		})
	}
}
