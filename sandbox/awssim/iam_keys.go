package awssim

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Access key statuses.
const (
	statusActive   = "Active"
	statusInactive = "Inactive"
)

// keysPerUser is IAM's quota of access keys per user.
const keysPerUser = 2

// Credentials are an access key the Sim issued; SessionToken is set for temporary ones.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// accessKeyXML is IAM's AccessKey and AccessKeyMetadata.
type accessKeyXML struct {
	UserName        string
	AccessKeyId     string
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      isoTime
}

// userKeys returns a user's access keys, oldest first.
func (s *Sim) userKeys(name string) []*accessKey {
	var keys []*accessKey
	for _, k := range s.st.Keys {
		if k.User == name {
			keys = append(keys, k)
		}
	}

	slices.SortFunc(keys, func(a, b *accessKey) int {
		return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.ID, b.ID))
	})

	return keys
}

// createKey issues an access key to a user. It authenticates after KeyDelay unless ready.
func (s *Sim) createKey(name string, ready bool) (*accessKey, error) {
	if _, err := s.getUser(name); err != nil {
		return nil, err
	}

	if len(s.userKeys(name)) >= keysPerUser {
		return nil, conflict("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: %d",
			keysPerUser)
	}

	now := s.now()
	k := &accessKey{ID: newID("AKIA", 16), Secret: newSecret(30), User: name,
		Status: statusActive, Created: now, ReadyAt: now.Add(s.opts.KeyDelay)}
	if ready {
		k.ReadyAt = time.Time{}
	}

	s.st.Keys[k.ID] = k

	return k, nil
}

// keyUserCall checks an access key operation's user, the caller's own by default, and its
// authorization, and returns the user's name.
func (s *Sim) keyUserCall(c *call) (string, error) {
	name, err := s.targetUser(c)
	if err != nil {
		return "", err
	}

	if err := s.authorize(c, "iam:"+c.op, s.userARN(name)); err != nil {
		return "", err
	}

	_, err = s.getUser(name)

	return name, err
}

// iamCreateAccessKey serves CreateAccessKey; the third key of a user is refused.
func (s *Sim) iamCreateAccessKey(c *call) (any, error) {
	name, err := s.keyUserCall(c)
	if err != nil {
		return nil, err
	}

	k, err := s.createKey(name, false)
	if err != nil {
		return nil, err
	}

	x := keyXML(k)
	x.SecretAccessKey = k.Secret

	return struct{ AccessKey accessKeyXML }{x}, nil
}

// keyXML describes a key without its secret.
func keyXML(k *accessKey) accessKeyXML {
	return accessKeyXML{UserName: k.User, AccessKeyId: k.ID, Status: k.Status,
		CreateDate: isoTime(k.Created)}
}

// iamListAccessKeys serves ListAccessKeys.
func (s *Sim) iamListAccessKeys(c *call) (any, error) {
	name, err := s.keyUserCall(c)
	if err != nil {
		return nil, err
	}

	var list []accessKeyXML
	for _, k := range s.userKeys(name) {
		list = append(list, keyXML(k))
	}

	page, marker, err := paginate(list, c.form.Get("Marker"), c.form.Get("MaxItems"))
	if err != nil {
		return nil, err
	}

	return struct {
		AccessKeyMetadata []accessKeyXML `xml:"AccessKeyMetadata>member"`
		IsTruncated       bool
		Marker            string `xml:",omitempty"`
	}{page, marker != "", marker}, nil
}

// userKey returns the call's AccessKeyId if it belongs to the user, or NoSuchEntity.
func (s *Sim) userKey(c *call, name string) (*accessKey, error) {
	id := c.form.Get("AccessKeyId")
	k, ok := s.st.Keys[id]
	if !ok || k.User != name {
		return nil, noSuchEntity("The Access Key with id %s cannot be found.", id)
	}

	return k, nil
}

// iamUpdateAccessKey serves UpdateAccessKey: an Inactive key no longer authenticates.
func (s *Sim) iamUpdateAccessKey(c *call) (any, error) {
	status := c.form.Get("Status")
	if status != statusActive && status != statusInactive {
		return nil, validationError("status", status,
			"Member must satisfy enum value set: [Active, Inactive]")
	}

	name, err := s.keyUserCall(c)
	if err != nil {
		return nil, err
	}

	k, err := s.userKey(c, name)
	if err != nil {
		return nil, err
	}

	k.Status = status

	return nil, nil
}

// iamDeleteAccessKey serves DeleteAccessKey.
func (s *Sim) iamDeleteAccessKey(c *call) (any, error) {
	name, err := s.keyUserCall(c)
	if err != nil {
		return nil, err
	}

	k, err := s.userKey(c, name)
	if err != nil {
		return nil, err
	}

	delete(s.st.Keys, k.ID)

	return nil, nil
}

// accessKeyLastUsedXML is IAM's AccessKeyLastUsed; a key never used reports N/A.
type accessKeyLastUsedXML struct {
	LastUsedDate *isoTime `xml:",omitempty"`
	ServiceName  string
	Region       string
}

// iamGetAccessKeyLastUsed serves GetAccessKeyLastUsed, whose answer the Sim records at each
// authentication.
func (s *Sim) iamGetAccessKeyLastUsed(c *call) (any, error) {
	id := c.form.Get("AccessKeyId")
	k, ok := s.st.Keys[id]
	if !ok {
		return nil, apiErr(http.StatusForbidden, "AccessDenied",
			"User: %s is not authorized to perform: iam:GetAccessKeyLastUsed on resource: "+
				"access key %s", c.caller.ARN, id)
	}

	if err := s.authorize(c, "iam:GetAccessKeyLastUsed", s.userARN(k.User)); err != nil {
		return nil, err
	}

	used := accessKeyLastUsedXML{ServiceName: "N/A", Region: "N/A"}
	if !k.LastUsed.IsZero() {
		used = accessKeyLastUsedXML{LastUsedDate: optionalTime(k.LastUsed),
			ServiceName: k.LastService, Region: k.LastRegion}
	}

	return struct {
		UserName          string
		AccessKeyLastUsed accessKeyLastUsedXML
	}{k.User, used}, nil
}
