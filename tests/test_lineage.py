"""Paragraph lineage, pure: hand-built histories, resuming a trace, walking one block back, properties."""

from __future__ import annotations

from typing import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provtrack.blame import Step, Tracer, Trail, trace, walk
from provtrack.diff import diff_blocks
from provtrack.errors import NotFoundError, UsageError
from provtrack.model import BLOCK_KINDS, Block
from provtrack.provenance import select_block


def P(text: str) -> Block:
    return Block("paragraph", text)


COUNCIL = "The council met on Tuesday to discuss the new harbour budget for next year."
PROTEST = "Residents protested outside the town hall for most of the afternoon session."
MAYOR = "The mayor declined to comment on the protest when reached by phone later that day."
#: the differ reports these as removed + added; lineage pairs the first in place, not the second
MAYOR_REWORDED = "Asked about the protest, the mayor declined to say more when reached by her office later on."
MAYOR_NEW = "The mayor, reached by phone on Wednesday, said she had nothing to add about the protest."
FERRY = "Ferry services to the islands will resume on Monday after three weeks of repairs."
WATER = ("Water reached the first-floor windows of homes along the Lark River by dawn, and the county "
         "closed every road south of the Millbrook bridge.")
WATER_A = "Water reached the first-floor windows of homes along the Lark River by dawn."
WATER_B = "The county closed every road south of the Millbrook bridge."
HISTORY = ("The Brannock Reservoir was built in 1962 and was last inspected in 2023, according to state "
           "records reviewed by the Ledger.")
RAIN = "Forecasters expect another 40 mm of rain before Friday evening."
CAPTION = Block("caption", "Rescue boats on Quarry Street in Millbrook on Thursday morning.")

#: name -> (versions oldest first, expected (origin, last_changed, edits, event) of each block of the last one,
#: with versions numbered from 1)
CASES: dict[str, tuple[list[list[Block]], list[tuple[int, int, int, str]]]] = {
    "first version": (
        [[P(COUNCIL), P(PROTEST)]], [(1, 1, 0, "added"), (1, 1, 0, "added")]),
    "edit keeps the origin": (
        [[P(COUNCIL), P(PROTEST)], [P(COUNCIL.replace("Tuesday", "Wednesday")), P(PROTEST)]],
        [(1, 2, 1, "changed"), (1, 1, 0, "unchanged")]),
    "two edits count twice": (
        [[P(COUNCIL)], [P(COUNCIL.replace("Tuesday", "Wednesday"))], [P(COUNCIL.replace("Tuesday", "Friday"))]],
        [(1, 3, 2, "changed")]),
    "expansion keeps the origin": (
        [[P(RAIN), P(FERRY)], [P(RAIN + " The weather service issued a flash flood warning for the whole valley "
                                      "until midnight."), P(FERRY)]],
        [(1, 2, 1, "changed"), (1, 1, 0, "unchanged")]),
    "insertion is new, its neighbours are not": (
        [[P(COUNCIL), P(PROTEST)], [P(COUNCIL), P(MAYOR), P(PROTEST)]],
        [(1, 1, 0, "unchanged"), (2, 2, 0, "added"), (1, 1, 0, "unchanged")]),
    "move is not a change": (
        [[P(COUNCIL), P(PROTEST), P(HISTORY)], [P(HISTORY), P(COUNCIL), P(PROTEST)]],
        [(1, 1, 0, "moved"), (1, 1, 0, "unchanged"), (1, 1, 0, "unchanged")]),
    "split parts keep the origin": (
        [[P(COUNCIL), P(WATER)], [P(COUNCIL), P(WATER_A), P(WATER_B)]],
        [(1, 1, 0, "unchanged"), (1, 2, 1, "split"), (1, 2, 1, "split")]),
    "merge takes the earliest origin": (
        [[P(COUNCIL), P(HISTORY)], [P(COUNCIL), P(HISTORY), P(RAIN)], [P(COUNCIL), P(HISTORY + " " + RAIN)]],
        [(1, 1, 0, "unchanged"), (1, 3, 1, "merged")]),
    "removed then restored keeps its first origin": (
        [[P(COUNCIL), P(PROTEST)], [P(COUNCIL), P(PROTEST), P(MAYOR)], [P(MAYOR), P(COUNCIL)],
         [P(MAYOR), P(COUNCIL), P(PROTEST)]],
        [(2, 2, 0, "unchanged"), (1, 1, 0, "unchanged"), (1, 4, 0, "restored")]),
    "restored edited text keeps its origin and edits": (
        [[P(COUNCIL), P(PROTEST)], [P(COUNCIL), P(PROTEST.replace("most", "all"))], [P(COUNCIL)],
         [P(COUNCIL), P(PROTEST.replace("most", "all"))]],
        [(1, 1, 0, "unchanged"), (1, 4, 1, "restored")]),
    "text restored with an edit keeps its origin": (
        [[P(COUNCIL), P(PROTEST)], [P(COUNCIL)], [P(COUNCIL), P(PROTEST.replace("most", "all"))]],
        [(1, 1, 0, "unchanged"), (1, 3, 1, "restored")]),
    "unrelated text in the place of removed text is new": (
        [[P(COUNCIL), P(PROTEST)], [P(COUNCIL)], [P(COUNCIL), P(FERRY)]],
        [(1, 1, 0, "unchanged"), (3, 3, 0, "added")]),
    "a reworded headline keeps its lineage": (
        [[Block("title", "Harbour budget vote delayed"), P(COUNCIL)],
         [Block("title", "Council puts off decision on port spending until spring"), P(COUNCIL)]],
        [(1, 2, 1, "changed"), (1, 1, 0, "unchanged")]),
    "a heavy edit in place keeps its lineage": (
        [[P(COUNCIL), P(MAYOR), P(PROTEST)], [P(COUNCIL), P(MAYOR_REWORDED), P(PROTEST)]],
        [(1, 1, 0, "unchanged"), (1, 2, 1, "changed"), (1, 1, 0, "unchanged")]),
    "a rewrite sharing little with the old block in its place is new": (
        [[P(COUNCIL), P(MAYOR), P(PROTEST)], [P(COUNCIL), P(MAYOR_NEW), P(PROTEST)]],
        [(1, 1, 0, "unchanged"), (2, 2, 0, "added"), (1, 1, 0, "unchanged")]),
    "duplicate inherits from what it copies": (
        [[P(COUNCIL), CAPTION, P(PROTEST)], [P(COUNCIL), CAPTION, CAPTION, P(PROTEST)]],
        [(1, 1, 0, "unchanged"), (1, 1, 0, "unchanged"), (1, 2, 0, "duplicated"), (1, 1, 0, "unchanged")]),
    "short block reordered is a move, not new text": (
        [[P("Advertisement"), P(COUNCIL), P(PROTEST)], [P(COUNCIL), P(PROTEST), P("Advertisement")]],
        [(1, 1, 0, "unchanged"), (1, 1, 0, "unchanged"), (1, 1, 0, "moved")]),
    "a revert has the origins of the version it repeats": (
        [[P(COUNCIL), P(PROTEST)], [P(FERRY)], [P(COUNCIL), P(PROTEST)]],
        [(1, 3, 0, "restored"), (1, 3, 0, "restored")]),
}


