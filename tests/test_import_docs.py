"""docs/importing.md keeps up with the code: every field and recognised header is listed,
and the example mappings load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csdesk.importers.fields import KINDS
from csdesk.importers.mapping import load_mapping
from csdesk.importers.runner import resolve_kind

DOCS = Path(__file__).resolve().parents[1] / "docs"
SHARED = ("account", "account_name")


def _section(text: str, kind: str) -> str:
    match = re.search(rf"^### {kind}\n(.*?)(?=^### |^## )", text, re.S | re.M)
    assert match, f"docs/importing.md has no section for {kind}"
    return match.group(1)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_field_and_header_is_documented(kind: str) -> None:
    text = (DOCS / "importing.md").read_text(encoding="utf-8")
    section = _section(text, kind)
    for spec in KINDS[kind].fields.values():
        where = text if spec.name in SHARED else section
        assert f"`{spec.name}`" in where, f"{kind}: field {spec.name} is not documented"
        for header in spec.headers:
            assert f"`{header}`" in where, f"{kind}: header {header} is not documented"


@pytest.mark.parametrize("path", sorted((DOCS / "examples").glob("*.toml")),
                         ids=lambda p: p.name)
def test_example_mappings_load(path: Path) -> None:
    kind = path.read_text(encoding="utf-8").split('kind = "')[1].split('"')[0]
    mapping = load_mapping(path, resolve_kind(kind))
    assert mapping.source == "ravenstack"
    assert mapping.columns
