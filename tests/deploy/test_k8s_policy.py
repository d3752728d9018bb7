"""The chart policies, on hand-built manifests: each rule catches its own breakage."""

from __future__ import annotations

import copy
from typing import Any

from tools.k8s_policy import (
    check_all,
    check_containers,
    check_production,
    check_secrets,
    check_services,
)

LABELS = {"app.kubernetes.io/name": "events", "app.kubernetes.io/instance": "events"}


def hardened_deployment() -> dict[str, Any]:
    probe = {"periodSeconds": 5}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "events"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": LABELS},
            "template": {
                "metadata": {"labels": LABELS},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [
                        {
                            "name": "events",
                            "image": "platform/events:1",
                            "startupProbe": {"httpGet": {"path": "/healthz"}, **probe},
                            "livenessProbe": {"httpGet": {"path": "/healthz"}, **probe},
                            "readinessProbe": {"httpGet": {"path": "/readyz"}, **probe},
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "128Mi"},
                                "limits": {"memory": "256Mi"},
                            },
                            "securityContext": {
                                "readOnlyRootFilesystem": True,
                                "allowPrivilegeEscalation": False,
                                "capabilities": {"drop": ["ALL"]},
                            },
                            "env": [
                                {
                                    "name": "EVENTS_JWT_SECRET",
                                    "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}},
                                }
                            ],
                        }
                    ],
                },
            },
        },
    }


def network_policy() -> dict[str, Any]:
    return {
        "kind": "NetworkPolicy",
        "metadata": {"name": "events"},
        "spec": {"podSelector": {"matchLabels": LABELS}},
    }


def hpa(min_replicas: int = 2) -> dict[str, Any]:
    return {
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "events"},
        "spec": {
            "scaleTargetRef": {"kind": "Deployment", "name": "events"},
            "minReplicas": min_replicas,
        },
    }


def pdb() -> dict[str, Any]:
    return {
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "events"},
        "spec": {"selector": {"matchLabels": LABELS}},
    }


def service(target_port: str = "http") -> dict[str, Any]:
    return {
        "kind": "Service",
        "metadata": {"name": "events"},
        "spec": {"selector": LABELS, "ports": [{"port": 5001, "targetPort": target_port}]},
    }


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = deployment["spec"]["template"]["spec"]["containers"][0]
    return result


def fields(findings: list[Any]) -> set[str]:
    return {f.field for f in findings}


def test_a_hardened_deployment_with_its_companions_passes_in_production() -> None:
    manifests = [hardened_deployment(), network_policy(), hpa(), pdb(), service()]
    container(manifests[0])["ports"] = [{"name": "http", "containerPort": 5001}]
    assert check_all(manifests, production=True) == []


def test_a_missing_readiness_probe_is_named_with_its_field() -> None:
    deployment = hardened_deployment()
    del container(deployment)["readinessProbe"]
    (finding,) = check_containers(deployment)
    assert str(finding) == (
        "Deployment/events: spec.template.spec.containers[0].readinessProbe: missing"
    )


def test_liveness_must_probe_healthz_not_readyz() -> None:
    deployment = hardened_deployment()
    container(deployment)["livenessProbe"]["httpGet"]["path"] = "/readyz"
    assert fields(check_containers(deployment)) == {
        "spec.template.spec.containers[0].livenessProbe.httpGet.path"
    }


def test_jobs_need_no_probes_but_do_need_resources_and_hardening() -> None:
    deployment = hardened_deployment()
    job = {"kind": "Job", "metadata": {"name": "migrate"}, "spec": deployment["spec"]}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        del container(job)[probe]
    assert check_containers(job) == []
    del container(job)["resources"]["limits"]
    container(job)["securityContext"]["readOnlyRootFilesystem"] = False
    assert fields(check_containers(job)) == {
        "spec.template.spec.containers[0].resources.limits.memory",
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
    }


