package actions

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// EventKind says what an Event reports.
type EventKind int

// The kinds of event a step reports.
const (
	CallStarted EventKind = iota
	CallFinished
	Message
	Warning
)

// String implements fmt.Stringer.
func (k EventKind) String() string {
	return [...]string{"call", "done", "info", "warning"}[k]
}

// Event is one line of a step's live log: a call to a service starting or finishing, or a
// message. Events carry no secret: their text is built with fmt, through which a Secret
// prints as Redacted, and calls are named by service and operation only.
type Event struct {
	Kind      EventKind     `json:"kind"`
	Time      time.Time     `json:"time"`
	Step      string        `json:"step,omitempty"`
	Service   string        `json:"service,omitempty"`
	Operation string        `json:"operation,omitempty"`
	Duration  time.Duration `json:"duration,omitempty"`
	// Err is the short error of a finished call that failed; empty when it succeeded.
	Err  string `json:"error,omitempty"`
	Text string `json:"text,omitempty"`
}

// String renders the event as one plain line.
func (e Event) String() string {
	switch e.Kind {
	case CallStarted:
		return fmt.Sprintf("→ %s %s", e.Service, e.Operation)
	case CallFinished:
		if e.Err != "" {
			return fmt.Sprintf("✗ %s %s (%s): %s", e.Service, e.Operation, roundMS(e.Duration),
				e.Err)
		}
		return fmt.Sprintf("✓ %s %s (%s)", e.Service, e.Operation, roundMS(e.Duration))
	case Warning:
		return "! " + e.Text
	default:
		return "· " + e.Text
	}
}

func roundMS(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}

	return d.Round(time.Millisecond)
}

// Reporter receives events. It may be called from several goroutines at once.
type Reporter func(Event)

type reporterKey struct{}

type stepKey struct{}

// WithReporter returns a context whose calls and messages are reported to r.
func WithReporter(ctx context.Context, r Reporter) context.Context {
	return context.WithValue(ctx, reporterKey{}, r)
}

// WithStep returns a context whose events are labelled with the step's name.
func WithStep(ctx context.Context, step string) context.Context {
	return context.WithValue(ctx, stepKey{}, step)
}

func emit(ctx context.Context, e Event) {
	r, _ := ctx.Value(reporterKey{}).(Reporter)
	if r == nil {
		return
	}
	e.Step, _ = ctx.Value(stepKey{}).(string)
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	r(e)
}

// Messagef reports a message. Secrets among args print as Redacted.
func Messagef(ctx context.Context, format string, args ...any) {
	emit(ctx, Event{Kind: Message, Text: fmt.Sprintf(format, args...)})
}

// Warnf reports a warning. Secrets among args print as Redacted.
func Warnf(ctx context.Context, format string, args ...any) {
	emit(ctx, Event{Kind: Warning, Text: fmt.Sprintf(format, args...)})
}

// track reports a call's start and returns the function that reports its end.
func track(ctx context.Context, service, op string) func(error) {
	start := time.Now()
	emit(ctx, Event{Kind: CallStarted, Time: start, Service: service, Operation: op})

	return func(err error) {
		e := Event{Kind: CallFinished, Service: service, Operation: op, Duration: time.Since(start)}
		if err != nil {
			e.Err = shortError(err)
		}
		emit(ctx, e)
	}
}

func shortError(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "api error "); i >= 0 {
		s = s[i+len("api error "):]
	}

	return s
}

// eventsMiddleware is the ID of the middleware AWSEvents adds.
const eventsMiddleware = "OnrampEvents"

// AWSEvents is an SDK API option that reports every AWS call made with a context from
// WithReporter, once per operation however often the SDK retries it. main.go adds it to the
// AWS config's APIOptions.
func AWSEvents(stack *middleware.Stack) error {
	mw := middleware.InitializeMiddlewareFunc(eventsMiddleware, func(
		ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler,
	) (middleware.InitializeOutput, middleware.Metadata, error) {
		done := track(ctx, awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
		out, md, err := next.HandleInitialize(ctx, in)
		done(err)

		return out, md, err
	})

	return stack.Initialize.Add(mw, middleware.Before)
}

// EventTransport wraps an HTTP transport so that each request made with a context from
// WithReporter is reported as a call to service, named by method and path.
func EventTransport(service string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}

	return &eventTransport{service: service, next: next}
}

type eventTransport struct {
	service string
	next    http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *eventTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	done := track(r.Context(), t.service, r.Method+" "+r.URL.Path)
	resp, err := t.next.RoundTrip(r)
	if err == nil && resp.StatusCode >= 400 {
		done(fmt.Errorf("%s", resp.Status))
	} else {
		done(err)
	}

	return resp, err
}

// LineReporter returns a Reporter that prints each event as a line to w, the plain mode's live
// log.
func LineReporter(w io.Writer) Reporter {
	var mu sync.Mutex

	return func(e Event) {
		mu.Lock()
		defer mu.Unlock()

		fmt.Fprintln(w, e.String())
	}
}

// Collector gathers events, for tests and for the plain mode's summary.
type Collector struct {
	mu     sync.Mutex
	events []Event
}

// Report is a Reporter that keeps the event.
func (c *Collector) Report(e Event) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.events = append(c.events, e)
}

// Events returns a copy of the events kept so far.
func (c *Collector) Events() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()

	return append([]Event(nil), c.events...)
}
