package awssim

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// thumbprintPattern is the form of an OIDC provider's certificate thumbprint.
var thumbprintPattern = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// iamCreateOIDCProvider serves CreateOpenIDConnectProvider.
func (s *Sim) iamCreateOIDCProvider(c *call) (any, error) {
	p, err := s.newProvider(c.form.Get("Url"), memberList(c.form, "ClientIDList"),
		memberList(c.form, "ThumbprintList"))
	if err != nil {
		return nil, err
	}

	if err := s.authorize(c, "iam:CreateOpenIDConnectProvider", p.ARN); err != nil {
		return nil, err
	}

	if _, ok := s.st.Providers[p.ARN]; ok {
		return nil, conflict("EntityAlreadyExists", "Provider with url %s already exists.", p.URL)
	}

	s.st.Providers[p.ARN] = p

	return struct{ OpenIDConnectProviderArn string }{p.ARN}, nil
}

// newProvider checks a provider's URL and thumbprints and builds it.
func (s *Sim) newProvider(rawURL string, clients, thumbprints []string) (*oidcProvider, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" {
		return nil, apiErr(http.StatusBadRequest, "InvalidInput",
			"Invalid url: %s. The URL must begin with https://", rawURL)
	}

	for _, t := range thumbprints {
		if !thumbprintPattern.MatchString(t) {
			return nil, apiErr(http.StatusBadRequest, "InvalidInput",
				"Thumbprint %s is not a 40-character hexadecimal string.", t)
		}
	}

	host := strings.TrimSuffix(u.Host+u.Path, "/")

	return &oidcProvider{ARN: s.iamARN("oidc-provider/" + host), URL: rawURL,
		ClientIDs: clients, Thumbprints: thumbprints, Created: s.now()}, nil
}

// providerCall checks a provider operation's authorization and returns the provider.
func (s *Sim) providerCall(c *call) (*oidcProvider, error) {
	arn := c.form.Get("OpenIDConnectProviderArn")
	if err := s.authorize(c, "iam:"+c.op, arn); err != nil {
		return nil, err
	}

	p, ok := s.st.Providers[arn]
	if !ok {
		return nil, noSuchEntity("OpenIDConnect Provider not found for arn %s", arn)
	}

	return p, nil
}

// iamGetOIDCProvider serves GetOpenIDConnectProvider; like IAM it reports the URL without
// its scheme.
func (s *Sim) iamGetOIDCProvider(c *call) (any, error) {
	p, err := s.providerCall(c)
	if err != nil {
		return nil, err
	}

	return struct {
			Url            string
			ClientIDList   []string `xml:"ClientIDList>member"`
			ThumbprintList []string `xml:"ThumbprintList>member"`
			CreateDate     isoTime
		}{strings.TrimPrefix(p.URL, "https://"), p.ClientIDs, p.Thumbprints, isoTime(p.Created)},
		nil
}

// iamDeleteOIDCProvider serves DeleteOpenIDConnectProvider.
func (s *Sim) iamDeleteOIDCProvider(c *call) (any, error) {
	p, err := s.providerCall(c)
	if err != nil {
		return nil, err
	}

	delete(s.st.Providers, p.ARN)

	return nil, nil
}

// providerEntryXML is IAM's OpenIDConnectProviderListEntry.
type providerEntryXML struct {
	Arn string
}

// iamListOIDCProviders serves ListOpenIDConnectProviders.
func (s *Sim) iamListOIDCProviders(c *call) (any, error) {
	if err := s.authorize(c, "iam:ListOpenIDConnectProviders", "*"); err != nil {
		return nil, err
	}

	var list []providerEntryXML
	for _, arn := range sortedKeys(s.st.Providers) {
		list = append(list, providerEntryXML{Arn: arn})
	}

	return struct {
		OpenIDConnectProviderList []providerEntryXML `xml:"OpenIDConnectProviderList>member"`
	}{list}, nil
}
