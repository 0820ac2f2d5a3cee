"""Paragraph diff, word diff and change tags: table-driven cases plus hypothesis properties."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Sequence

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource

from provtrack import align, diff, diff_seq, diff_tokens
from provtrack.align import is_word, lis, tokenize
from provtrack.diff import DiffResult, compute_diff, diff_blocks, tag_change, word_diff
from provtrack.diff_seq import matching_blocks
from provtrack.diff_tokens import content_tokens, keyed_tokens
from provtrack.model import BLOCK_KINDS, Block, Change, Diff, Side, normalize_text

KNOWN_TAGS = {"numbers", "quotes", "cosmetic", "expanded", "trimmed", "names"}


def P(text: str) -> Block:
    return Block("paragraph", text)


# A small article to edit in the cases below.
LEDE = ("Emergency officials ordered the evacuation of 55,000 residents across Kestrel Valley on "
        "Thursday after the spillway of the Brannock Reservoir failed overnight.")
QUOTE = "“We have found 12 bodies,” said Chief Ana Torres."
WATER = ("Water reached the first-floor windows of homes along the Lark River by dawn, and the county "
         "closed every road south of the Millbrook bridge.")
SHELTERS = ("The county opened four shelters, including the Millbrook High School gym, and asked residents "
            "with vehicles to leave the valley by the northern highway.")
HISTORY = ("The Brannock Reservoir was built in 1962 and was last inspected in 2023, according to state "
           "records reviewed by the Ledger.")
RAIN = "Forecasters expect another 40 mm of rain before Friday evening."
CAPTION = Block("caption", "Rescue boats on Quarry Street in Millbrook on Thursday morning.")
BASE = [P(LEDE), P(QUOTE), CAPTION, P(WATER), P(SHELTERS), P(HISTORY), P(RAIN)]


def replace(blocks: Sequence[Block], index: int, *new: Block) -> list[Block]:
    return [*blocks[:index], *new, *blocks[index + 1:]]


Expected = tuple[str, tuple[int, ...], tuple[int, ...], set[str]]

CASES: dict[str, tuple[list[Block], list[Block], list[Expected]]] = {
    "identical": (BASE, list(BASE), []),
    "both empty": ([], [], []),
    "old empty": ([], [P(LEDE), P(RAIN)], [("added", (), (0,), set()), ("added", (), (1,), set())]),
    "new empty": ([P(LEDE), P(RAIN)], [], [("removed", (0,), (), set()), ("removed", (1,), (), set())]),
    "inserted paragraph": (
        BASE, [*BASE[:4], P("Critics blamed the governor for cuts to the inspection budget."), *BASE[4:]],
        [("added", (), (4,), set())]),
    "removed paragraph": (BASE, [*BASE[:5], *BASE[6:]], [("removed", (5,), (), set())]),
    "removed placed after the preceding block, before an insertion there": (
        BASE, replace(BASE, 5, P("Officials declined to say when the inspection report would be published.")),
        [("removed", (5,), (), set()), ("added", (), (5,), set())]),
    "changed figure in a quote": (
        BASE, replace(BASE, 1, P("“We have found 14 bodies,” said Chief Ana Torres.")),
        [("changed", (1,), (1,), {"numbers", "quotes"})]),
    "changed figure outside quotes": (
        BASE, replace(BASE, 0, P(LEDE.replace("55,000", "60,000"))),
        [("changed", (0,), (0,), {"numbers"})]),
    "changed name": (
        BASE, replace(BASE, 1, P("“We have found 12 bodies,” said Chief Maria Torres.")),
        [("changed", (1,), (1,), {"names"})]),
    "cosmetic case and punctuation": (
        BASE, replace(BASE, 4, P(SHELTERS.replace("High School gym,", "high school gym;"))),
        [("changed", (4,), (4,), {"cosmetic"})]),
    "curly vs straight quotes are invisible": (
        BASE, replace(BASE, 1, P('"We have found 12 bodies," said Chief Ana Torres.')), []),
    "moved paragraph": (
        BASE, [BASE[0], BASE[5], *BASE[1:5], BASE[6]], [("moved", (5,), (1,), set())]),
    "moved and edited paragraph": (
        BASE, [BASE[0], P(HISTORY.replace("2023", "2019")), *BASE[1:5], BASE[6]],
        [("moved", (5,), (1,), {"numbers"})]),
    "short block out of order is removed and added": (
        [P("Advertisement"), *BASE[:3]], [*BASE[:3], P("Advertisement")],
        [("removed", (0,), (), set()), ("added", (), (3,), set())]),
    "duplicated caption": (
        BASE, [*BASE[:3], CAPTION, *BASE[3:]], [("duplicated", (2,), (3,), set())]),
    "new text repeated: first added, second duplicated": (
        BASE[:2], [*BASE[:2], P("Live updates follow below."), P("Live updates follow below.")],
        [("added", (), (2,), set()), ("duplicated", (), (3,), set())]),
    "paragraph expanded with an inserted sentence": (
        BASE, replace(BASE, 6, P(RAIN + " The National Weather Service issued a flash flood warning for the "
                                 "whole valley until midnight, and schools will stay closed.")),
        [("changed", (6,), (6,), {"expanded"})]),
    "paragraph trimmed": (
        BASE, replace(BASE, 4, P("The county opened four shelters, including the Millbrook High School gym.")),
        [("changed", (4,), (4,), {"trimmed"})]),
    "split": (
        BASE, replace(BASE, 3, P("Water reached the first-floor windows of homes along the Lark River by dawn."),
                      P("The county closed every road south of the Millbrook bridge.")),
        [("split", (3,), (3, 4), set())]),
    "merged": (
        BASE, [*BASE[:5], P(HISTORY + " " + RAIN)], [("merged", (5, 6), (5,), set())]),
    "edit next to an unrelated short paragraph is not a split": (
        BASE, replace(BASE, 3, P(WATER.replace("every road", "all roads")), P("More to follow.")),
        [("changed", (3,), (3,), set()), ("added", (), (4,), set())]),
    "paragraph turned into a quote": (
        BASE, replace(BASE, 1, Block("quote", "“We have found 14 bodies,” said Chief Ana Torres.")),
        [("changed", (1,), (1,), {"numbers"})]),
    "several edits at once (the kestrel-flood example's first and last versions)": (
        BASE, [P(LEDE.replace("55,000", "60,000")), BASE[5], P(QUOTE.replace("12", "14")), CAPTION, CAPTION,
               BASE[3], P("Critics blamed the governor, who cut the dam inspection budget by a third last year."),
               P(SHELTERS.replace("High School", "high school")), BASE[6]],
        [("changed", (0,), (0,), {"numbers"}), ("moved", (5,), (1,), set()),
         ("changed", (1,), (2,), {"numbers", "quotes"}), ("duplicated", (2,), (4,), set()),
         ("added", (), (6,), set()), ("changed", (4,), (7,), {"cosmetic"})]),
    "a kind change alone is not a change (blocks match on text)": (
        BASE, replace(BASE, 1, Block("quote", QUOTE)), []),
    "invisible differences are no change: soft hyphen, no-break space, zero-width space": (
        BASE, [P(LEDE.replace("evacuation", "evac\u00aduation").replace(" of ", "\u00a0of\u00a0")),
               P(QUOTE.replace("Chief ", "Chief\u200b ")), *BASE[2:]], []),
    "NFC: a decomposed accent equals the composed one; dashes, ellipsis, ligatures fold": (
        [P("Café owners in Millbrook – and elsewhere – waited…"), P("The ﬁnal ﬂood report")],
        [P("Cafe\u0301 owners in Millbrook — and elsewhere — waited..."), P("The final flood report")], []),
    "NFC, not NFKC: a superscript is not a digit, so 10² -> 102 is a change": (
        [P("The reservoir holds 10⁶ cubic metres of water.")], [P("The reservoir holds 106 cubic metres of water.")],
        [("changed", (0,), (0,), {"numbers"})]),
    "edited paragraphs that moved past each other: changed in place, or moved": (
        BASE, [BASE[0], P(SHELTERS.replace("four", "five")), CAPTION, BASE[3], P(QUOTE.replace("12", "13")),
               *BASE[5:]],
        [("moved", (4,), (1,), set()), ("moved", (1,), (4,), {"numbers", "quotes"})]),
    "inside one gap (no exact anchor between), the longest in-order chain of edits stays": (
        [P(LEDE), P(QUOTE), P(WATER), P(SHELTERS), P(HISTORY), P(RAIN)],
        [P(LEDE), P(HISTORY.replace("2023", "2024")), P(QUOTE.replace("12", "13")), P(WATER.replace("dawn", "noon")),
         P(SHELTERS.replace("four", "five")), P(RAIN)],
        [("moved", (4,), (1,), {"numbers"}), ("changed", (1,), (2,), {"numbers", "quotes"}),
         ("changed", (2,), (3,), set()), ("changed", (3,), (4,), set())]),
    "sentences reordered and one reworded: paired on sentences, not on token order": (
        [P("The dam failed at 3 am. Water reached the town by dawn. Officials ordered an evacuation of the valley. "
           "Schools were closed for the week."), P(RAIN)],
        [P("Officials ordered an evacuation of the valley. Schools were closed for the rest of the week. "
           "The dam failed at 3 am. Water reached the town by dawn."), P(RAIN)],
        [("changed", (0,), (0,), set())]),
    "a short shared sentence does not pair two different paragraphs": (
        [P("Councillors approved the new bus depot by nine votes to four on Tuesday evening after a long debate. "
           "The depot will cost 12 million and open in 2028. The council declined to comment further."), P(RAIN)],
        [P("Residents of Quarry Street say the flood warnings came far too late for them to move their cars. "
           "Several said they would sue. The council declined to comment further."), P(RAIN)],
        [("removed", (0,), (), set()), ("added", (), (0,), set())]),
    "an exact move next to an edit keeps the longest chain in place": (
        BASE, [BASE[0], BASE[5], P(QUOTE.replace("12", "14")), CAPTION, BASE[3], BASE[4], BASE[6]],
        [("moved", (5,), (1,), set()), ("changed", (1,), (2,), {"numbers", "quotes"})]),
    "a duplicate right after its original: the later copy is the duplicate": (
        BASE[:4], [BASE[0], P(QUOTE.replace("12", "14")), BASE[3], BASE[3]],
        [("changed", (1,), (1,), {"numbers"}), ("removed", (2,), (), set()), ("duplicated", (3,), (3,), set())]),
    "rewritten beyond recognition": (
        BASE, replace(BASE, 6, P("Schools across the county will remain closed until further notice.")),
        [("removed", (6,), (), set()), ("added", (), (6,), set())]),
}


@pytest.mark.parametrize("old, new, expected", CASES.values(), ids=CASES.keys())
def test_diff_cases(old: list[Block], new: list[Block], expected: list[Expected]) -> None:
    changes = diff_blocks(old, new)
    got = [(c.kind, c.old_indices, c.new_indices) for c in changes]
    assert got == [e[:3] for e in expected]
    for change, (*_, tags) in zip(changes, expected):
        assert tags <= set(change.tags), change
    check_accounting(old, new, changes)


def test_changed_fields() -> None:
    new = replace(BASE, 1, Block("quote", "“We have found 14 bodies,” said Chief Ana Torres."))
    (change,) = diff_blocks(BASE, new)
    assert change.block_kind == "quote"
    assert (change.old_text, change.new_text) == (QUOTE, new[1].text)
    assert change.tags == ("numbers", "quotes")
    assert change.words == (("=", "“We have found "), ("-", "12"), ("+", "14"),
                            ("=", " bodies,” said Chief Ana Torres."))
    assert change.similarity is not None and 0.5 < change.similarity < 1
    assert change.introduced_in is None and change.origin is None


def test_cosmetic_comes_alone() -> None:
    (change,) = diff_blocks([P("The Mayor said HELLO to everyone.")], [P("The mayor said hello, to everyone!")])
    assert change.kind == "changed" and change.tags == ("cosmetic",) and change.cosmetic


def test_exact_move_and_duplicate_fields() -> None:
    moved, = diff_blocks(BASE, [BASE[0], BASE[5], *BASE[1:5], BASE[6]])
    assert (moved.similarity, moved.words, moved.tags) == (1.0, None, ())
    assert moved.old_text == moved.new_text == HISTORY
    dup, = diff_blocks(BASE, [*BASE, CAPTION])
    assert (dup.old_text, dup.new_text, dup.block_kind, dup.similarity) == (CAPTION.text, CAPTION.text, "caption", 1.0)
    added, dup2 = diff_blocks([], [P("Live updates."), P("Live updates.")])
    assert dup2.old_indices == () and dup2.old_text == "Live updates."


def test_split_and_merge_fields() -> None:
    parts = [P("Water reached the first-floor windows of homes along the Lark River by dawn."),
             P("The county closed every road south of the Millbrook bridge.")]
    split, = diff_blocks([P(WATER)], parts)
    assert split.new_text == "\n\n".join(p.text for p in parts)
    assert rebuild(split.words, "+") == split.new_text
    assert normalize_text(rebuild(split.words, "-")) == normalize_text(split.old_text or "")
    assert any(op == "+" and "\n\n" in text for op, text in split.words)  # the split point shows
    assert split.similarity is not None and split.similarity >= 0.8
    merged, = diff_blocks(parts, [P(WATER)])
    assert merged.kind == "merged" and merged.old_indices == (0, 1) and merged.block_kind == "paragraph"
    assert merged.words is not None and any(op == "-" and "\n\n" in text for op, text in merged.words)


def test_min_move_words() -> None:
    old, new = [P("Photo: AP Images"), *BASE[:2]], [*BASE[:2], P("Photo: AP Images")]
    assert [c.kind for c in diff_blocks(old, new)] == ["removed", "added"]
    assert [c.kind for c in diff_blocks(old, new, min_move_words=3)] == ["moved"]


def test_global_rare_word_candidates() -> None:
    """Far more leftovers than the all-pairs limit still find an edited, moved paragraph."""
    filler_old = [P(f"Unrelated item number {i} about topic {i * 7} of the day.") for i in range(80)]
    filler_new = [P(f"Different story {i} covering matter {i * 11} in brief.") for i in range(80)]
    old = [P(HISTORY), *filler_old, P(RAIN)]
    new = [P(RAIN), *filler_new, P(HISTORY.replace("2023", "2021"))]
    moved = [c for c in diff_blocks(old, new) if c.kind == "moved"]
    assert [(c.old_indices, c.new_indices) for c in moved] == [((0,), (81,))]
    assert moved[0].tags == ("numbers",)


def test_large_gap_pairs_edits_and_splits() -> None:
    """A gap too big to compare every pair (60 x 61) still pairs each edit with its original."""
    old = [P(f"Paragraph {i} reports that district {i * 13} counted {i * 7} damaged homes near bridge {i}.")
           for i in range(60)]
    new = [P(b.text.replace("damaged", "flooded")) for b in old]
    new[30:31] = [P("Paragraph 30 reports that district 390 counted"), P("210 damaged homes near bridge 30.")]
    changes = diff_blocks(old, new)
    assert [(c.kind, c.old_indices, c.new_indices) for c in changes] == [
        *(("changed", (i,), (i,)) for i in range(30)), ("split", (30,), (30, 31)),
        *(("changed", (i,), (i + 1,)) for i in range(31, 60))]


def test_sorted_by_new_position() -> None:
    new = [P("A brand new opening paragraph about the flood."), BASE[0], BASE[3], BASE[2],
           P(RAIN.replace("40", "60")), BASE[4]]
    changes = diff_blocks(BASE, new)
    keys = [c.new_indices[0] for c in changes if c.new_indices]
    assert keys == sorted(keys)
    removed = [c.old_indices for c in changes if c.kind == "removed"]
    assert removed == [(1,), (5,)]


# --- word_diff and tag_change -------------------------------------------------------------


def rebuild(words: Sequence[tuple[str, str]] | None, side: str) -> str:
    """'=' + *side* segments; '=' carries the NEW text, so "+" rebuilds new_text exactly and "-"
    rebuilds a text that normalises like old_text."""
    assert words is not None
    return "".join(text for op, text in words if op in ("=", side))


def check_words(old: str, new: str, words: Sequence[tuple[str, str]], *, breaks: bool = False) -> None:
    """The word-diff contract: exact new text, normalised old text, no edit that normalisation hides.

    With *breaks* (split and merged changes) a blank line differs from a space.
    """
    assert rebuild(words, "+") == new
    assert normalize_text(rebuild(words, "-")) == normalize_text(old)
    assert all(text for _, text in words)
    assert all(a[0] != b[0] for a, b in zip(words, words[1:]) if "=" in (a[0], b[0]))
    if breaks:
        return
    if normalize_text(old) == normalize_text(new):
        assert all(op == "=" for op, _ in words)
    # every run of edits differs after normalisation (inner whitespace kept, ends not stripped)
    run: dict[str, str] = {"-": "", "+": ""}
    for op, text in [*words, ("=", "")]:
        if op == "=":
            if run["-"] or run["+"]:
                assert _fold_ws(run["-"]) != _fold_ws(run["+"]), words
            run = {"-": "", "+": ""}
        else:
            run[op] += text


def _fold_ws(text: str) -> str:
    return "".join(keyed_tokens(f"x{text}x")[1])


@pytest.mark.parametrize("old, new, expected", [
    ("", "", ()),
    ("same", "same", (("=", "same"),)),
    ("“same”\u00a0text", '"same" text', (("=", '"same" text'),)),
    ("inter\u00adnational flood aid of 55,000", "international flood aid of 60,000",
     (("=", "international flood aid of "), ("-", "55,000"), ("+", "60,000"))),
    ("“We found 12,” said\u00a0Torres", '"We found 14," said Torres',
     (("=", '"We found '), ("-", "12"), ("+", "14"), ("=", '," said Torres'))),
    ("", "new", (("+", "new"),)),
    ("old", "", (("-", "old"),)),
    ("55,000 people", "60,000 people", (("-", "55,000"), ("+", "60,000"), ("=", " people"))),
    ("a 3.5% rise", "a 12% rise", (("=", "a "), ("-", "3.5%"), ("+", "12%"), ("=", " rise"))),
    ("the cat sat on the mat", "a dog sat on a rug",
     (("-", "the cat"), ("+", "a dog"), ("=", " sat on "), ("-", "the mat"), ("+", "a rug"))),
    ("Torres said", "Torres-Diaz said", (("=", "Torres"), ("+", "-Diaz"), ("=", " said"))),
])
def test_word_diff_cases(old: str, new: str, expected: tuple[tuple[str, str], ...]) -> None:
    assert word_diff(old, new) == expected


@pytest.mark.parametrize("text, tokens", [
    ("55,000 and 3.5 or 12%.", ["55,000", " ", "and", " ", "3.5", " ", "or", " ", "12%", "."]),
    ("in 2024.The end", ["in", " ", "2024", ".", "The", " ", "end"]),
    ("don't Smith’s", ["don't", " ", "Smith’s"]),
    ("नमस्ते दुनिया", ["नमस्ते", " ", "दुनिया"]),
    ("cafe\u0301", ["cafe\u0301"]),
    ("inter\u00adnational zero\u200bwidth", ["inter\u00adnational", " ", "zero\u200bwidth"]),
    (".\u0301 x", [".\u0301", " ", "x"]),
])
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


@pytest.mark.parametrize("old, new, tags", [
    (QUOTE, QUOTE, ()),
    (QUOTE, '"We have found 12 bodies," said Chief Ana Torres.', ()),
    (QUOTE, QUOTE.replace(" ", "\u00a0").replace("bodies", "bod\u00adies"), ()),
    ("It rose 10² times.", "It rose 102 times.", ("numbers",)),
    (QUOTE, "“We have found 14 bodies,” said Chief Ana Torres.", ("numbers", "quotes")),
    (QUOTE, "“We have found twelve bodies,” said Chief Ana Torres.", ("numbers", "quotes")),
    ("Officials said 12 bodies were found.", "Officials said 14 bodies were found.", ("numbers",)),
    ("Rain fell.", "Rain fell again.", ()),
    ("He said he was fine.", "He said: “I am fine.”", ("quotes",)),
    ("The MAYOR spoke, briefly.", "The mayor spoke briefly!", ("cosmetic",)),
    ("a well-known fact", "a well known fact", ("cosmetic",)),
    ("a 3.5 million budget", "a 35 million budget", ("numbers",)),
    ("Rain fell.", "Rain fell all night across the valley.", ("expanded",)),
    ("Rain fell all night across the valley.", "Rain fell.", ("trimmed",)),
    ("said Chief Ana Torres.", "said Chief Maria Torres.", ("names",)),
    ("Torres said the dam failed.", "The dam failed, Torres said.", ()),
    ("Shelters opened.", "Shelters opened in Millbrook on Thursday.", ("expanded", "names")),
    ("He said it was 'fine' then.", "He said it was 'not fine' then.", ("quotes",)),
])
def test_tag_change(old: str, new: str, tags: tuple[str, ...]) -> None:
    assert tag_change(old, new) == tags


def test_lis() -> None:
    assert lis([]) == []
    assert lis([4, 3, 2]) in ([0], [1], [2])
    seq = [5, 0, 9, 1, 2, 8, 3, 7, 4]
    positions = lis(seq)
    assert positions == sorted(positions)
    assert [seq[p] for p in positions] in ([0, 1, 2, 3, 7], [0, 1, 2, 3, 4])


# --- properties -----------------------------------------------------------------------------


def check_accounting(old: Sequence[Block], new: Sequence[Block], changes: Sequence[Change]) -> None:
    """Every block is unchanged (aligned in order with an equal key) or named by exactly one change."""
    named_old = [i for c in changes if c.kind != "duplicated" for i in c.old_indices]
    named_new = [j for c in changes for j in c.new_indices]
    assert len(named_old) == len(set(named_old)) and len(named_new) == len(set(named_new))
    assert all(0 <= i < len(old) for c in changes for i in c.old_indices)
    assert all(0 <= j < len(new) for j in named_new)
    free_old = [i for i in range(len(old)) if i not in set(named_old)]
    free_new = [j for j in range(len(new)) if j not in set(named_new)]
    assert len(free_old) == len(free_new)
    assert all(old[i].key == new[j].key for i, j in zip(free_old, free_new))
    for c in changes:
        assert c.kind != "removed" or (c.new_indices == () and c.new_text is None)
        assert c.kind != "added" or (c.old_indices == () and c.old_text is None)
        assert c.kind not in ("split", "merged") or len(c.new_indices) + len(c.old_indices) >= 3
        if c.words is not None:
            assert c.old_text is not None and c.new_text is not None
            check_words(c.old_text, c.new_text, c.words, breaks=c.kind in ("split", "merged"))
        assert c.similarity is None or 0 <= c.similarity <= 1
        assert list(c.tags) == sorted(set(c.tags)) and set(c.tags) <= KNOWN_TAGS
        assert c.block_kind in BLOCK_KINDS
    positions = [min(c.new_indices) for c in changes if c.new_indices]
    assert positions == sorted(positions)


# Texts chosen so random documents hit every path: exact repeats, light edits, splits and
# merges (the halves and the joined pair), case-only edits and short boilerplate.
POOL = [LEDE, LEDE.replace("55,000", "60,000"), QUOTE, QUOTE.replace("12", "14"), WATER,
        "Water reached the first-floor windows of homes along the Lark River by dawn.",
        "The county closed every road south of the Millbrook bridge.",
        SHELTERS, SHELTERS.lower(), HISTORY, RAIN, HISTORY + " " + RAIN, "Advertisement", "Photo: AP",
        "Rain.", "Rain fell all night.", "—"]
pool_blocks = st.builds(Block, st.sampled_from(BLOCK_KINDS), st.sampled_from(POOL))
documents = st.lists(pool_blocks, max_size=14)
unicode_blocks = st.builds(Block, st.sampled_from(BLOCK_KINDS), st.text(min_size=1, max_size=40))
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(documents)
def test_self_diff_is_empty(doc: list[Block]) -> None:
    assert diff_blocks(doc, doc) == ()


@PROPERTY
@given(documents, documents, st.integers(min_value=0, max_value=6))
def test_accounting_invariant(old: list[Block], new: list[Block], min_move_words: int) -> None:
    check_accounting(old, new, diff_blocks(old, new, min_move_words=min_move_words))


@PROPERTY
@given(documents, st.data())
def test_accounting_after_shuffle_and_edits(old: list[Block], data: st.DataObject) -> None:
    new = data.draw(st.permutations(old))
    extra = data.draw(st.lists(st.tuples(st.integers(0, 20), pool_blocks), max_size=4))
    for at, block in extra:
        new.insert(at % (len(new) + 1), block)
    check_accounting(old, new, diff_blocks(old, new))


@PROPERTY
@given(st.lists(unicode_blocks, max_size=8), st.lists(unicode_blocks, max_size=8))
def test_arbitrary_unicode_never_raises(old: list[Block], new: list[Block]) -> None:
    check_accounting(old, new, diff_blocks(old, new))


INVISIBLE = "\u00ad\u200b\u2060\ufeff"
# Text drawn from characters that exercise normalisation: variants that fold together, invisible
# ones, combining marks, superscripts (which must NOT fold) and blank lines.
TRICKY = st.lists(st.sampled_from(list("ab 12,.-'\"\n") + [
    "\u00a0", "\u00ad", "\u200b", "\u2060", "\u2019", "\u201c", "\u201d", "\u2014", "\u2013", "\u2026", "\u0301",
    "é", "e\u0301", "²", "\ufb01", "\u202f", "=\u0338"]), max_size=30).map("".join)


@PROPERTY
@given(st.text(max_size=80), st.text(max_size=80))
def test_word_diff_contract(old: str, new: str) -> None:
    check_words(old, new, word_diff(old, new))


@PROPERTY
@given(TRICKY, TRICKY)
@example("aa 'aa''", ",aa 'aa'\xad'")  # a soft hyphen after an apostrophe once made "aa'" one word
def test_word_diff_contract_on_normalisation_variants(old: str, new: str) -> None:
    check_words(old, new, word_diff(old, new))
    words = word_diff(old, new, paragraph_breaks=True)
    assert rebuild(words, "+") == new
    assert normalize_text(rebuild(words, "-")) == normalize_text(old)


@PROPERTY
@given(st.one_of(st.text(max_size=60), TRICKY))
def test_token_keys_are_normalize_text(text: str) -> None:
    raws, keys = keyed_tokens(text)
    assert "".join(raws) == text
    assert "".join(keys).strip() == normalize_text(text)
    assert all(keys) or keys == [""]
    assert not any(a.isspace() and b.isspace() for a, b in zip(keys, keys[1:]))


@PROPERTY
@given(st.one_of(st.text(max_size=60), TRICKY))
def test_tokenizer_fast_paths_agree_with_the_full_tables(text: str) -> None:
    full_tokens, full_content, full_word = diff_tokens._patterns()
    assert tokenize(text) == full_tokens.findall(text)
    assert content_tokens(text) == [t for t in full_tokens.findall(text) if not t.isspace()]
    assert all(is_word(t) == bool(full_word.match(t)) for t in tokenize(text))


@PROPERTY
@given(TRICKY)
def test_a_text_against_its_normalised_self_is_all_equal(text: str) -> None:
    assert all(op == "=" for op, _ in word_diff(text, normalize_text(text)))


@PROPERTY
@given(st.lists(st.sampled_from(["55,000", "3.5%", "Torres", "don't", "the", "“", "”", ",", " ", "\n", "é",
                                 "e\u0301", "12", "inter\u00adnational", "\u00a0", "\u200b"]), max_size=20),
       st.lists(st.sampled_from(["60,000", "12%", "Ana", "the", ".", " ", "word"]), max_size=20))
def test_word_diff_never_splits_words(base: list[str], extra: list[str]) -> None:
    old = "".join(base)
    new = "".join(base[: len(base) // 2] + extra + base[len(base) // 2:])
    words = word_diff(old, new)
    check_words(old, new, words)
    for side in ("-", "+"):
        # no segment boundary falls inside a word of the text that side rebuilds
        text = rebuild(words, side)
        inside, pos = set(), 0
        for token in tokenize(text):
            if is_word(token):
                # an invisible character (deleted by normalisation) may sit on either side of a cut
                inside.update(p for p in range(pos + 1, pos + len(token))
                              if not {text[p - 1], text[p]} & set(INVISIBLE))
            pos += len(token)
        pos = 0
        for k, (op, seg) in enumerate(words):
            if op in ("=", side):
                pos += len(seg)
                # a cut where the other side's segment begins or ends with an invisible character
                # (a zero-width space that was the word break in the original) is a real word break
                nearby = words[k + 1:k + 2] + words[max(k - 1, 0):k]
                if any(s and (s[0] in INVISIBLE or s[-1] in INVISIBLE) for _, s in nearby):
                    continue
                assert pos not in inside, (words, side)


@PROPERTY
@given(st.text(max_size=60), st.text(max_size=60))
def test_tag_change_never_raises(old: str, new: str) -> None:
    tags = tag_change(old, new)
    assert list(tags) == sorted(set(tags)) and set(tags) <= KNOWN_TAGS
    assert "cosmetic" not in tags or tags == ("cosmetic",)


def replay(old: Sequence[Block], changes: Sequence[Change]) -> list[Block]:
    """Apply *changes* to *old*: the new block list, every new index produced exactly once.

    Old blocks no change consumes (unchanged ones) fill the free new positions in order; the
    others come from the changes' new text (split by the blank line joining several blocks).
    """
    consumed = [i for c in changes if c.kind != "duplicated" for i in c.old_indices]
    assert len(consumed) == len(set(consumed))
    produced: dict[int, Block] = {}
    for c in changes:
        if not c.new_indices:
            continue
        assert c.new_text is not None
        texts = c.new_text.split("\n\n") if len(c.new_indices) > 1 else [c.new_text]
        assert len(texts) == len(c.new_indices)
        for j, text in zip(c.new_indices, texts):
            assert j not in produced
            produced[j] = Block(c.block_kind, text)
    kept = iter([b for i, b in enumerate(old) if i not in set(consumed)])
    size = len(old) - len(set(consumed)) + len(produced)
    assert all(0 <= j < size for j in produced)
    out = [produced[j] if j in produced else next(kept) for j in range(size)]
    assert next(kept, None) is None
    return out


def check_replay(old: Sequence[Block], new: Sequence[Block], changes: Sequence[Change]) -> None:
    replayed = replay(old, changes)
    assert [b.key for b in replayed] == [b.key for b in new]
    produced = {j for c in changes for j in c.new_indices}
    assert all(replayed[j].text == new[j].text for j in produced if len(new) > j)


@PROPERTY
@given(documents, documents, st.integers(min_value=0, max_value=6))
def test_replay_rebuilds_the_new_version(old: list[Block], new: list[Block], min_move_words: int) -> None:
    check_replay(old, new, diff_blocks(old, new, min_move_words=min_move_words))


@PROPERTY
@given(documents, st.data())
def test_replay_after_shuffle_split_merge_and_edits(old: list[Block], data: st.DataObject) -> None:
    new = data.draw(st.permutations(old))
    for at, block in data.draw(st.lists(st.tuples(st.integers(0, 20), pool_blocks), max_size=4)):
        new.insert(at % (len(new) + 1), block)
    if len(new) >= 2 and data.draw(st.booleans()):  # merge two neighbours
        at = data.draw(st.integers(0, len(new) - 2))
        new[at:at + 2] = [Block(new[at].kind, new[at].text + " " + new[at + 1].text)]
    changes = diff_blocks(old, new)
    check_accounting(old, new, changes)
    check_replay(old, new, changes)


@PROPERTY
@given(st.lists(st.sampled_from("abcdefg"), max_size=40), st.lists(st.sampled_from("abcdefgh"), max_size=40),
       st.sampled_from([4, 40_000]))
def test_matching_blocks_are_equal_runs_in_order(a: list[str], b: list[str], cells: int) -> None:
    original = diff_seq.SMALL_CELLS
    diff_seq.SMALL_CELLS = cells  # 4: exercise the anchored and Myers paths on small inputs
    try:
        runs = matching_blocks(a, b)
    finally:
        diff_seq.SMALL_CELLS = original
    end_a = end_b = 0
    for i, j, size in runs:
        assert size > 0 and i >= end_a and j >= end_b and a[i:i + size] == b[j:j + size]
        end_a, end_b = i + size, j + size


def test_compute_diff_reports_coarseness() -> None:
    new = replace(BASE, 1, P(QUOTE.replace("12", "14")))
    result = compute_diff(BASE, new)
    assert isinstance(result, DiffResult)
    assert (result.coarse, result.reason) == (False, None)
    assert result.changes == diff_blocks(BASE, new)


@pytest.mark.parametrize("limit, value, reason", [
    ((diff, "MAX_WORD_DIFF_CHARS"), 10, "word diff skipped for"),
    ((align, "MAX_SCORED_PAIRS"), 0, "fuzzy pairing limited to"),
    ((align, "MAX_FUZZY_TOKENS"), 0, "fuzzy pairing stopped after"),
])
def test_work_limits_coarsen_but_keep_accounting(monkeypatch: pytest.MonkeyPatch, limit: tuple[object, str],
                                                 value: int, reason: str) -> None:
    monkeypatch.setattr(*limit, value)
    new = [P(LEDE.replace("55,000", "60,000")), BASE[5], P(QUOTE.replace("12", "14")), CAPTION, CAPTION, BASE[3],
           P("Critics blamed the governor."), P(SHELTERS.replace("High School", "high school")), BASE[6]]
    result = compute_diff(BASE, new)
    assert result.coarse and result.reason is not None and reason in result.reason
    check_accounting(BASE, new, result.changes)
    check_replay(BASE, new, result.changes)


def test_anchorless_identical_blocks_are_aligned_coarsely_when_they_must(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff_seq, "MYERS_MAX_D", 2)
    old = [P("Advertisement"), P("Live updates")] * 300
    new = [P("Live updates"), P("Advertisement")] * 150 + [P("Advertisement")] * 300
    result = compute_diff(old, new)
    assert result.coarse and "identical blocks aligned coarsely" in (result.reason or "")
    check_accounting(old, new, result.changes)
    check_replay(old, new, result.changes)


# Pathological sizes: these must finish (benchmarks/bench_diff.py times them); no clock here.

def _filler(n: int, seed: int = 0) -> list[Block]:
    return [P(f"Item {i + seed} of the live blog: ward {i % 97} reported {i * 7 % 1000} calls, "
              f"and crew {i % 13} was sent to street {i % 211}.") for i in range(n)]


def test_many_paragraphs() -> None:
    old = _filler(20_000)
    new = list(old)
    for k in range(0, 20_000, 997):
        new[k] = P(new[k].text.replace("calls", "emergency calls"))
    del new[5_000:5_010]
    new[12_000:12_000] = [P("A new paragraph about the bridge.")]
    result = compute_diff(old, new)
    assert not result.coarse
    kinds = [c.kind for c in result.changes]
    assert kinds.count("changed") == 21 and kinds.count("removed") == 10 and kinds.count("added") == 1


def test_one_huge_paragraph() -> None:
    words = [f"w{i % 5000}" if i % 7 else f"n{i}" for i in range(170_000)]
    old_text = " ".join(words) + "."
    words[1_001], words[90_006] = "changed", "edited"
    new_text = " ".join(words) + "."
    assert len(old_text) > 1_000_000
    result = compute_diff([P(old_text)], [P(new_text)])
    (change,) = result.changes
    assert change.kind == "changed" and change.words is not None
    assert [text for op, text in change.words if op != "="] == ["n1001", "changed", "n90006", "edited"]
    check_words(old_text, new_text, change.words)


def test_unrelated_documents_built_on_one_pattern() -> None:
    """Nothing in common but the sentence pattern: one huge gap, candidates from rare words only."""
    old = [P(f"Councillors in ward {i} voted {i % 9} to {i % 7} on the {i * 13 % 97}th budget line.")
           for i in range(3_000)]
    new = [P(f"Residents of street {i} waited {i % 11} hours for bus {i * 17 % 89} on Friday.")
           for i in range(3_000)]
    result = compute_diff(old, new)
    check_accounting(old, new, result.changes)
    check_replay(old, new, result.changes)


def test_thousands_of_identical_paragraphs() -> None:
    ad = P("Advertisement")
    old = [ad, *BASE] * 500
    new = [*([ad, *BASE] * 250), ad, ad, *([ad, *BASE] * 249), ad]
    result = compute_diff(old, new)
    check_accounting(old, new, result.changes)
    check_replay(old, new, result.changes)
    only_ad = compute_diff([ad], [ad] * 3000)
    assert [c.kind for c in only_ad.changes] == ["duplicated"] * 2999 and not only_ad.coarse


# --- contract and purity ------------------------------------------------------------------------

CONTRACT = Path(str(resources.files("provtrack") / "contract"))


def test_diff_json_matches_schema() -> None:
    schemas = {p.name: json.loads(p.read_text()) for p in CONTRACT.glob("*.schema.json")}
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values())
    validator = jsonschema.Draft202012Validator(schemas["diff.schema.json"], registry=registry)
    new = [BASE[0], BASE[5], P(QUOTE.replace("12", "14")), CAPTION, CAPTION,
           P("Water reached the first-floor windows of homes along the Lark River by dawn."),
           P("The county closed every road south of the Millbrook bridge."), BASE[4], P("Live updates.")]
    changes = diff_blocks(BASE, new)
    assert {c.kind for c in changes} >= {"moved", "changed", "duplicated", "added", "removed", "split"}
    old_side, new_side = Side("old.html", "0" * 64), Side("new.html", "f" * 64, fetched_at="2026-02-05T09:42:00+00:00")
    diff = Diff(old_side, new_side, tuple(BASE), tuple(new), changes)
    document = {"schema": "provtrack.diff/1", "old": old_side.to_json(), "new": new_side.to_json(),
                "summary": diff.summary(), "changes": [c.to_json() for c in changes]}
    validator.validate(json.loads(json.dumps(document)))
    assert diff.summary()["unchanged"] == len(new) - len({j for c in changes for j in c.new_indices})


def test_core_imports_no_cli_libraries() -> None:
    code = ("import sys, provtrack.diff, provtrack.align; "
            "print(sorted(m for m in ('click', 'rich', 'git') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("old, new, expected", [
    ("Temperatures fell to -5 degrees overnight.", "Temperatures fell to 5 degrees overnight.", ("numbers",)),
    ("The deficit is −3.5 billion.", "The deficit is 3.5 billion.", ("numbers",)),
    ('The mayor called them "criminals" at the meeting.', "The mayor called them criminals at the meeting.",
     ("quotes",)),
    ("The tank holds 10\u2076 litres.", "The tank holds 106 litres.", ("numbers",)),
    ('He said "no comment" today.', "He said \u201cno comment\u201d today.", ()),  # quote style only: unchanged
    ("The Council met today.", "The council met today!", ("cosmetic",)),
])
def test_signs_quotation_marks_and_superscripts_are_substantive(old, new, expected):
    assert tag_change(old, new) == expected


RESULTS = ["In Thornwick {ward}, {winner} won with {votes} votes, ahead of {second} on {runner}. Turnout was {turnout}%."]
BODY = [Block("paragraph", "Crews worked through the night to shore up the harbour wall at Quillan Bay."),
        Block("paragraph", "The council said the repair bill had risen to 2.4 million pounds since January.")]


def _kinds(old: Sequence[Block], new: Sequence[Block]) -> list[tuple[str, tuple[int, ...], tuple[int, ...], tuple[str, ...]]]:
    return [(c.kind, c.old_indices, c.new_indices, tuple(c.tags)) for c in diff_blocks(old, new)]


@pytest.mark.parametrize("old, new, expected", [
    pytest.param([Block("title", "Council considers changes to harbour wall repairs"), *BODY],
                 [Block("title", "Harbour wall bill soars as repairs drag on"), *BODY],
                 [("changed", (0,), (0,))], id="a headline reworded is the headline changed"),
    pytest.param([Block("title", "Kelsby crews tackle moorland fire"), Block("paragraph", "Smoke drifted over Oxley.")],
                 [Block("title", "Oxley village hall wins heritage grant"), Block("paragraph", "The hall dates from 1890.")],
                 [("removed", (0,), ()), ("removed", (1,), ()), ("added", (), (0,)), ("added", (), (1,))],
                 id="a page that now carries another story keeps nothing"),
    pytest.param([*BODY, Block("heading", "Background"), BODY[0]], [*BODY, Block("heading", "BACKGROUND"), BODY[0]],
                 [("changed", (2,), (2,))], id="a short heading's case"),
    pytest.param([*BODY, Block("paragraph", "Read more: County council tax rise confirmed"), Block("paragraph", "End.")],
                 [*BODY, Block("paragraph", "Read more: Quarry lorry inquest opens"), Block("paragraph", "End.")],
                 [("removed", (2,), ()), ("added", (), (2,))], id="promos that share only a label"),
    pytest.param([*BODY, Block("quote", "“This is a really striking result. It suggests a simple change could protect "
                                        "millions of people,” said lead author Professor Jun Abara."), BODY[1]],
                 [*BODY, Block("quote", "“This is an interesting result, but it does not show that coffee itself "
                                        "protects the brain,” said lead author Professor Jun Abara."), BODY[1]],
                 [("changed", (2,), (2,))], id="a quote softened in place"),
])
def test_the_articles_structure_joins_a_removed_and_an_added_block(old: list[Block], new: list[Block],
                                                                   expected: list[tuple[str, tuple[int, ...], tuple[int, ...]]]) -> None:
    assert [k[:3] for k in _kinds(old, new)] == expected


def test_a_short_case_only_edit_is_cosmetic_and_a_softened_quote_is_tagged_quotes() -> None:
    heading = _kinds([*BODY, Block("heading", "Background"), BODY[0]], [*BODY, Block("heading", "BACKGROUND"), BODY[0]])
    assert heading == [("changed", (2,), (2,), ("cosmetic",))]
    quote = diff_blocks([Block("quote", "“We will rebuild the wall by spring,” the mayor said."), *BODY],
                        [Block("quote", "“We hope to start on the wall this year,” the mayor said."), *BODY])
    assert [(c.kind, "quotes" in c.tags) for c in quote] == [("changed", True)]


def test_results_lines_built_from_one_template_are_not_one_line_edited() -> None:
    wards = [("North", "Edda Vantorre", "1,204", "Callum Ferrault", "988", 31),
             ("South", "Tomas Hezzleby", "2,016", "Ilse Durrowmere", "1,450", 38),
             ("Park", "Anouk Pemberthy", "877", "Kwame Harrowby", "861", 27),
             ("Mill", "Rosalind Lindqvist", "1,530", "Orrin Caskell", "1,101", 35),
             ("Common", "Signe Whitlock", "1,689", "Jerome Aldane", "702", 33)]
    lines = [Block("paragraph", RESULTS[0].format(ward=w, winner=a, votes=v, second=b, runner=r, turnout=t))
             for w, a, v, b, r, t in wards]
    hill = Block("paragraph", RESULTS[0].format(ward="Hill", winner="Beatrix Sorensby", votes="1,318",
                                                second="Lucian Tarrant", runner="640", turnout=29))
    old = [Block("title", "Local elections: Thornwick results"), *lines]
    new = [old[0], *lines[:2], hill, *lines[3:]]
    assert [k[:3] for k in _kinds(old, new)] == [("removed", (3,), ()), ("added", (), (3,))]


def test_many_cosmetic_copies_pair_in_order_and_account_for_every_block() -> None:
    old = [Block("paragraph", "Advertisement"), BODY[0]] * 300 + [BODY[1]]
    new = [Block("paragraph", "ADVERTISEMENT."), BODY[0]] * 300 + [BODY[1]]
    changes = diff_blocks(old, new)
    named_old = sorted(i for c in changes if c.kind != "duplicated" for i in c.old_indices)
    named_new = sorted(j for c in changes for j in c.new_indices)
    assert len(named_old) == len(set(named_old)) and len(named_new) == len(set(named_new))
    changed = [(c.old_indices, c.new_indices) for c in changes if c.kind == "changed"]
    assert len(changed) == len(changes) == 300 and all(o == n for o, n in changed)  # copy k with copy k
    assert all("cosmetic" in c.tags for c in changes if c.kind == "changed")
