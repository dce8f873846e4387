package kubesim

import (
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// rbacName is the real server's minimal name rule for RBAC objects: any path segment.
var rbacName = path.ValidatePathSegmentName

func validateRole(obj, old runtime.Object) field.ErrorList {
	errs := validateMeta(obj, old, true, rbacName)

	return append(errs, validateRules(obj.(*rbacv1.Role).Rules, true)...)
}

func validateClusterRole(obj, old runtime.Object) field.ErrorList {
	cr := obj.(*rbacv1.ClusterRole)
	errs := validateMeta(obj, old, false, rbacName)
	errs = append(errs, validateRules(cr.Rules, false)...)
	if cr.AggregationRule != nil && len(cr.AggregationRule.ClusterRoleSelectors) == 0 {
		p := field.NewPath("aggregationRule", "clusterRoleSelectors")
		errs = append(errs, field.Required(p, "at least one clusterRoleSelector required "+
			"if aggregationRule is non-nil"))
	}

	return errs
}

func validateRules(rules []rbacv1.PolicyRule, namespaced bool) field.ErrorList {
	var errs field.ErrorList
	for i, rule := range rules {
		errs = append(errs, validateRule(rule, namespaced, field.NewPath("rules").Index(i))...)
	}

	return errs
}

func validateRule(rule rbacv1.PolicyRule, namespaced bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(rule.Verbs) == 0 {
		errs = append(errs, field.Required(p.Child("verbs"),
			"verbs must contain at least one value"))
	}
	if len(rule.NonResourceURLs) > 0 {
		return append(errs, validateURLRule(rule, namespaced, p)...)
	}
	if len(rule.APIGroups) == 0 {
		errs = append(errs, field.Required(p.Child("apiGroups"),
			"resource rules must supply at least one api group"))
	}
	if len(rule.Resources) == 0 {
		errs = append(errs, field.Required(p.Child("resources"),
			"resource rules must supply at least one resource"))
	}

	return errs
}

func validateURLRule(rule rbacv1.PolicyRule, namespaced bool, p *field.Path) field.ErrorList {
	urls := p.Child("nonResourceURLs")
	if namespaced {
		return field.ErrorList{field.Invalid(urls, rule.NonResourceURLs,
			"namespaced rules cannot apply to non-resource URLs")}
	}
	if len(rule.APIGroups) > 0 || len(rule.Resources) > 0 {
		return field.ErrorList{field.Invalid(urls, rule.NonResourceURLs,
			"rules cannot apply to both regular resources and non-resource URLs")}
	}

	return nil
}

func validateRoleBinding(obj, old runtime.Object) field.ErrorList {
	rb := obj.(*rbacv1.RoleBinding)
	errs := validateMeta(obj, old, true, rbacName)
	errs = append(errs, validateRoleRef(rb.RoleRef, []string{"Role", "ClusterRole"})...)
	errs = append(errs, validateSubjects(rb.Subjects, true)...)
	if old != nil {
		errs = append(errs, validateRoleRefUpdate(rb.RoleRef, old.(*rbacv1.RoleBinding).RoleRef)...)
	}

	return errs
}

func validateClusterRoleBinding(obj, old runtime.Object) field.ErrorList {
	crb := obj.(*rbacv1.ClusterRoleBinding)
	errs := validateMeta(obj, old, false, rbacName)
	errs = append(errs, validateRoleRef(crb.RoleRef, []string{"ClusterRole"})...)
	errs = append(errs, validateSubjects(crb.Subjects, false)...)
	if old != nil {
		oldRef := old.(*rbacv1.ClusterRoleBinding).RoleRef
		errs = append(errs, validateRoleRefUpdate(crb.RoleRef, oldRef)...)
	}

	return errs
}

func validateRoleRef(ref rbacv1.RoleRef, kinds []string) field.ErrorList {
	p := field.NewPath("roleRef")
	var errs field.ErrorList
	if ref.APIGroup != rbacv1.GroupName {
		errs = append(errs, field.NotSupported(p.Child("apiGroup"), ref.APIGroup,
			[]string{rbacv1.GroupName}))
	}
	if !slices.Contains(kinds, ref.Kind) {
		errs = append(errs, field.NotSupported(p.Child("kind"), ref.Kind, kinds))
	}
	if ref.Name == "" {
		return append(errs, field.Required(p.Child("name"), ""))
	}
	for _, msg := range rbacName(ref.Name, false) {
		errs = append(errs, field.Invalid(p.Child("name"), ref.Name, msg))
	}

	return errs
}

func validateRoleRefUpdate(ref, old rbacv1.RoleRef) field.ErrorList {
	if apiequality.Semantic.DeepEqual(ref, old) {
		return nil
	}
	// The real server shows the value as its internal type, without JSON names.
	shown := struct{ APIGroup, Kind, Name string }{ref.APIGroup, ref.Kind, ref.Name}

	return field.ErrorList{field.Invalid(field.NewPath("roleRef"), shown, "field is immutable")}
}

func validateSubjects(subjects []rbacv1.Subject, namespaced bool) field.ErrorList {
	var errs field.ErrorList
	for i, s := range subjects {
		errs = append(errs, validateSubject(s, namespaced, field.NewPath("subjects").Index(i))...)
	}

	return errs
}

func validateSubject(s rbacv1.Subject, namespaced bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	}
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		errs = append(errs, validateServiceAccountSubject(s, namespaced, p)...)
	case rbacv1.UserKind, rbacv1.GroupKind:
		if s.APIGroup != rbacv1.GroupName {
			errs = append(errs, field.NotSupported(p.Child("apiGroup"), s.APIGroup,
				[]string{rbacv1.GroupName}))
		}
	default:
		errs = append(errs, field.NotSupported(p.Child("kind"), s.Kind,
			[]string{rbacv1.ServiceAccountKind, rbacv1.UserKind, rbacv1.GroupKind}))
	}

	return errs
}

func validateServiceAccountSubject(s rbacv1.Subject, namespaced bool, p *field.Path,
) field.ErrorList {
	var errs field.ErrorList
	if s.APIGroup != "" {
		errs = append(errs, field.NotSupported(p.Child("apiGroup"), s.APIGroup, []string{""}))
	}
	if s.Name != "" {
		for _, msg := range validation.IsDNS1123Subdomain(s.Name) {
			errs = append(errs, field.Invalid(p.Child("name"), s.Name, msg))
		}
	}
	if !namespaced && s.Namespace == "" {
		errs = append(errs, field.Required(p.Child("namespace"), ""))
	}

	return errs
}
