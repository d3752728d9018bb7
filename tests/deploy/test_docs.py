"""The deployment docs say true things: their variables, keys and paths exist."""

from __future__ import annotations

import re

import yaml
from tools.service_contract import ROOT, SERVICES

OPERATIONS = (ROOT / "docs" / "operations.md").read_text()
ADDING = (ROOT / "docs" / "adding-a-subgraph.md").read_text()


def compose_required_variables() -> set[str]:
    """Variables docker-compose.yml refuses to start without (${NAME:?...})."""
    return set(re.findall(r"\$\{([A-Z0-9_]+):\?", (ROOT / "docker-compose.yml").read_text()))


def test_every_variable_compose_requires_is_in_the_env_recipe() -> None:
    recipe = OPERATIONS[OPERATIONS.index("cat > .env") : OPERATIONS.index("docker compose up")]
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", recipe, flags=re.M))
    assert compose_required_variables() <= documented
    assert documented - compose_required_variables() <= {"ENV"}


def test_every_secret_key_a_chart_reads_is_created_in_the_docs() -> None:
    for contract in SERVICES:
        values = yaml.safe_load((ROOT / "charts" / contract.name / "values.yaml").read_text())
        rest = OPERATIONS[OPERATIONS.index(f"create secret generic {values['existingSecret']} ") :]
        block = rest[: min(i for i in (rest.find("kubectl", 1), rest.find("```")) if i > 0)]
        for item in values["secretEnv"]:
            assert f"--from-literal={item['key']}=" in block, (contract.name, item["key"])


def test_the_paths_the_checklist_names_exist() -> None:
    named = set(re.findall(r"`((?:services|charts|tools|supergraph|docs)/[\w./-]+)`", ADDING))
    named |= set(re.findall(r"`((?:services|charts|tools|supergraph|docs)/[\w./-]+)`", OPERATIONS))
    real = {path for path in named if "shipping" not in path and "<" not in path}
    assert real, "the docs name no paths?"
    missing = sorted(p for p in real if not (ROOT / p.rstrip("/")).exists())
    assert missing == []
