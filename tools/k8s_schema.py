"""Validate rendered objects against the Kubernetes API schemas, offline.

Built-in kinds use ``kubernetes-validate``'s strict schemas (shipped in the wheel,
``additionalProperties: false``, so a misspelt field is an error). Custom
resources the charts render (the Prometheus Operator's ServiceMonitor) have no
schema there; a small strict schema of the fields the charts use stands in.
``kubernetes-validate`` is loaded at call time: the checker runs under
``uv run --with kubernetes-validate``, the dev environment need not hold it.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import Any

from tools.k8s_policy import Finding, Manifest, object_name

__all__ = ["DEFAULT_KUBE_VERSION", "validate_manifest"]

DEFAULT_KUBE_VERSION = "1.33"

_STR = {"type": "string"}
_SERVICE_MONITOR: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "monitoring.coreos.com/v1"},
        "kind": {"const": "ServiceMonitor"},
        "metadata": {"type": "object", "required": ["name"]},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "required": ["selector", "endpoints"],
            "properties": {
                "selector": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"matchLabels": {"type": "object"}},
                },
                "namespaceSelector": {"type": "object"},
                "jobLabel": _STR,
                "endpoints": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "port": _STR,
                            "path": _STR,
                            "interval": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                            "scrapeTimeout": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                            "scheme": {"enum": ["http", "https"]},
                        },
                    },
                },
            },
        },
    },
}
_CUSTOM_SCHEMAS = {("monitoring.coreos.com/v1", "ServiceMonitor"): _SERVICE_MONITOR}


def _field(path: Any) -> str:
    """``['spec', 'containers', 0, 'x']`` -> ``spec.containers[0].x``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _unexpected(error: Any) -> list[str]:
    """The property names an ``additionalProperties: false`` error is about."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    known = set(error.schema.get("properties") or {})
    return sorted(key for key in error.instance if key not in known)


def _findings(name: str, errors: Any) -> list[Finding]:
    findings = []
    for error in errors:
        base = list(error.absolute_path)
        extra = _unexpected(error)
        if extra:
            findings += [Finding(name, _field([*base, key]), "unknown field") for key in extra]
        else:
            findings.append(Finding(name, _field(base), error.message))
    return findings


@cache
def _validator(api_version: str, kind: str, kube_version: str) -> Any:
    """A strict Draft 2020-12 validator for one kind (loading the schemas is the slow part)."""
    custom = _CUSTOM_SCHEMAS.get((api_version, kind))
    jsonschema = importlib.import_module("jsonschema")
    if custom is not None:
        return jsonschema.Draft7Validator(custom)
    kv = importlib.import_module("kubernetes_validate.utils")
    referencing = importlib.import_module("referencing")
    versions = [v for v in kv.all_versions() if kv.major_minor(v) == kube_version]
    if not versions:
        raise kv.VersionNotSupportedError(version=kube_version)
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    folder = f"kubernetes-json-schema/v{versions[-1]}-local-strict"
    try:
        schema = kv.schema_contents(f"{folder}/{kind.lower()}-{group}.json", kube_version)
    except FileNotFoundError:
        return None
    definitions = kv.schema_contents(f"{folder}/_definitions.json", kube_version)
    # Both documents carry their own $id; the schema's $refs point into the definitions.
    registry = referencing.Resource.from_contents(schema) @ referencing.Registry()
    registry = referencing.Resource.from_contents(definitions) @ registry
    return jsonschema.Draft202012Validator(schema, registry=registry)


def validate_manifest(
    manifest: Manifest, *, kube_version: str = DEFAULT_KUBE_VERSION
) -> list[Finding]:
    """Every schema error of one object, as findings (a misspelt field is "unknown field")."""
    name = object_name(manifest)
    api_version, kind = str(manifest.get("apiVersion")), str(manifest.get("kind"))
    validator = _validator(api_version, kind, kube_version)
    if validator is None:
        return [
            Finding(name, "apiVersion", f"{api_version} {kind} is not in Kubernetes {kube_version}")
        ]
    return _findings(name, validator.iter_errors(manifest))
