package kubesim

import (
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/munnerz/goautoneg"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// maxBodyBytes bounds a request body, as the real server bounds it to 3 MiB.
const maxBodyBytes = 3 << 20

var (
	kubeScheme = newScheme()
	codecs     = serializer.NewCodecFactory(kubeScheme)
	paramCodec = runtime.NewParameterCodec(kubeScheme)
	// unversioned is the group version of Status and the query parameter types.
	unversioned = schema.GroupVersion{Version: "v1"}
)

// newScheme returns client-go's scheme plus the meta.k8s.io types a server answers with
// (Table, PartialObjectMetadata), kept apart from client-go's global scheme.
func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	metav1.AddToGroupVersion(s, unversioned)
	metav1.AddToGroupVersion(s, metav1.SchemeGroupVersion)
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(metav1.AddMetaToScheme(s))

	return s
}

// output is the answer format a request negotiated through its Accept header.
type output struct {
	info runtime.SerializerInfo
	// table is set when the client asked for a meta.k8s.io/v1 Table.
	table bool
}

// negotiate picks the answer format from the Accept header, as the real server does: the first
// acceptable media type wins, and a Table is offered only in JSON or YAML.
func negotiate(r *http.Request) (output, error) {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return output{info: jsonInfo()}, nil
	}
	for _, clause := range goautoneg.ParseAccept(accept) {
		if out, ok := matchClause(clause); ok {
			return out, nil
		}
	}

	return output{info: jsonInfo()}, notAcceptable()
}

func matchClause(c goautoneg.Accept) (output, bool) {
	if c.Type == "*" || (c.Type == "application" && c.SubType == "*") {
		return output{info: jsonInfo()}, len(c.Params) == 0
	}
	info, ok := mediaInfo(c.Type + "/" + c.SubType)
	if !ok {
		return output{}, false
	}

	return matchAs(info, c.Params)
}

// matchAs accepts a clause without "as", or one asking for a meta.k8s.io/v1 Table.
func matchAs(info runtime.SerializerInfo, params map[string]string) (output, bool) {
	as, ok := params["as"]
	if !ok {
		return output{info: info}, true
	}
	if as != "Table" || params["g"] != metav1.GroupName || params["v"] != "v1" {
		return output{}, false
	}

	return output{info: info, table: true}, info.MediaType != runtime.ContentTypeProtobuf
}

func mediaInfo(mediaType string) (runtime.SerializerInfo, bool) {
	for _, info := range codecs.SupportedMediaTypes() {
		if info.MediaType == mediaType {
			return info, true
		}
	}

	return runtime.SerializerInfo{}, false
}

func jsonInfo() runtime.SerializerInfo {
	info, _ := mediaInfo(runtime.ContentTypeJSON)

	return info
}

func notAcceptable() error {
	types := make([]string, 0, 3)
	for _, info := range codecs.SupportedMediaTypes() {
		types = append(types, info.MediaType)
	}
	msg := "only the following media types are accepted: " + strings.Join(types, ", ")

	return newStatus(http.StatusNotAcceptable, metav1.StatusReasonNotAcceptable, msg)
}

// writeObject encodes obj for the negotiated output, with its apiVersion and kind, and
// writes it with the status code.
func writeObject(w http.ResponseWriter, out output, code int, obj runtime.Object) {
	data, err := encode(out.info.Serializer, obj)
	if err != nil {
		http.Error(w, fmt.Sprintf("encoding the answer: %v", err), http.StatusInternalServerError)

		return
	}
	w.Header().Set("Content-Type", out.info.MediaType)
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(code)
	_, _ = w.Write(data)
}

// encode writes obj in the serializer's format under the group version it is registered in.
func encode(ser runtime.Encoder, obj runtime.Object) ([]byte, error) {
	gvks, _, err := kubeScheme.ObjectKinds(obj)
	if err != nil {
		return nil, fmt.Errorf("finding the kind of %T: %w", obj, err)
	}
	enc := codecs.WithoutConversion().EncoderForVersion(ser, gvks[0].GroupVersion())

	return runtime.Encode(enc, obj)
}

