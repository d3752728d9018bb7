"""Policies every rendered chart must meet, as pure functions over manifests.

Each check returns :class:`Finding` values naming the object (``Kind/name``) and
the field at fault, so a failure reads like ``Deployment/events:
spec.template.spec.containers[0].readinessProbe: missing``.

- serving containers (Deployment, StatefulSet, DaemonSet) have startup,
  liveness (``/healthz``) and readiness (``/readyz``) probes;
- every container, Jobs' included, has CPU and memory requests and a memory limit;
- every pod runs hardened: non-root, read-only root filesystem, no privilege
  escalation, all capabilities dropped, seccomp ``RuntimeDefault``;
- no Secret object carries data, and no env var or ConfigMap key that names a
  secret carries a literal value (secrets come from ``existingSecret``);
- every Service selects some Deployment's pods on a port they declare;
- every Deployment is selected by a NetworkPolicy; with production values, also by
  an HPA and a PDB, with at least two replicas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SECRET_NAME",
    "Finding",
    "Manifest",
    "check_all",
    "check_containers",
    "check_production",
    "check_secrets",
    "check_services",
    "object_name",
]

Manifest = dict[str, Any]

WORKLOADS_WITH_PROBES = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
WORKLOADS = WORKLOADS_WITH_PROBES | {"Job", "CronJob"}
# Variable or key names that hold secrets: they must come from a Secret reference.
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|PRIVATE|(^|_)KEYS?($|_)|DATABASE_URL|REDIS_URL)")
SECCOMP_OK = frozenset({"RuntimeDefault", "Localhost"})
# etcd refuses objects over 1 MiB; keep room for metadata.
CONFIGMAP_LIMIT = 1_000_000


@dataclass(frozen=True, order=True)
class Finding:
    """One broken rule: which object, which field, what is wrong."""

    obj: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.obj}: {self.field}: {self.message}"


def object_name(manifest: Manifest) -> str:
    meta = manifest.get("metadata") or {}
    return f"{manifest.get('kind', '?')}/{meta.get('name', '?')}"


def _pod_spec(manifest: Manifest) -> tuple[str, dict[str, Any]] | None:
    """The pod spec of a workload and its path, or None for other kinds."""
    kind = manifest.get("kind")
    spec = manifest.get("spec") or {}
    if kind == "CronJob":
        pod = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
        return "spec.jobTemplate.spec.template.spec", pod.get("spec") or {}
    if kind in WORKLOADS:
        return "spec.template.spec", (spec.get("template") or {}).get("spec") or {}
    return None


def _containers(pod: dict[str, Any], base: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for group in ("initContainers", "containers"):
        for index, container in enumerate(pod.get(group) or []):
            yield f"{base}.{group}[{index}]", container


def check_containers(manifest: Manifest) -> list[Finding]:
    """Probes, resources and the hardened securityContext of one workload."""
    found = _pod_spec(manifest)
    if found is None:
        return []
    base, pod = found
    name = object_name(manifest)
    findings: list[Finding] = []
    pod_ctx = pod.get("securityContext") or {}
    if pod.get("automountServiceAccountToken") is not False:
        findings.append(Finding(name, f"{base}.automountServiceAccountToken", "must be false"))
    for path, container in _containers(pod, base):
        if manifest["kind"] in WORKLOADS_WITH_PROBES and path.startswith(f"{base}.containers"):
            findings += _probes(name, path, container)
        findings += _resources(name, path, container)
        findings += _security(name, path, container.get("securityContext") or {}, pod_ctx)
        findings += _literal_env(name, path, container)
    return findings


def _probes(name: str, path: str, container: dict[str, Any]) -> list[Finding]:
    findings = []
    expected = {"startupProbe": None, "livenessProbe": "/healthz", "readinessProbe": "/readyz"}
    for probe, want in expected.items():
        value = container.get(probe)
        if not value:
            findings.append(Finding(name, f"{path}.{probe}", "missing"))
            continue
        got = (value.get("httpGet") or {}).get("path")
        if want is not None and got != want:
            findings.append(
                Finding(name, f"{path}.{probe}.httpGet.path", f"is {got!r}, want {want}")
            )
    return findings


def _resources(name: str, path: str, container: dict[str, Any]) -> list[Finding]:
    resources = container.get("resources") or {}
    needed = [("requests", "cpu"), ("requests", "memory"), ("limits", "memory")]
    return [
        Finding(name, f"{path}.resources.{group}.{what}", "missing")
        for group, what in needed
        if not (resources.get(group) or {}).get(what)
    ]


def _security(name: str, path: str, ctx: dict[str, Any], pod_ctx: dict[str, Any]) -> list[Finding]:
    where = f"{path}.securityContext"
    findings = []
    if ctx.get("readOnlyRootFilesystem") is not True:
        findings.append(Finding(name, f"{where}.readOnlyRootFilesystem", "must be true"))
    if ctx.get("allowPrivilegeEscalation") is not False:
        findings.append(Finding(name, f"{where}.allowPrivilegeEscalation", "must be false"))
    if ctx.get("privileged") is True:
        findings.append(Finding(name, f"{where}.privileged", "must not be true"))
    capabilities = ctx.get("capabilities") or {}
    if "ALL" not in (capabilities.get("drop") or []):
        findings.append(Finding(name, f"{where}.capabilities.drop", "must contain ALL"))
    if capabilities.get("add"):
        findings.append(Finding(name, f"{where}.capabilities.add", "must be empty"))
    if ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")) is not True:
        findings.append(Finding(name, f"{where}.runAsNonRoot", "must be true (pod or container)"))
    seccomp = (ctx.get("seccompProfile") or pod_ctx.get("seccompProfile") or {}).get("type")
    if seccomp not in SECCOMP_OK:
        findings.append(
            Finding(name, f"{where}.seccompProfile.type", f"is {seccomp!r}, want RuntimeDefault")
        )
    return findings


def _literal_env(name: str, path: str, container: dict[str, Any]) -> list[Finding]:
    return [
        Finding(name, f"{path}.env[{i}].value", f"{env['name']} looks secret: use secretKeyRef")
        for i, env in enumerate(container.get("env") or [])
        if "value" in env and SECRET_NAME.search(str(env.get("name", "")).upper())
    ]


def check_secrets(manifest: Manifest) -> list[Finding]:
    """No secret values in git (no Secret data, no secret-looking ConfigMap keys), and
    ConfigMaps (the gateway's supergraph) that fit in the API server."""
    name = object_name(manifest)
    kind = manifest.get("kind")
    if kind == "Secret":
        return [
            Finding(name, key, "Secret holds a literal value; reference an existingSecret")
            for key in ("data", "stringData")
            if manifest.get(key)
        ]
    if kind == "ConfigMap":
        data = manifest.get("data") or {}
        findings = [
            Finding(name, f"data.{key}", "looks secret: keep it in the existing Secret")
            for key in data
            if SECRET_NAME.search(key.upper())
        ]
        size = sum(len(str(value).encode()) for value in data.values())
        if size > CONFIGMAP_LIMIT:
            findings.append(Finding(name, "data", f"{size} bytes, over the 1 MiB object limit"))
        return findings
    return []


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    wanted = selector.get("matchLabels") or {}
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


def _pod_labels(deployment: Manifest) -> dict[str, str]:
    template = (deployment.get("spec") or {}).get("template") or {}
    labels: dict[str, str] = (template.get("metadata") or {}).get("labels") or {}
    return labels


def _network_policy(deployment: Manifest, manifests: list[Manifest]) -> list[Finding]:
    labels = _pod_labels(deployment)
    policies = [m for m in manifests if m.get("kind") == "NetworkPolicy"]
    if any(_selects((p.get("spec") or {}).get("podSelector") or {}, labels) for p in policies):
        return []
    return [Finding(object_name(deployment), "spec.template.metadata.labels", "no NetworkPolicy")]


def check_services(manifests: list[Manifest]) -> list[Finding]:
    """Each Service reaches pods: its selector matches a Deployment, its ports exist there."""
    findings: list[Finding] = []
    deployments = [m for m in manifests if m.get("kind") == "Deployment"]
    for service in (m for m in manifests if m.get("kind") == "Service"):
        spec = service.get("spec") or {}
        selector = {"matchLabels": spec.get("selector") or {}}
        target = next((d for d in deployments if _selects(selector, _pod_labels(d))), None)
        if target is None:
            findings.append(Finding(object_name(service), "spec.selector", "selects no pods"))
            continue
        pod = target["spec"]["template"]["spec"]
        declared = {
            p.get(key)
            for c in pod.get("containers") or []
            for p in c.get("ports") or []
            for key in ("name", "containerPort")
        }
        for index, port in enumerate(spec.get("ports") or []):
            if port.get("targetPort", port.get("port")) not in declared:
                findings.append(
                    Finding(
                        object_name(service),
                        f"spec.ports[{index}].targetPort",
                        f"{port.get('targetPort')!r} is not a port of {object_name(target)}",
                    )
                )
    return findings


def check_production(manifests: list[Manifest]) -> list[Finding]:
    """Every Deployment: an HPA on it, a PDB over its pods, two replicas at least."""
    findings: list[Finding] = []
    hpas = [m for m in manifests if m.get("kind") == "HorizontalPodAutoscaler"]
    pdbs = [m for m in manifests if m.get("kind") == "PodDisruptionBudget"]
    for deployment in (m for m in manifests if m.get("kind") == "Deployment"):
        name = object_name(deployment)
        target = (deployment.get("metadata") or {}).get("name")
        hpa = next(
            (
                h
                for h in hpas
                if (h["spec"].get("scaleTargetRef") or {}).get("name") == target
                and h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
            ),
            None,
        )
        if hpa is None:
            findings.append(Finding(name, "spec", "no HorizontalPodAutoscaler in production"))
        elif int(hpa["spec"].get("minReplicas", 1)) < 2:
            findings.append(Finding(object_name(hpa), "spec.minReplicas", "must be >= 2"))
        replicas = (deployment.get("spec") or {}).get("replicas")
        if hpa is None and int(replicas or 1) < 2:
            findings.append(Finding(name, "spec.replicas", "must be >= 2 in production"))
        labels = _pod_labels(deployment)
        if not any(_selects(p["spec"].get("selector") or {}, labels) for p in pdbs):
            findings.append(Finding(name, "spec", "no PodDisruptionBudget in production"))
    return findings


def check_all(manifests: list[Manifest], *, production: bool) -> list[Finding]:
    """Every policy over one rendering of a chart."""
    findings: list[Finding] = []
    for manifest in manifests:
        findings += check_containers(manifest)
        findings += check_secrets(manifest)
        if manifest.get("kind") == "Deployment":
            findings += _network_policy(manifest, manifests)
    findings += check_services(manifests)
    if production:
        findings += check_production(manifests)
    return sorted(set(findings))