def steps_of(versions: Sequence[Sequence[Block]]) -> list[Step]:
    steps: list[Step] = []
    tracer = Tracer(recall=steps.__getitem__)
    for k, blocks in enumerate(versions):
        steps.append(tracer.step(blocks, diff_blocks(versions[k - 1], blocks) if k else None))
    return steps


@pytest.mark.parametrize("name", sorted(CASES))
def test_lineage_cases(name: str) -> None:
    versions, expected = CASES[name]
    last = steps_of(versions)[-1]
    got = [(lin.origin + 1, lin.last_changed + 1, lin.edits, event) for lin, event in zip(last.lineage, last.events)]
    assert got == expected
    # trace() says the same with any reference type
    refs = [f"v{k + 1}" for k in range(len(versions))]
    traced = trace(list(zip(refs, versions)), diff_blocks)[-1]
    assert [(lin.origin, lin.last_changed, lin.edits) for lin in traced] == [
        (f"v{o}", f"v{lc}", e) for o, lc, e, _ in expected]


def test_parents_and_restoration_point() -> None:
    versions, _ = CASES["removed then restored keeps its first origin"]
    steps = steps_of(versions)
    assert steps[2].parents == ((2,), (0,))  # MAYOR moved up from ¶3, COUNCIL from ¶1
    assert steps[3].parents[2] == () and steps[3].restored_from[2] == 1  # PROTEST last present in v2


def test_first_version_takes_no_changes() -> None:
    with pytest.raises(ValueError):
        Tracer().step([P(COUNCIL)], diff_blocks([], [P(COUNCIL)]))
    tracer = Tracer()
    tracer.step([P(COUNCIL)])
    with pytest.raises(ValueError):
        tracer.step([P(PROTEST)])  # a later version needs its changes


