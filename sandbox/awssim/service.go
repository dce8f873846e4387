package awssim

import (
	"net/http"
)

// protocol is the wire protocol a service speaks.
type protocol int

const (
	awsQuery protocol = iota
	awsJSON
	restJSON
)

// service is one simulated AWS service: its signing name, protocol and operations.
type service struct {
	name  string
	proto protocol
	// xmlns is the namespace of an awsQuery service's answers.
	xmlns string
	codes codes
	// ops are the operations of an RPC service, by name.
	ops map[string]handler
	// routes are the operations of a REST service.
	routes []restRoute
}

// services are the simulated services by signing name. It is filled in init because the
// operation tables refer back to the Sim's methods.
var services map[string]*service

func init() {
	iamCodes := queryCodes
	iamCodes.internal = "ServiceFailure"
	ecrCodes := jsonCodes
	ecrCodes.deniedStatus = http.StatusBadRequest

	services = map[string]*service{
		"sts": {name: "sts", proto: awsQuery, xmlns: stsXMLNS, codes: queryCodes, ops: stsOps},
		"iam": {name: "iam", proto: awsQuery, xmlns: iamXMLNS, codes: iamCodes, ops: iamOps()},
		"ecr": {name: "ecr", proto: awsJSON, codes: ecrCodes, ops: ecrOps},
		"eks": {name: "eks", proto: restJSON, codes: jsonCodes, routes: eksRoutes},
	}
}

// route finds the operation a request calls and sets the call's op and handler.
func (svc *service) route(c *call) error {
	switch svc.proto {
	case awsQuery:
		return routeQuery(c)
	case awsJSON:
		return routeJSON(c)
	}

	return routeREST(c)
}

// writeResult writes an operation's successful answer.
func (svc *service) writeResult(w http.ResponseWriter, reqID, op string, out any) {
	switch svc.proto {
	case awsQuery:
		writeQuery(w, svc.xmlns, reqID, op, out)
	case awsJSON:
		writeJSON(w, http.StatusOK, "application/x-amz-json-1.1", out)
	default:
		writeJSON(w, http.StatusOK, "application/json", out)
	}
}

// writeError writes an error answer in the service's protocol.
func (svc *service) writeError(w http.ResponseWriter, reqID string, e *apiError) {
	switch svc.proto {
	case awsQuery:
		writeQueryError(w, svc.xmlns, reqID, e)
	case awsJSON:
		writeJSONError(w, e)
	default:
		writeRESTError(w, e)
	}
}
