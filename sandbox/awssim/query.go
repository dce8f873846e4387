package awssim

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Namespaces of the awsQuery services' answers.
const (
	iamXMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsXMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// routeQuery reads an awsQuery request's parameters, from the form body and the URL, and
// finds its Action.
func routeQuery(c *call) error {
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		return apiErr(http.StatusBadRequest, "MalformedQueryString", "%v", err)
	}

	for name, values := range c.r.URL.Query() {
		form[name] = append(form[name], values...)
	}

	c.form = form
	action := form.Get("Action")
	h, ok := c.svc.ops[action]
	if !ok {
		return apiErr(http.StatusBadRequest, "InvalidAction",
			"Could not find operation %s for version %s", action, form.Get("Version"))
	}

	c.op, c.handler = action, h

	return nil
}

// writeQuery writes an awsQuery answer: OpResponse holding OpResult, when out is not nil, and
// the request ID.
func writeQuery(w http.ResponseWriter, xmlns, reqID, op string, out any) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<%sResponse xmlns="%s">`, op, xmlns)

	if out != nil {
		enc := xml.NewEncoder(&buf)
		start := xml.StartElement{Name: xml.Name{Local: op + "Result"}}
		if err := enc.EncodeElement(out, start); err != nil {
			writeQueryError(w, xmlns, reqID, asAPIError(err))

			return
		}
	}

	fmt.Fprintf(&buf, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>",
		reqID, op)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// writeQueryError writes an awsQuery ErrorResponse.
func writeQueryError(w http.ResponseWriter, xmlns, reqID string, e *apiError) {
	kind := "Sender"
	if e.status >= http.StatusInternalServerError {
		kind = "Receiver"
	}

	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>`,
		xmlns, kind, e.code)
	xml.EscapeText(&buf, []byte(e.message))
	fmt.Fprintf(&buf, "</Message></Error><RequestId>%s</RequestId></ErrorResponse>", reqID)

	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	w.Write(buf.Bytes())
}

// memberList reads an awsQuery list parameter: NAME.member.1, NAME.member.2, and so on.
func memberList(form url.Values, name string) []string {
	var list []string
	for i := 1; form.Has(memberKey(name, i)); i++ {
		list = append(list, form.Get(memberKey(name, i)))
	}

	return list
}

// memberKey is the parameter name of a list's i-th member.
func memberKey(name string, i int) string {
	return name + ".member." + strconv.Itoa(i)
}

// tagList reads an awsQuery list of Key/Value tags.
func tagList(form url.Values, name string) map[string]string {
	tags := map[string]string{}
	for i := 1; form.Has(memberKey(name, i) + ".Key"); i++ {
		tags[form.Get(memberKey(name, i)+".Key")] = form.Get(memberKey(name, i) + ".Value")
	}

	return tags
}

// isoTime is a time as awsQuery answers carry it.
type isoTime time.Time

// MarshalText implements encoding.TextMarshaler.
func (t isoTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05Z")), nil
}

// optionalTime returns a pointer for an omittable time, nil for the zero time.
func optionalTime(t time.Time) *isoTime {
	if t.IsZero() {
		return nil
	}

	v := isoTime(t)

	return &v
}