// decodeBody reads a request body in the format its Content-Type names into a new object of
// the kind gvk, with the kind taken from gvk when the body omits it. Unknown fields are refused
// when the client asked for strict field validation; otherwise they come back as warnings.
func decodeBody(r *http.Request, gvk schema.GroupVersionKind) (runtime.Object, []string, error) {
	info, err := inputInfo(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, nil, err
	}
	data, err := readBody(r)
	if err != nil {
		return nil, nil, err
	}
	into, err := kubeScheme.New(gvk)
	if err != nil {
		return nil, nil, apierrors.NewInternalError(err)
	}

	return decodeInto(info, data, gvk, into, r.URL.Query().Get("fieldValidation"))
}

func decodeInto(info runtime.SerializerInfo, data []byte, gvk schema.GroupVersionKind,
	into runtime.Object, validation string,
) (runtime.Object, []string, error) {
	dec := info.Serializer
	if info.StrictSerializer != nil {
		dec = info.StrictSerializer
	}
	obj, got, err := dec.Decode(data, &gvk, into)
	if err != nil {
		return lenientDecode(obj, err, validation, got, gvk, data)
	}
	if *got != gvk {
		return nil, nil, decodeError(fmt.Errorf("converting (%s.%s) to (%s.%s): unknown "+
			"conversion", got.Version, got.Kind, internalPackage(gvk.Group), gvk.Kind), got,
			gvk, data)
	}

	return obj, nil, nil
}

// lenientDecode keeps an object whose only fault is unknown fields, unless the client asked
// for fieldValidation=Strict, and turns them into warnings unless it asked to ignore them.
func lenientDecode(obj runtime.Object, err error, validation string,
	got *schema.GroupVersionKind, want schema.GroupVersionKind, data []byte,
) (runtime.Object, []string, error) {
	strict, ok := runtime.AsStrictDecodingError(err)
	if !ok || obj == nil || validation == metav1.FieldValidationStrict {
		return nil, nil, decodeError(err, got, want, data)
	}
	if validation == metav1.FieldValidationIgnore {
		return obj, nil, nil
	}
	warnings := make([]string, 0, len(strict.Errors()))
	for _, e := range strict.Errors() {
		warnings = append(warnings, e.Error())
	}

	return obj, warnings, nil
}

// decodeError words a body the server cannot use as the real server does: naming the kind the
// body claims when it could read one, else quoting the start of the body.
func decodeError(err error, got *schema.GroupVersionKind, want schema.GroupVersionKind,
	data []byte,
) error {
	if got != nil && got.Kind != "" {
		return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a "+
			"%s: %v", got.Kind, got.Version, want.Kind, err))
	}

	return apierrors.NewBadRequest(fmt.Sprintf("the object provided is unrecognized (must be "+
		"of type %s): %v (%s)", want.Kind, err, summarize(data)))
}

// summarize quotes the first 30 bytes of a body, as text when it looks like JSON.
func summarize(data []byte) string {
	const limit = 30
	switch {
	case len(data) == 0:
		return "<empty>"
	case data[0] == '{' && len(data) > limit:
		return string(data[:limit]) + " ..."
	case data[0] == '{':
		return string(data)
	case len(data) > limit:
		return hex.EncodeToString(data[:limit]) + " ..."
	default:
		return hex.EncodeToString(data)
	}
}

// internalPackage names the real server's internal API package of a group, which its
// conversion errors mention.
func internalPackage(group string) string {
	if group == "" {
		return "core"
	}
	name, _, _ := strings.Cut(group, ".")

	return name
}

func inputInfo(contentType string) (runtime.SerializerInfo, error) {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if contentType == "" {
		mediaType, err = runtime.ContentTypeJSON, nil
	}
	if err != nil {
		return runtime.SerializerInfo{}, unsupportedMediaType()
	}
	info, ok := mediaInfo(mediaType)
	if !ok {
		return runtime.SerializerInfo{}, unsupportedMediaType()
	}

	return info, nil
}

func unsupportedMediaType() error {
	return newStatus(http.StatusUnsupportedMediaType, metav1.StatusReasonUnsupportedMediaType,
		"415: Unsupported Media Type")
}

func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("reading the request body: %v", err))
	}
	if len(data) > maxBodyBytes {
		return nil, apierrors.NewRequestEntityTooLargeError("limit is 3145728")
	}

	return data, nil
}