def test_walk_follows_edits_removal_restoration_and_merges() -> None:
    versions = [
        [P(COUNCIL), P(HISTORY), P(RAIN)],                          # v1
        [P(COUNCIL.replace("Tuesday", "Wednesday")), P(HISTORY), P(RAIN)],  # v2: edit
        [P(HISTORY), P(RAIN)],                                      # v3: council removed
        [P(HISTORY + " " + RAIN), P(COUNCIL.replace("Tuesday", "Wednesday"))],  # v4: merge + restore
    ]
    steps = steps_of(versions)
    moments = walk(steps.__getitem__, versions.__getitem__, 3, 1)
    assert [(m.position, m.new, m.ended) for m in moments] == [(0, (0,), ()), (1, (0,), ()), (2, (), (0,)),
                                                                (3, (1,), ())]
    merged = walk(steps.__getitem__, versions.__getitem__, 3, 0)
    assert [(m.position, m.new) for m in merged] == [(0, (1, 2)), (3, (0,))]  # both merged paragraphs began in v1


@pytest.mark.parametrize("selector, index", [("0", 0), ("2", 2), ("¶1", 0), ("p3", 2), ("P 2", 1),
                                             ("TOWN HALL", 1), ("“the mayor declined", 2), ("  harbour  budget ", 0)])
def test_select_block(selector: str, index: int) -> None:
    blocks = [P(COUNCIL), P(PROTEST), P('"The mayor declined to comment."')]
    assert select_block(blocks, selector, version=4) == index


@pytest.mark.parametrize("selector, error, message", [
    ("3", NotFoundError, "v4 has 3 blocks: index 0 to 2 (¶1 to ¶3)"),
    ("¶0", UsageError, "count from 1"),
    ("the", UsageError, "is in 3 blocks of v4: ¶1 (index 0)"),
    ("zebra", NotFoundError, "no block of v4 contains 'zebra'"),
    ("   ", UsageError, "BLOCK must be"),
])
def test_select_block_errors(selector: str, error: type, message: str) -> None:
    blocks = [P(COUNCIL), P(PROTEST), P("The mayor declined to comment.")]
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        select_block(blocks, selector, version=4)


# -- properties ---------------------------------------------------------------------------------

POOL = [COUNCIL, COUNCIL.replace("Tuesday", "Wednesday"), PROTEST, MAYOR, FERRY, WATER, WATER_A, WATER_B,
        HISTORY, RAIN, HISTORY + " " + RAIN, "Advertisement", "Photo: AP", "Rain.", CAPTION.text]
blocks_st = st.builds(Block, st.sampled_from(BLOCK_KINDS), st.sampled_from(POOL))
version_st = st.lists(blocks_st, min_size=1, max_size=8)
histories = st.lists(version_st, min_size=1, max_size=6)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(version_st)
def test_version_one_is_all_version_one(blocks: list[Block]) -> None:
    (step,) = steps_of([blocks])
    assert all((lin.origin, lin.last_changed, lin.edits) == (0, 0, 0) for lin in step.lineage)


@PROPERTY
@given(histories, st.data())
def test_a_version_identical_to_an_earlier_one_changes_no_origin(versions: list[list[Block]],
                                                                  data: st.DataObject) -> None:
    again = data.draw(st.integers(0, len(versions) - 1))
    steps = steps_of([*versions, list(versions[again])])
    assert [lin.origin for lin in steps[-1].lineage] == [lin.origin for lin in steps[again].lineage]


@PROPERTY
@given(histories)
def test_lineage_invariants(versions: list[list[Block]]) -> None:
    for k, step in enumerate(steps_of(versions)):
        assert len(step.lineage) == len(versions[k])
        for lin, parents, event in zip(step.lineage, step.parents, step.events):
            assert 0 <= lin.origin <= lin.last_changed <= k and lin.edits >= 0
            assert all(0 <= p < len(versions[k - 1]) for p in parents)
            assert event != "unchanged" or lin.last_changed < k or k == 0 or lin.origin == lin.last_changed


@PROPERTY
@given(histories, st.data())
def test_resuming_from_a_saved_trail_changes_nothing(versions: list[list[Block]], data: st.DataObject) -> None:
    whole = steps_of(versions)
    cut = data.draw(st.integers(0, len(versions) - 1))
    steps: list[Step] = []
    first = Tracer(recall=steps.__getitem__)
    for k in range(cut + 1):
        steps.append(first.step(versions[k], diff_blocks(versions[k - 1], versions[k]) if k else None))
    saved = first.trail()
    restored = Trail(saved.step, dict(saved.seen), dict(saved.texts), dict(saved.departed))  # a cache round trip
    second = Tracer(restored, recall=steps.__getitem__)
    for k in range(cut + 1, len(versions)):
        steps.append(second.step(versions[k], diff_blocks(versions[k - 1], versions[k])))
    assert steps == whole
