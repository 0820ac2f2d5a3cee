"""provtrack's own schemas (outputs the shared contract does not cover) are valid and describe real output."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

SCHEMAS = Path(str(resources.files("provtrack") / "schemas"))


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_schema_is_valid_and_named(path):
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"provtrack/{path.name}"


def test_history_json_follows_its_schema(run, tmp_path, validate):
    assert run("demo", "--store", str(tmp_path / "store")).exit_code == 0
    for selector in ("0", "p2", "¶4", "14 people", "Rescue boats"):
        result = run("history", "valleyledger", selector, "--format", "json")
        if result.exit_code == 0:
            validate(json.loads(result.stdout), "history")
        else:  # the duplicated caption matches two blocks: a usage error naming both
            assert result.exit_code == 2 and "¶" in result.stderr
    data = json.loads(run("history", "valleyledger", "p2", "--format", "json").stdout)
    assert [e["kind"] for e in data["events"]] == ["added", "changed"]
