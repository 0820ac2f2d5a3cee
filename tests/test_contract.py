"""The package ships an exact copy of the shared JSON contract."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

CONTRACT = Path(str(resources.files("provtrack") / "contract"))

SHARED = Path(__file__).resolve().parents[2] / "shared" / "contract"


def test_shipped_contract_has_every_schema():
    names = {p.name for p in CONTRACT.glob("*.schema.json")}
    assert {"common.schema.json", "extract.schema.json", "diff.schema.json", "log.schema.json",
            "blame.schema.json"} <= names


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared contract is not beside this checkout")
def test_shipped_contract_matches_the_shared_one():
    for shared in SHARED.glob("*.schema.json"):
        assert (CONTRACT / shared.name).read_bytes() == shared.read_bytes(), shared.name
