package kubesim

import (
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// The default values the real server fills into objects that leave them out.
const (
	namespaceNameLabel   = "kubernetes.io/metadata.name"
	namespaceFinalizer   = corev1.FinalizerKubernetes
	defaultGracePeriod   = int64(30)
	defaultHistoryLimit  = int32(10)
	defaultProgressLimit = int32(600)
	defaultVolumeMode    = int32(0o644)
)

// Each prepare function sets what the real server sets on a create (old is nil) or an update:
// defaults, derived fields, and the fields only a status subresource may change.

func noDefaults(runtime.Object, runtime.Object) {}

func prepareNamespace(obj, old runtime.Object) {
	ns := obj.(*corev1.Namespace)
	if ns.Labels == nil {
		ns.Labels = map[string]string{}
	}
	ns.Labels[namespaceNameLabel] = ns.Name
	if old != nil {
		ns.Spec.Finalizers = old.(*corev1.Namespace).Spec.Finalizers
		ns.Status = old.(*corev1.Namespace).Status

		return
	}
	if !slices.Contains(ns.Spec.Finalizers, namespaceFinalizer) {
		ns.Spec.Finalizers = append(ns.Spec.Finalizers, namespaceFinalizer)
	}
	ns.Status = corev1.NamespaceStatus{Phase: corev1.NamespaceActive}
}

// prepareSecret folds stringData into data, as the real server does on every write.
func prepareSecret(obj, _ runtime.Object) {
	sec := obj.(*corev1.Secret)
	if sec.Type == "" {
		sec.Type = corev1.SecretTypeOpaque
	}
	if len(sec.StringData) == 0 {
		sec.StringData = nil

		return
	}
	if sec.Data == nil {
		sec.Data = map[string][]byte{}
	}
	for k, v := range sec.StringData {
		sec.Data[k] = []byte(v)
	}
	sec.StringData = nil
}

func prepareRoleBinding(obj, _ runtime.Object) {
	rb := obj.(*rbacv1.RoleBinding)
	defaultRoleRef(&rb.RoleRef)
	defaultSubjects(rb.Subjects)
}

func prepareClusterRoleBinding(obj, _ runtime.Object) {
	crb := obj.(*rbacv1.ClusterRoleBinding)
	defaultRoleRef(&crb.RoleRef)
	defaultSubjects(crb.Subjects)
}

func defaultRoleRef(ref *rbacv1.RoleRef) {
	if ref.APIGroup == "" {
		ref.APIGroup = rbacv1.GroupName
	}
}

func defaultSubjects(subjects []rbacv1.Subject) {
	for i := range subjects {
		s := &subjects[i]
		if s.APIGroup == "" && (s.Kind == rbacv1.UserKind || s.Kind == rbacv1.GroupKind) {
			s.APIGroup = rbacv1.GroupName
		}
	}
}

func preparePod(obj, old runtime.Object) {
	pod := obj.(*corev1.Pod)
	defaultPodSpec(&pod.Spec)
	if old != nil {
		pod.Status = old.(*corev1.Pod).Status
	}
}

// prepareDeployment sets the apps/v1 defaults; a new Deployment starts at generation 1 with
// no status, and a change of its spec moves the generation on.
// TODO: no controller rolls Deployments out, so their status stays empty and no Pods appear;
// the sandbox's glue may create Pods with Server.Create when a scenario needs them.
func prepareDeployment(obj, old runtime.Object) {
	d := obj.(*appsv1.Deployment)
	defaultDeploymentSpec(&d.Spec)
	if old == nil {
		d.Generation = 1
		d.Status = appsv1.DeploymentStatus{}

		return
	}
	prev := old.(*appsv1.Deployment)
	d.Status = prev.Status
	d.Generation = prev.Generation
	if !apiequality.Semantic.DeepEqual(d.Spec, prev.Spec) {
		d.Generation++
	}
}

func defaultDeploymentSpec(spec *appsv1.DeploymentSpec) {
	if spec.Replicas == nil {
		spec.Replicas = ptr.To[int32](1)
	}
	defaultStrategy(&spec.Strategy)
	if spec.RevisionHistoryLimit == nil {
		spec.RevisionHistoryLimit = ptr.To(defaultHistoryLimit)
	}
	if spec.ProgressDeadlineSeconds == nil {
		spec.ProgressDeadlineSeconds = ptr.To(defaultProgressLimit)
	}
	defaultPodSpec(&spec.Template.Spec)
}

func defaultStrategy(s *appsv1.DeploymentStrategy) {
	if s.Type == "" {
		s.Type = appsv1.RollingUpdateDeploymentStrategyType
	}
	if s.Type != appsv1.RollingUpdateDeploymentStrategyType {
		return
	}
	if s.RollingUpdate == nil {
		s.RollingUpdate = &appsv1.RollingUpdateDeployment{}
	}
	quarter := intstr.FromString("25%")
	if s.RollingUpdate.MaxUnavailable == nil {
		s.RollingUpdate.MaxUnavailable = &quarter
	}
	if s.RollingUpdate.MaxSurge == nil {
		s.RollingUpdate.MaxSurge = ptr.To(quarter)
	}
}

func defaultPodSpec(spec *corev1.PodSpec) {
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = corev1.RestartPolicyAlways
	}
	if spec.TerminationGracePeriodSeconds == nil {
		spec.TerminationGracePeriodSeconds = ptr.To(defaultGracePeriod)
	}
	if spec.DNSPolicy == "" {
		spec.DNSPolicy = corev1.DNSClusterFirst
	}
	if spec.SecurityContext == nil {
		spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	if spec.SchedulerName == "" {
		spec.SchedulerName = corev1.DefaultSchedulerName
	}
	if spec.DeprecatedServiceAccount == "" {
		spec.DeprecatedServiceAccount = spec.ServiceAccountName
	}
	defaultContainers(spec.InitContainers)
	defaultContainers(spec.Containers)
	defaultVolumes(spec.Volumes)
}

func defaultContainers(cs []corev1.Container) {
	for i := range cs {
		c := &cs[i]
		if c.TerminationMessagePath == "" {
			c.TerminationMessagePath = corev1.TerminationMessagePathDefault
		}
		if c.TerminationMessagePolicy == "" {
			c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
		}
		if c.ImagePullPolicy == "" {
			c.ImagePullPolicy = pullPolicy(c.Image)
		}
		defaultPorts(c.Ports)
		defaultEnv(c.Env)
	}
}

// pullPolicy is Always for an image without a tag or tagged latest, IfNotPresent otherwise.
func pullPolicy(image string) corev1.PullPolicy {
	if strings.Contains(image, "@") {
		return corev1.PullIfNotPresent
	}
	name := image[strings.LastIndex(image, "/")+1:]
	_, tag, ok := strings.Cut(name, ":")
	if !ok || tag == "latest" {
		return corev1.PullAlways
	}

	return corev1.PullIfNotPresent
}

func defaultPorts(ports []corev1.ContainerPort) {
	for i := range ports {
		if ports[i].Protocol == "" {
			ports[i].Protocol = corev1.ProtocolTCP
		}
	}
}

func defaultEnv(env []corev1.EnvVar) {
	for i := range env {
		from := env[i].ValueFrom
		if from != nil && from.FieldRef != nil && from.FieldRef.APIVersion == "" {
			from.FieldRef.APIVersion = "v1"
		}
	}
}

func defaultVolumes(volumes []corev1.Volume) {
	for i := range volumes {
		src := &volumes[i].VolumeSource
		if src.Secret != nil && src.Secret.DefaultMode == nil {
			src.Secret.DefaultMode = ptr.To(defaultVolumeMode)
		}
		if src.ConfigMap != nil && src.ConfigMap.DefaultMode == nil {
			src.ConfigMap.DefaultMode = ptr.To(defaultVolumeMode)
		}
		if src.Projected != nil && src.Projected.DefaultMode == nil {
			src.Projected.DefaultMode = ptr.To(defaultVolumeMode)
		}
	}
}
