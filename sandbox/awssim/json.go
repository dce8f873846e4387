package awssim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ecrTargetPrefix starts the X-Amz-Target header of every ECR call.
const ecrTargetPrefix = "AmazonEC2ContainerRegistry_V20150921."

// routeJSON finds an awsJson1_1 operation from its X-Amz-Target header.
func routeJSON(c *call) error {
	target := c.r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, ecrTargetPrefix)
	h, known := c.svc.ops[op]
	if !ok || !known {
		return apiErr(http.StatusBadRequest, "UnknownOperationException",
			"Unknown operation %s", target)
	}

	c.op, c.handler = op, h

	return nil
}

// restRoute is one restJson1 operation: a method and a path pattern whose {labels} become
// the call's params.
type restRoute struct {
	method  string
	pattern string
	op      string
	handler handler
}

// routeREST finds the restJson1 operation whose method and path match the request.
func routeREST(c *call) error {
	segments := strings.Split(strings.Trim(c.r.URL.EscapedPath(), "/"), "/")
	for _, rt := range c.svc.routes {
		params, ok := rt.match(c.r.Method, segments)
		if ok {
			c.op, c.handler, c.params = rt.op, rt.handler, params

			return nil
		}
	}

	return apiErr(http.StatusNotFound, "UnknownOperationException",
		"Unknown operation %s %s", c.r.Method, c.r.URL.Path)
}

// match reports whether the route serves the method and escaped path segments, and returns
// the unescaped values of the pattern's labels.
func (rt restRoute) match(method string, segments []string) (map[string]string, bool) {
	parts := strings.Split(strings.Trim(rt.pattern, "/"), "/")
	if method != rt.method || len(parts) != len(segments) {
		return nil, false
	}

	params := map[string]string{}
	for i, part := range parts {
		label, isLabel := strings.CutPrefix(part, "{")
		value, err := url.PathUnescape(segments[i])
		switch {
		case err != nil:
			return nil, false
		case isLabel:
			params[strings.TrimSuffix(label, "}")] = value
		case part != value:
			return nil, false
		}
	}

	return params, true
}

// decodeJSON reads a JSON request body into in; an empty body leaves in as it is.
func decodeJSON(body []byte, in any) error {
	if len(body) == 0 {
		return nil
	}

	if err := json.Unmarshal(body, in); err != nil {
		return apiErr(http.StatusBadRequest, "SerializationException",
			"Could not read the request body as JSON: %v", err)
	}

	return nil
}

// writeJSON writes a JSON answer.
func writeJSON(w http.ResponseWriter, status int, contentType string, out any) {
	if out == nil {
		out = struct{}{}
	}

	data, err := json.Marshal(out)
	if err != nil {
		writeJSONError(w, asAPIError(err))

		return
	}

	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(data)
}

// writeJSONError writes an awsJson1_1 error: its code in the body's __type.
func writeJSONError(w http.ResponseWriter, e *apiError) {
	body := map[string]string{"__type": e.code, "message": e.message}
	for name, value := range e.fields {
		body[name] = value
	}

	writeJSON(w, e.status, "application/x-amz-json-1.1", body)
}

// writeRESTError writes a restJson1 error: its code in the X-Amzn-Errortype header.
func writeRESTError(w http.ResponseWriter, e *apiError) {
	body := map[string]string{"message": e.message}
	for name, value := range e.fields {
		body[name] = value
	}

	w.Header().Set("X-Amzn-Errortype", e.code)
	writeJSON(w, e.status, "application/json", body)
}

// epochTime is a time as the JSON protocols carry it: seconds since the epoch.
type epochTime time.Time

// MarshalJSON implements json.Marshaler.
func (t epochTime) MarshalJSON() ([]byte, error) {
	seconds := float64(time.Time(t).UnixMilli()) / 1000

	return []byte(strconv.FormatFloat(seconds, 'f', -1, 64)), nil
}
