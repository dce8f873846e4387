package githubsim

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// anonymousLimit is GitHub's hourly limit for requests without a token, counted per address.
const anonymousLimit = 60

// bucket counts one caller's requests in the current hour.
type bucket struct {
	limit int
	used  int
	reset time.Time
}

// take counts a request and reports whether it is within the limit.
func (b *bucket) take(now time.Time) bool {
	if !now.Before(b.reset) {
		b.used, b.reset = 0, now.Add(time.Hour)
	}
	if b.used >= b.limit {
		return false
	}
	b.used++

	return true
}

// header sets the rate-limit headers GitHub puts on every answer.
func (b bucket) header(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(b.limit-b.used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(b.used))
	h.Set("X-RateLimit-Resource", "core")
}

// count takes a request from the named bucket and returns a copy of it.
func (s *Server) count(key string, limit int) (bucket, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	b := s.rates[key]
	if b == nil {
		b = &bucket{limit: limit}
		s.rates[key] = b
	}
	ok := b.take(s.now())

	return *b, ok
}

// limit applies the user's primary rate limit: past it, GitHub answers 403 with
// X-RateLimit-Remaining: 0, which go-github turns into a RateLimitError.
func (s *Server) limit(c *call) bool {
	b, ok := s.count("user:"+c.user.Login, s.opts.RateLimit)
	b.header(c.w.Header())
	if !ok {
		msg := fmt.Sprintf("API rate limit exceeded for user ID %d.", c.user.ID)
		c.failDoc(http.StatusForbidden, msg,
			"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting")
	}

	return ok
}

// limitAnonymous counts a request without a valid token against its address, for the headers.
func (s *Server) limitAnonymous(c *call) {
	host, _, err := net.SplitHostPort(c.r.RemoteAddr)
	if err != nil {
		host = c.r.RemoteAddr
	}
	b, _ := s.count("ip:"+host, anonymousLimit)
	b.header(c.w.Header())
}

// paginate returns the page of items the request asks for (per_page up to 100, 30 by default)
// and sets the Link header that points to the other pages.
func paginate[T any](c *call, items []T) []T {
	q := c.r.URL.Query()
	per := queryInt(q, "per_page", 30)
	if per > 100 {
		per = 100
	}
	page := queryInt(q, "page", 1)
	last := max(1, (len(items)+per-1)/per)
	c.links(page, last)
	start := min((page-1)*per, len(items))

	return items[start:min(start+per, len(items))]
}

// queryInt reads a positive integer parameter, or returns def.
func queryInt(q url.Values, key string, def int) int {
	n, err := strconv.Atoi(q.Get(key))
	if err != nil || n < 1 {
		return def
	}

	return n
}

// links sets the Link header with prev, next, last and first, as GitHub orders them.
func (c *call) links(page, last int) {
	var parts []string
	add := func(rel string, p int) {
		q := c.r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		u := c.baseURL() + c.r.URL.Path + "?" + q.Encode()
		parts = append(parts, "<"+u+`>; rel="`+rel+`"`)
	}
	if page > 1 {
		add("prev", min(page-1, last))
	}
	if page < last {
		add("next", page+1)
		add("last", last)
	}
	if page > 1 {
		add("first", 1)
	}
	if len(parts) > 0 {
		c.w.Header().Set("Link", strings.Join(parts, ", "))
	}
}
