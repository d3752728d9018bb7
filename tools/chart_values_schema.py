"""Write (or ``--check``) the app charts' ``values.schema.json`` from one definition.

The four service charts share one values shape (the library chart's inputs); the
gateway adds ``ingress`` and ``supergraph`` and has no database or migration.
Objects are closed (``additionalProperties: false``) so a misspelt value fails
``helm lint``, and the hardening settings are constants so values cannot weaken
them. Run ``python -m tools.chart_values_schema`` after changing a chart's values.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["APP_CHARTS", "main", "render", "values_schema"]

ROOT = Path(__file__).resolve().parent.parent
APP_CHARTS = ("events", "payments", "delivery", "gateway")

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
BOOL: Schema = {"type": "boolean"}
COUNT: Schema = {"type": "integer", "minimum": 0}
POSITIVE: Schema = {"type": "integer", "minimum": 1}
OBJECT: Schema = {"type": "object"}
STRING_MAP: Schema = {"type": "object", "additionalProperties": {"type": "string"}}
QUANTITY: Schema = {"type": ["string", "number"]}
COMMAND: Schema = {"type": "array", "items": STRING, "minItems": 1}
ENV_NAME: Schema = {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"}
SECCOMP: Schema = {"enum": ["RuntimeDefault", "Localhost"]}


def closed(properties: Schema, required: Sequence[str] = ()) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


def _resources() -> Schema:
    return closed(
        {
            "requests": closed({"cpu": QUANTITY, "memory": QUANTITY}, ["cpu", "memory"]),
            "limits": closed({"cpu": QUANTITY, "memory": QUANTITY}, ["memory"]),
        },
        ["requests", "limits"],
    )


def _security() -> tuple[Schema, Schema]:
    seccomp = closed({"type": SECCOMP, "localhostProfile": STRING}, ["type"])
    pod = closed(
        {
            "runAsNonRoot": {"const": True},
            "runAsUser": POSITIVE,
            "runAsGroup": POSITIVE,
            "fsGroup": POSITIVE,
            "seccompProfile": seccomp,
        },
        ["runAsNonRoot", "runAsUser", "seccompProfile"],
    )
    container = closed(
        {
            "runAsNonRoot": {"const": True},
            "privileged": {"const": False},
            "allowPrivilegeEscalation": {"const": False},
            "readOnlyRootFilesystem": {"const": True},
            "capabilities": closed(
                {
                    "drop": {"type": "array", "contains": {"const": "ALL"}},
                    "add": {"type": "array", "maxItems": 0},
                },
                ["drop"],
            ),
            "seccompProfile": seccomp,
            "runAsUser": POSITIVE,
            "runAsGroup": POSITIVE,
        },
        [
            "runAsNonRoot",
            "allowPrivilegeEscalation",
            "readOnlyRootFilesystem",
            "capabilities",
            "seccompProfile",
        ],
    )
    return pod, container


def _common_properties() -> Schema:
    probe = closed(
        {"periodSeconds": POSITIVE, "failureThreshold": POSITIVE},
        ["periodSeconds", "failureThreshold"],
    )
    pod_security, container_security = _security()
    return {
        "global": OBJECT,
        "common": OBJECT,  # the library dependency's own (empty) values
        "enabled": BOOL,
        "nameOverride": STRING,
        "fullnameOverride": STRING,
        "image": closed(
            {
                "registry": STRING,
                "repository": {"type": "string", "minLength": 1},
                "tag": {"type": ["string", "number"]},
                "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
            },
            ["repository", "pullPolicy"],
        ),
        "imagePullSecrets": {"type": "array", "items": closed({"name": STRING}, ["name"])},
        "command": COMMAND,
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "envPrefix": {"type": "string", "pattern": "^[A-Z]+_$"},
        "config": {
            "type": "object",
            "propertyNames": ENV_NAME,
            "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
        },
        "existingSecret": {
            "type": "string",
            "minLength": 1,
            "description": "name of a Secret created outside the chart",
        },
        "secretEnv": {
            "type": "array",
            "items": closed(
                {"name": ENV_NAME, "key": {"type": "string", "minLength": 1}, "optional": BOOL},
                ["name", "key"],
            ),
        },
        "replicaCount": POSITIVE,
        "revisionHistoryLimit": COUNT,
        "terminationGracePeriodSeconds": POSITIVE,
        "preStopSleepSeconds": COUNT,
        "resources": _resources(),
        "probes": closed(
            {"timeoutSeconds": POSITIVE, "startup": probe, "liveness": probe, "readiness": probe},
            ["timeoutSeconds", "startup", "liveness", "readiness"],
        ),
        "podSecurityContext": pod_security,
        "securityContext": container_security,
        "service": closed({"type": {"enum": ["ClusterIP", "NodePort", "LoadBalancer"]}}, ["type"]),
        "serviceAccount": closed(
            {"create": BOOL, "name": STRING, "annotations": STRING_MAP}, ["create"]
        ),
        "autoscaling": closed(
            {
                "enabled": BOOL,
                "minReplicas": POSITIVE,
                "maxReplicas": POSITIVE,
                "targetCPUUtilizationPercentage": {"type": "integer", "minimum": 1, "maximum": 100},
                "targetMemoryUtilizationPercentage": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 100,
                },
            },
            ["enabled", "minReplicas", "maxReplicas", "targetCPUUtilizationPercentage"],
        ),
        "podDisruptionBudget": closed(
            {
                "enabled": BOOL,
                "minAvailable": {"type": ["integer", "string"]},
                "maxUnavailable": {"type": ["integer", "string"]},
            },
            ["enabled"],
        ),
        "networkPolicy": closed(
            {
                "enabled": BOOL,
                "ingressFrom": {"type": "array", "items": OBJECT},
                "metricsFrom": {"type": "array", "items": OBJECT},
            },
            ["enabled"],
        ),
        "serviceMonitor": closed(
            {"enabled": BOOL, "interval": STRING, "scrapeTimeout": STRING, "labels": STRING_MAP},
            ["enabled"],
        ),
        "podAnnotations": STRING_MAP,
        "nodeSelector": STRING_MAP,
        "tolerations": {"type": "array"},
        "affinity": OBJECT,
    }


REQUIRED = [
    "image", "command", "port", "envPrefix", "existingSecret", "resources", "probes",
    "podSecurityContext", "securityContext", "autoscaling", "podDisruptionBudget",
    "networkPolicy", "serviceMonitor", "serviceAccount", "service",
]  # fmt: skip


def _database_properties() -> Schema:
    return {
        "database": closed(
            {
                "networkPolicy": closed(
                    {"enabled": BOOL, "port": POSITIVE, "podSelector": OBJECT}, ["enabled"]
                )
            }
        ),
        "migration": closed(
            {
                "enabled": BOOL,
                "command": COMMAND,
                "backoffLimit": COUNT,
                "activeDeadlineSeconds": POSITIVE,
                "resources": _resources(),
            },
            ["enabled"],
        ),
    }


def _gateway_properties() -> Schema:
    path = closed(
        {"path": STRING, "pathType": {"enum": ["Prefix", "Exact", "ImplementationSpecific"]}},
        ["path", "pathType"],
    )
    host = closed({"host": STRING, "paths": {"type": "array", "items": path}}, ["host", "paths"])
    return {
        "ingress": closed(
            {
                "enabled": BOOL,
                "className": STRING,
                "annotations": STRING_MAP,
                "hosts": {"type": "array", "items": host},
                "tls": {"type": "array"},
            },
            ["enabled"],
        ),
        "supergraph": closed(
            {
                "sdl": {
                    "type": "string",
                    "description": "supergraph SDL: --set-file supergraph.sdl=FILE",
                },
                "composeAtStart": BOOL,
                "pollIntervalSeconds": {
                    "type": "number",
                    "minimum": 0,
                    "description": "with composeAtStart: recompose when a subgraph SDL "
                    "changes, polling this often (gateway serve --poll-interval); 0: never",
                },
                "imagePath": {"type": "string", "pattern": "^/"},
                "subgraphURLs": {
                    "type": "object",
                    "propertyNames": {"pattern": "^[a-z][a-z0-9_-]*$"},
                    "additionalProperties": {"type": "string", "minLength": 1},
                },
            },
            ["sdl", "composeAtStart", "pollIntervalSeconds", "imagePath", "subgraphURLs"],
        ),
    }


def values_schema(chart: str) -> Schema:
    """The values schema of one app chart."""
    gateway = chart == "gateway"
    properties = _common_properties()
    properties.update(_gateway_properties() if gateway else _database_properties())
    required = [*REQUIRED, *(["ingress", "supergraph"] if gateway else ["database", "migration"])]
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"{chart} chart values",
        **closed(properties, required),
    }


def render(chart: str) -> str:
    return json.dumps(values_schema(chart), indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the app charts' values.schema.json.")
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    parser.add_argument("--charts-dir", type=Path, default=ROOT / "charts")
    args = parser.parse_args(argv)
    stale = []
    for chart in APP_CHARTS:
        path = args.charts_dir / chart / "values.schema.json"
        text = render(chart)
        if path.is_file() and path.read_text() == text:
            continue
        if args.check:
            stale.append(str(path))
        else:
            path.write_text(text)
    sys.stdout.writelines(f"out of date: {path}\n" for path in stale)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
