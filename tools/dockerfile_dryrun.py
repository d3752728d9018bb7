"""Run a Dockerfile's build stage without Docker, to prove its ``uv sync`` steps work.

Only what decides whether the image can work is replayed: the build stage's
``COPY`` (from the build context, honouring ``.dockerignore`` for the paths it
names), ``ENV`` and ``RUN ... uv sync ...`` steps, in a scratch folder standing
in for ``/app``, with the local uv. Then the service's console script must run
(``--help``). The base image, ``pip install uv`` and bytecode compilation are
not replayed; a real ``docker build`` (``make images``) still needs an engine.

Errors::

    DryRunError   a step failed or the console script does not run
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tools.dockerfile import ignore_patterns, ignored, instructions

__all__ = ["DryRunError", "dry_run"]


class DryRunError(RuntimeError):
    """The build stage cannot be replayed, or its result does not run."""


def _copy(context: Path, app: Path, args: str, patterns: list[str]) -> None:
    *sources, destination = args.split()
    if any(s.startswith("--") for s in sources):
        return  # COPY --from=...: another stage
    target = app / destination.removeprefix("/app").lstrip("/")
    for source in sources:
        if ignored(source, patterns):
            raise DryRunError(f"COPY {source}: excluded by .dockerignore")
        origin = context / source
        if not origin.exists():
            raise DryRunError(f"COPY {source}: not in the build context")
        if origin.is_dir():

            def skip(folder: str, names: list[str], origin: Path = origin) -> set[str]:
                base = Path(folder).relative_to(context).as_posix()
                return {n for n in names if ignored(f"{base}/{n}", patterns)}

            shutil.copytree(origin, target, ignore=skip, dirs_exist_ok=True)
        else:
            into = target / origin.name if destination.endswith("/") else target
            into.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, into)


def dry_run(dockerfile: Path, *, context: Path, scratch: Path, script: str) -> Path:
    """Replay the build stage into ``scratch``; return the console script it installed."""
    uv = shutil.which("uv")
    if uv is None:
        raise DryRunError("uv is not on PATH")
    patterns = ignore_patterns(context)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    venv = scratch / ".venv"
    froms = 0
    for keyword, args in instructions(dockerfile):
        if keyword == "FROM":
            froms += 1
            if froms > 1:
                break  # the runtime stage only copies /app
        elif keyword == "COPY":
            _copy(context, scratch, args, patterns)
        elif keyword == "ENV" and "UV_PROJECT_ENVIRONMENT=/app/.venv" in args:
            env["UV_PROJECT_ENVIRONMENT"] = str(venv)
        elif keyword == "RUN" and "uv sync" in args:
            command = args[args.index("uv sync") :].split()[2:]
            result = subprocess.run(
                [uv, "sync", *command], cwd=scratch, env=env, capture_output=True, text=True,
                check=False, timeout=600,
            )  # fmt: skip
            if result.returncode != 0:
                raise DryRunError(f"uv sync {' '.join(command)}: {result.stderr.strip()[-800:]}")
    executable = venv / "bin" / script
    if not executable.is_file():
        raise DryRunError(f"{script} is not installed in the image's venv")
    result = subprocess.run(
        [str(executable), "--help"], capture_output=True, text=True, check=False, timeout=120,
        cwd=scratch, env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    if result.returncode != 0:
        raise DryRunError(f"{script} --help: {result.stderr.strip()[-800:]}")
    return executable