def test_every_hardening_rule_is_checked() -> None:
    deployment = hardened_deployment()
    pod = deployment["spec"]["template"]["spec"]
    pod["securityContext"] = {}
    pod["automountServiceAccountToken"] = True
    container(deployment)["securityContext"] = {
        "privileged": True,
        "capabilities": {"add": ["NET_ADMIN"]},
    }
    base = "spec.template.spec.containers[0].securityContext"
    assert fields(check_containers(deployment)) == {
        "spec.template.spec.automountServiceAccountToken",
        f"{base}.readOnlyRootFilesystem",
        f"{base}.allowPrivilegeEscalation",
        f"{base}.privileged",
        f"{base}.capabilities.drop",
        f"{base}.capabilities.add",
        f"{base}.runAsNonRoot",
        f"{base}.seccompProfile.type",
    }


def test_a_secret_object_with_data_is_refused() -> None:
    secret = {"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"jwt": "abc"}}
    assert [str(f) for f in check_secrets(secret)] == [
        "Secret/s: stringData: Secret holds a literal value; reference an existingSecret"
    ]


def test_secret_looking_config_and_env_values_are_refused() -> None:
    config_map = {
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {"EVENTS_JWT_SECRET": "x", "DELIVERY_PII_KEYS": "y", "EVENTS_LOG_LEVEL": "INFO"},
    }
    assert fields(check_secrets(config_map)) == {
        "data.EVENTS_JWT_SECRET",
        "data.DELIVERY_PII_KEYS",
    }
    deployment = hardened_deployment()
    container(deployment)["env"].append({"name": "EVENTS_DATABASE_URL", "value": "postgres://"})
    assert fields(check_containers(deployment)) == {"spec.template.spec.containers[0].env[1].value"}


def test_production_needs_hpa_pdb_and_two_replicas() -> None:
    deployment = hardened_deployment()
    deployment["spec"]["replicas"] = 1
    messages = {str(f) for f in check_production([deployment])}
    assert messages == {
        "Deployment/events: spec: no HorizontalPodAutoscaler in production",
        "Deployment/events: spec.replicas: must be >= 2 in production",
        "Deployment/events: spec: no PodDisruptionBudget in production",
    }
    assert [str(f) for f in check_production([deployment, hpa(1), pdb()])] == [
        "HorizontalPodAutoscaler/events: spec.minReplicas: must be >= 2"
    ]


def test_production_rules_apply_only_to_production_renderings() -> None:
    manifests = [hardened_deployment(), network_policy()]
    assert check_all(manifests, production=False) == []
    assert check_all(copy.deepcopy(manifests), production=True) != []


def test_a_deployment_no_network_policy_selects_is_reported() -> None:
    other = network_policy()
    other["spec"]["podSelector"]["matchLabels"] = {"app.kubernetes.io/name": "payments"}
    assert [str(f) for f in check_all([hardened_deployment(), other], production=False)] == [
        "Deployment/events: spec.template.metadata.labels: no NetworkPolicy"
    ]


def test_a_service_must_select_pods_on_a_port_they_declare() -> None:
    deployment = hardened_deployment()
    container(deployment)["ports"] = [{"name": "http", "containerPort": 5001}]
    assert check_services([deployment, service()]) == []
    assert [str(f) for f in check_services([deployment, service("metrics")])] == [
        "Service/events: spec.ports[0].targetPort: 'metrics' is not a port of Deployment/events"
    ]
    stray = service()
    stray["spec"]["selector"] = {"app.kubernetes.io/name": "evnets"}
    assert [str(f) for f in check_services([deployment, stray])] == [
        "Service/events: spec.selector: selects no pods"
    ]


def test_a_configmap_over_the_object_size_limit_is_refused() -> None:
    config_map: dict[str, Any] = {
        "kind": "ConfigMap",
        "metadata": {"name": "supergraph"},
        "data": {"supergraph.graphql": "x" * 999_000},
    }
    assert check_secrets(config_map) == []
    config_map["data"]["more.graphql"] = "y" * 2_000
    assert [str(f) for f in check_secrets(config_map)] == [
        "ConfigMap/supergraph: data: 1001000 bytes, over the 1 MiB object limit"
    ]
