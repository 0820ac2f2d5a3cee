"""The differ's speed-ups never change its answers: a TextMemo shared by many diffs, cached tracer ids.

`compute_diff(..., memo=...)` lets a history walk (blame) normalise and tokenise each distinct
text once; these tests hold it to giving exactly what a fresh diff gives, on the labelled corpus,
on random documents and across memo resets. Speed itself is measured in benchmarks/, not here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provtrack.blame import Tracer
from provtrack.diff import TextMemo, compute_diff, diff_blocks
from provtrack.model import BLOCK_KINDS, Block

from test_diff import POOL

CORPUS = Path(__file__).parent / "fixtures" / "diffcorpus"
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def as_json(result: Any) -> str:
    return json.dumps({"coarse": result.coarse, "reason": result.reason,
                       "changes": [c.to_json() for c in result.changes]}, sort_keys=True)


def corpus_pairs() -> list[tuple[list[Block], list[Block]]]:
    pairs = []
    for name in ("handwritten.json", "generated.json"):
        for case in json.loads((CORPUS / name).read_text(encoding="utf-8"))["cases"]:
            pairs.append(([Block(k, t) for k, t in case["old"]], [Block(k, t) for k, t in case["new"]]))
    return pairs


def test_a_shared_memo_gives_the_corpus_the_same_diffs() -> None:
    memo = TextMemo()
    for old, new in corpus_pairs():
        assert as_json(compute_diff(old, new, memo=memo)) == as_json(compute_diff(old, new))
        # and in the other direction, with everything both sides hold already in the memo
        assert as_json(compute_diff(new, old, memo=memo)) == as_json(compute_diff(new, old))


def test_a_memo_keeps_only_what_the_versions_at_hand_need() -> None:
    memo = TextMemo()
    pairs = corpus_pairs()
    for old, new in pairs:
        assert as_json(compute_diff(old, new, memo=memo)) == as_json(compute_diff(old, new))
        assert len(memo) <= 4 * (len(old) + len(new)) + 1000 + 20 * (len(old) + len(new))
    old, new = pairs[-1]
    memo.retain([b.text for b in old + new])
    assert set(memo.keys) <= {b.text for b in old + new}
    assert as_json(compute_diff(old, new, memo=memo)) == as_json(compute_diff(old, new))


pool_blocks = st.builds(Block, st.sampled_from(BLOCK_KINDS), st.sampled_from(POOL))
unicode_blocks = st.builds(Block, st.sampled_from(BLOCK_KINDS), st.text(min_size=1, max_size=30))
histories = st.lists(st.lists(st.one_of(pool_blocks, unicode_blocks), max_size=10), min_size=2, max_size=6)


@PROPERTY
@given(histories)
def test_diffs_along_a_history_do_not_depend_on_the_memo(versions: list[list[Block]]) -> None:
    memo = TextMemo()
    for old, new in zip(versions, versions[1:]):
        assert as_json(compute_diff(old, new, memo=memo)) == as_json(compute_diff(old, new))


@PROPERTY
@given(histories)
def test_tracing_with_a_memo_matches_tracing_without(versions: list[list[Block]]) -> None:
    memo = TextMemo()
    with_memo, without = Tracer(), Tracer()
    for k, blocks in enumerate(versions):
        changes = diff_blocks(versions[k - 1], blocks, memo=memo) if k else None
        assert with_memo.step(blocks, changes) == without.step(blocks, diff_blocks(versions[k - 1], blocks)
                                                               if k else None)
    assert with_memo.trail() == without.trail()


def test_diffs_without_detail_align_the_corpus_the_same() -> None:
    """detail=False (what blame uses) drops word diffs and tags, never a change, kind or index."""
    for old, new in corpus_pairs():
        full, bare = diff_blocks(old, new), diff_blocks(old, new, detail=False)
        assert [(c.kind, c.block_kind, c.old_indices, c.new_indices, c.old_text, c.new_text) for c in bare] == \
            [(c.kind, c.block_kind, c.old_indices, c.new_indices, c.old_text, c.new_text) for c in full]
        assert all(c.words is None and c.tags == () for c in bare if c.kind not in ("added", "removed"))


@PROPERTY
@given(histories)
def test_tracing_diffs_without_detail_matches_tracing_full_diffs(versions: list[list[Block]]) -> None:
    memo = TextMemo()
    bare, full = Tracer(), Tracer()
    for k, blocks in enumerate(versions):
        changes = diff_blocks(versions[k - 1], blocks, memo=memo, detail=False) if k else None
        assert bare.step(blocks, changes) == full.step(blocks, diff_blocks(versions[k - 1], blocks) if k else None)
    assert bare.trail() == full.trail()
