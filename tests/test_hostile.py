"""Hostile pages through extract and diff: never a crash, never a hang, bounded memory.

Each hand-made case runs in a child process with a memory limit (3 GiB of address space)
and a generous timeout, so a hang or a runaway allocation fails the test instead of the
test run (no wall-clock asserts: the timeout only separates "finishes" from "never finishes").
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from provtrack.diff import compute_diff
from provtrack.errors import ProvtrackError
from provtrack.extract import extract

def _torture():
    """scripts/torture.py, which holds the hand-made cases (the torture run uses them at full size)."""
    path = Path(__file__).resolve().parent.parent / "scripts" / "torture.py"
    spec = importlib.util.spec_from_file_location("provtrack_torture", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TORTURE = _torture()
CASES = TORTURE.HOSTILE_CASES


def run_case(kind: str, content_type: str) -> dict:
    """One hostile case in a child process; the 50 MB HTML line at full size, the other giants smaller
    (`python scripts/torture.py` runs them all at full size: 50 MB text, markdown and unbroken lines)."""
    outcome = TORTURE.hostile_case(kind, content_type, full=False)
    if "failure" in outcome:
        pytest.fail(f"{kind}: {outcome['failure']}")
    return outcome


@pytest.mark.parametrize(("kind", "content_type"), CASES)
def test_hostile_page_neither_crashes_nor_hangs(kind: str, content_type: str) -> None:
    outcome = run_case(kind, content_type)
    assert "blocks" in outcome or "error" in outcome
    if "self" in outcome:
        assert outcome["self"] == 0  # a document against itself: nothing changed
    if kind == "external-entity":
        assert "root:" not in outcome.get("text", "")  # never resolved against the local file system
    if kind == "entity-expansion":
        assert outcome.get("text_chars", 0) < 10_000  # entities are never expanded (4^12 copies would be)


_fragment = st.one_of(st.sampled_from(TORTURE.HOSTILE_FRAGMENTS), st.text(max_size=30))
_page = st.lists(_fragment, max_size=60).map("".join)


@settings(max_examples=150)
@given(_page, _page, st.sampled_from(["text/html", "text/plain", "text/markdown", None]),
       st.sampled_from(["utf-8", "utf-16", "latin-1", "surrogate"]))
def test_generated_hostile_pages_extract_and_diff(first: str, second: str, content_type: str | None,
                                                  encoding: str) -> None:
    """Hypothesis-generated fragments: extract raises only ProvtrackError; diff accounts for every block."""
    docs = []
    for page in (first, second):
        raw = page.encode("utf-8", "surrogatepass") if encoding == "surrogate" else page.encode(encoding, "replace")
        try:
            docs.append(extract(raw, content_type=content_type, name="page"))
        except ProvtrackError as exc:
            assert "\n" not in str(exc)
            return
    old, new = docs[0].blocks, docs[1].blocks
    assert compute_diff(old, old).changes == ()
    changes = compute_diff(old, new).changes
    seen_new = sorted(i for c in changes for i in c.new_indices)
    assert len(seen_new) == len(set(seen_new)) and all(0 <= i < len(new) for i in seen_new)


_BAD_CANONICAL = ('<html><head><link rel="canonical" href="http://[oops/x"></head><body><article><h1>Tide</h1>'
                  "<p>The harbour tide table was reprinted on Monday.</p></article></body></html>")


def test_malformed_canonical_link_is_an_expected_error_or_ignored(run, tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text(_BAD_CANONICAL)
    result = run("snapshot", str(page))  # a saved file with no usable canonical link and no --url
    assert result.exit_code != 0 and "internal error" not in result.stderr
    assert result.stderr.startswith("provtrack: error:") and result.stderr.count("\n") == 1


def test_malformed_canonical_link_with_url_given(run, tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text(_BAD_CANONICAL)
    result = run("snapshot", str(page), "--url", "https://tides.example/table")
    assert result.exit_code == 0 and "internal error" not in result.stderr
