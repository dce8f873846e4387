package kubesim

import (
	"encoding/json"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// maxDataBytes is the real server's limit on the data of one ConfigMap or Secret.
const maxDataBytes = 1 << 20

var metaPath = field.NewPath("metadata")

// validateMeta checks the metadata of a new object, or of an update when old is not nil.
func validateMeta(obj, old runtime.Object, namespaced bool,
	nameFn apivalidation.ValidateNameFunc,
) field.ErrorList {
	m := mustMeta(obj)
	errs := apivalidation.ValidateObjectMetaAccessor(m, namespaced, nameFn, metaPath)
	if old != nil {
		errs = append(errs, apivalidation.ValidateObjectMetaAccessorUpdate(m, mustMeta(old),
			metaPath)...)
	}

	return errs
}

func validateNamespace(obj, old runtime.Object) field.ErrorList {
	return validateMeta(obj, old, false, apivalidation.ValidateNamespaceName)
}

func validateServiceAccount(obj, old runtime.Object) field.ErrorList {
	return validateMeta(obj, old, true, apivalidation.NameIsDNSSubdomain)
}

func validateConfigMap(obj, old runtime.Object) field.ErrorList {
	cm := obj.(*corev1.ConfigMap)
	errs := validateMeta(obj, old, true, apivalidation.NameIsDNSSubdomain)
	errs = append(errs, validateKeys(cm.Data, cm.BinaryData)...)
	if old != nil {
		errs = append(errs, validateImmutableData(cm, old.(*corev1.ConfigMap))...)
	}

	return errs
}

// validateKeys checks the keys and total size of a ConfigMap's data and binaryData.
func validateKeys(data map[string]string, binary map[string][]byte) field.ErrorList {
	var errs field.ErrorList
	size := 0
	for k, v := range data {
		errs = append(errs, validateKey(field.NewPath("data").Key(k), k)...)
		if _, dup := binary[k]; dup {
			msg := "duplicate of key present in binaryData"
			errs = append(errs, field.Invalid(field.NewPath("data").Key(k), k, msg))
		}
		size += len(k) + len(v)
	}
	for k, v := range binary {
		errs = append(errs, validateKey(field.NewPath("binaryData").Key(k), k)...)
		size += len(k) + len(v)
	}
	if size > maxDataBytes {
		errs = append(errs, field.TooLong(field.NewPath("data"), "", maxDataBytes))
	}

	return errs
}

func validateKey(p *field.Path, key string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsConfigMapKey(key) {
		errs = append(errs, field.Invalid(p, key, msg))
	}

	return errs
}

// frozenField is a field that may not change once its object is marked immutable.
type frozenField struct {
	name string
	same bool
}

// validateFrozen refuses to unmark an immutable object or to change its frozen fields.
func validateFrozen(was, is *bool, fields ...frozenField) field.ErrorList {
	if was == nil || !*was {
		return nil
	}
	const msg = "field is immutable when `immutable` is set"
	var errs field.ErrorList
	if is == nil || !*is {
		errs = append(errs, field.Forbidden(field.NewPath("immutable"), msg))
	}
	for _, f := range fields {
		if !f.same {
			errs = append(errs, field.Forbidden(field.NewPath(f.name), msg))
		}
	}

	return errs
}

func validateImmutableData(cm, old *corev1.ConfigMap) field.ErrorList {
	return validateFrozen(old.Immutable, cm.Immutable,
		frozenField{"data", apiequality.Semantic.DeepEqual(cm.Data, old.Data)},
		frozenField{"binaryData", apiequality.Semantic.DeepEqual(cm.BinaryData, old.BinaryData)})
}

func validateSecret(obj, old runtime.Object) field.ErrorList {
	sec := obj.(*corev1.Secret)
	errs := validateMeta(obj, old, true, apivalidation.NameIsDNSSubdomain)
	if old != nil {
		prev := old.(*corev1.Secret)
		if sec.Type != prev.Type {
			errs = append(errs, field.Invalid(field.NewPath("type"), sec.Type,
				"field is immutable"))
		}
		errs = append(errs, validateFrozen(prev.Immutable, sec.Immutable, frozenField{"data",
			apiequality.Semantic.DeepEqual(sec.Data, prev.Data)})...)
	}
	errs = append(errs, validateSecretData(sec.Data)...)

	return append(errs, validateSecretType(sec)...)
}

func validateSecretData(data map[string][]byte) field.ErrorList {
	var errs field.ErrorList
	size := 0
	for k, v := range data {
		errs = append(errs, validateKey(field.NewPath("data").Key(k), k)...)
		size += len(v)
	}
	if size > maxDataBytes {
		errs = append(errs, field.TooLong(field.NewPath("data"), "", maxDataBytes))
	}

	return errs
}

// validateSecretType checks the keys the well-known secret types require.
func validateSecretType(sec *corev1.Secret) field.ErrorList {
	switch sec.Type {
	case corev1.SecretTypeDockerConfigJson:
		return validateDockerConfig(sec.Data, corev1.DockerConfigJsonKey)
	case corev1.SecretTypeDockercfg:
		return validateDockerConfig(sec.Data, corev1.DockerConfigKey)
	case corev1.SecretTypeServiceAccountToken:
		if sec.Annotations[corev1.ServiceAccountNameKey] == "" {
			p := metaPath.Child("annotations").Key(corev1.ServiceAccountNameKey)

			return field.ErrorList{field.Required(p, "")}
		}
	case corev1.SecretTypeBasicAuth:
		if !hasAnyKey(sec.Data, corev1.BasicAuthUsernameKey, corev1.BasicAuthPasswordKey) {
			return requiredKeys(corev1.BasicAuthUsernameKey, corev1.BasicAuthPasswordKey)
		}
	case corev1.SecretTypeSSHAuth:
		return requiredKeys(missingKeys(sec.Data, corev1.SSHAuthPrivateKey)...)
	case corev1.SecretTypeTLS:
		return requiredKeys(missingKeys(sec.Data, corev1.TLSCertKey, corev1.TLSPrivateKeyKey)...)
	}

	return nil
}

func hasAnyKey(data map[string][]byte, keys ...string) bool {
	return len(missingKeys(data, keys...)) < len(keys)
}

func missingKeys(data map[string][]byte, keys ...string) []string {
	var missing []string
	for _, k := range keys {
		if _, ok := data[k]; !ok {
			missing = append(missing, k)
		}
	}

	return missing
}

func requiredKeys(keys ...string) field.ErrorList {
	var errs field.ErrorList
	for _, k := range keys {
		errs = append(errs, field.Required(field.NewPath("data").Key(k), ""))
	}

	return errs
}

func validateDockerConfig(data map[string][]byte, key string) field.ErrorList {
	raw, ok := data[key]
	if !ok {
		return requiredKeys(key)
	}
	var doc map[string]any
	if json.Unmarshal(raw, &doc) != nil {
		// The real server quotes the JSON error, which can show a character of the secret;
		// the sandbox keeps to onramp's rule that secrets never reach an error.
		p := field.NewPath("data").Key(key)

		return field.ErrorList{field.Invalid(p, "<secret contents redacted>",
			"must be valid JSON")}
	}

	return nil
}

func validateEvent(obj, old runtime.Object) field.ErrorList {
	return validateMeta(obj, old, true, apivalidation.NameIsDNSSubdomain)
}

func validatePod(obj, old runtime.Object) field.ErrorList {
	pod := obj.(*corev1.Pod)
	errs := validateMeta(obj, old, true, apivalidation.NameIsDNSSubdomain)

	return append(errs, validateContainers(pod.Spec.Containers, field.NewPath("spec"))...)
}

// validateContainers checks that a pod spec names its containers and their images.
// TODO: the rest of the real pod validation (volumes, probes, resources) is left out; the
// sandbox's workloads never run, so only what onramp sets is checked.
func validateContainers(cs []corev1.Container, spec *field.Path) field.ErrorList {
	p := spec.Child("containers")
	if len(cs) == 0 {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	for i, c := range cs {
		errs = append(errs, validateContainer(c, p.Index(i))...)
	}

	return errs
}

func validateContainer(c corev1.Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	}
	for _, msg := range validation.IsDNS1123Label(c.Name) {
		if c.Name != "" {
			errs = append(errs, field.Invalid(p.Child("name"), c.Name, msg))
		}
	}
	if c.Image == "" {
		errs = append(errs, field.Required(p.Child("image"), ""))
	}

	return errs
}

func validateDeployment(obj, old runtime.Object) field.ErrorList {
	d := obj.(*appsv1.Deployment)
	errs := validateMeta(obj, old, true, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	errs = append(errs, validateSelector(d, spec)...)
	errs = append(errs, validateContainers(d.Spec.Template.Spec.Containers,
		spec.Child("template", "spec"))...)
	if d.Spec.Replicas != nil && *d.Spec.Replicas < 0 {
		errs = append(errs, field.Invalid(spec.Child("replicas"), int64(*d.Spec.Replicas),
			"must be greater than or equal to 0"))
	}
	if old != nil {
		errs = append(errs, validateSelectorUpdate(d, old.(*appsv1.Deployment))...)
	}

	return errs
}

func validateSelector(d *appsv1.Deployment, spec *field.Path) field.ErrorList {
	p := spec.Child("selector")
	if d.Spec.Selector == nil {
		return field.ErrorList{field.Required(p, "")}
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return field.ErrorList{field.Invalid(p, d.Spec.Selector, err.Error())}
	}
	if sel.Empty() {
		return field.ErrorList{field.Invalid(p, d.Spec.Selector,
			"empty selector is invalid for deployment")}
	}
	if !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		return field.ErrorList{field.Invalid(spec.Child("template", "metadata", "labels"),
			d.Spec.Template.Labels, "`selector` does not match template `labels`")}
	}

	return nil
}

func validateSelectorUpdate(d, old *appsv1.Deployment) field.ErrorList {
	if apiequality.Semantic.DeepEqual(d.Spec.Selector, old.Spec.Selector) {
		return nil
	}

	return field.ErrorList{field.Invalid(field.NewPath("spec", "selector"), d.Spec.Selector,
		"field is immutable")}
}
