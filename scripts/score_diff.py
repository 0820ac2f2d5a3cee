#!/usr/bin/env python3
"""Score ``provtrack.diff.diff_blocks`` against blind labelled edits of published stories.

    python scripts/score_diff.py [tests/fixtures/diffblind/cases.json] [--only TEXT] [--threshold F]

FILE is ``{"about", "cases": [{"id", "note", "old": [[kind, text], ...], "new": [...],
"expected": [[change_kind, [old_indices], [new_indices]], ...]}]}`` (see
tests/fixtures/diffblind/). The labels are checked first: every block of both sides must be
either unchanged (equal after normalisation, same kind, in order) or named by exactly one
change, with indices in range and each kind's shape respected (a ``duplicated`` change's old
index is a reference to the block it copies, not an accounting of it). Any inconsistency is
listed and the script exits 2 without scoring.

Scoring is strict: a change counts only when its kind, old indices and new indices all match
a label exactly. Prints precision, recall and F1 per change kind and overall (micro), how many
cases came out exactly right, and every mismatching case with the changes that were expected
but not reported (``-``) and reported but not expected (``+``). Exit status 1 when
``--threshold`` is given and the overall F1 is below it, else 0.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from provtrack.diff import diff_blocks
from provtrack.model import Block

DEFAULT = ROOT / "tests" / "fixtures" / "diffblind" / "cases.json"
BLOCK_KINDS = ("title", "heading", "paragraph", "caption", "quote", "list_item")
CHANGE_KINDS = ("added", "removed", "changed", "moved", "duplicated", "split", "merged")

# What the README says normalisation folds: quote and dash style, no-break spaces, soft
# hyphens and zero-width characters, Unicode composition, runs of whitespace. Case and other
# punctuation are kept: an edit of only those is a (cosmetic) change, not no change.
_FOLD = str.maketrans({
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032"},
    **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"},
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
    **{c: " " for c in "\u00a0\u2007\u202f"},
    **{c: None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"},
})
_SPACES = re.compile(r"\s+")

Label = tuple[str, tuple[int, ...], tuple[int, ...]]


def norm(text: str) -> str:
    """The text as the README says every comparison sees it."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).translate(_FOLD)).strip()


def _consecutive(ix: tuple[int, ...]) -> bool:
    return all(b == a + 1 for a, b in itertools.pairwise(ix))


def check_case(case: dict) -> list[str]:
    """Everything wrong with one case's labels; empty when they are self-consistent."""
    problems: list[str] = []
    old, new = case.get("old"), case.get("new")
    for name, blocks in (("old", old), ("new", new)):
        if not isinstance(blocks, list) or not blocks:
            return [f"{name} must be a non-empty list of [kind, text]"]
        for i, blk in enumerate(blocks):
            if (not isinstance(blk, list) or len(blk) != 2 or blk[0] not in BLOCK_KINDS
                    or not isinstance(blk[1], str) or not blk[1]):
                problems.append(f"{name}[{i}] is not a [block_kind, non-empty text] pair: {blk!r:.80}")
    if problems or not isinstance(old, list) or not isinstance(new, list):
        return problems
    seen_old: Counter[int] = Counter()
    seen_new: Counter[int] = Counter()
    for raw in case.get("expected", []):
        if (not isinstance(raw, list) or len(raw) != 3 or raw[0] not in CHANGE_KINDS
                or not all(isinstance(x, list) and all(isinstance(i, int) for i in x) for x in raw[1:])):
            problems.append(f"malformed change {raw!r}")
            continue
        kind, o, n = raw[0], tuple(raw[1]), tuple(raw[2])
        bad = [i for i in o if not 0 <= i < len(old)] + [i for i in n if not 0 <= i < len(new)]
        if bad:
            problems.append(f"{raw}: index out of range {bad}")
            continue
        shape = {
            "added": len(o) == 0 and len(n) == 1,
            "removed": len(o) == 1 and len(n) == 0,
            "changed": len(o) == 1 and len(n) == 1,
            "moved": len(o) == 1 and len(n) == 1,
            "duplicated": len(o) <= 1 and len(n) == 1,
            "split": len(o) == 1 and len(n) >= 2 and _consecutive(n),
            "merged": len(o) >= 2 and len(n) == 1 and _consecutive(o),
        }[kind]
        if not shape:
            problems.append(f"{raw}: wrong shape for {kind}")
            continue
        if kind == "changed" and norm(old[o[0]][1]) == norm(new[n[0]][1]):
            problems.append(f"{raw}: 'changed' but the texts are equal after normalisation")
        if kind == "duplicated":
            text = norm(new[n[0]][1])
            if o and norm(old[o[0]][1]) != text:
                problems.append(f"{raw}: the duplicate's text differs from old[{o[0]}]")
            if not o:
                if any(norm(t) == text for _, t in old):
                    problems.append(f"{raw}: the text exists in old, so old_indices must name it")
                if not any(norm(t) == text for j, (_, t) in enumerate(new) if j != n[0]):
                    problems.append(f"{raw}: no other copy of this text in new")
            seen_new.update(n)  # the old index is a reference, not an accounting
        else:
            seen_old.update(o)
            seen_new.update(n)
    for name, seen in (("old", seen_old), ("new", seen_new)):
        twice = sorted(i for i, c in seen.items() if c > 1)
        if twice:
            problems.append(f"{name} blocks named by more than one change: {twice}")
    rest_old = [i for i in range(len(old)) if i not in seen_old]
    rest_new = [i for i in range(len(new)) if i not in seen_new]
    if len(rest_old) != len(rest_new):
        problems.append(f"unnamed blocks do not pair up: old {rest_old} vs new {rest_new}")
    else:
        for i, j in zip(rest_old, rest_new):
            if old[i][0] != new[j][0] or norm(old[i][1]) != norm(new[j][1]):
                problems.append(f"unnamed old[{i}] and new[{j}] differ, so one of them needs a change: "
                                f"{old[i][1]!r:.50} / {new[j][1]!r:.50}")
                break
    return problems


def labels(case: dict) -> Counter[Label]:
    return Counter((k, tuple(o), tuple(n)) for k, o, n in case["expected"])


def run_differ(case: dict) -> Counter[Label]:
    old = [Block(k, t) for k, t in case["old"]]
    new = [Block(k, t) for k, t in case["new"]]
    return Counter((c.kind, tuple(c.old_indices), tuple(c.new_indices)) for c in diff_blocks(old, new))


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def describe(label: Label, case: dict) -> str:
    kind, o, n = label
    def text(side: str, ix: tuple[int, ...]) -> str:
        return " | ".join(case[side][i][1][:40] for i in ix)
    where = f"old {list(o)} new {list(n)}"
    snippet = text("new", n) if n else text("old", o)
    return f"{kind:<10} {where:<24} {snippet}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--only", help="score only cases whose id contains TEXT")
    ap.add_argument("--threshold", type=float, help="exit 1 when overall F1 is below this")
    args = ap.parse_args(argv)

    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    cases = data["cases"]
    problems: list[str] = []
    ids = Counter(c.get("id") for c in cases)
    problems += [f"duplicate case id {i!r}" for i, n in ids.items() if n > 1]
    for c in cases:
        problems += [f"{c.get('id')}: {p}" for p in check_case(c)]
    if problems:
        print(f"{args.file}: {len(problems)} label problem(s); not scoring", file=sys.stderr)
        for line in problems:
            print("  " + line, file=sys.stderr)
        return 2
    if args.only:
        cases = [c for c in cases if args.only in c["id"]]

    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    support: Counter[str] = Counter()
    misses = []
    for c in cases:
        want = labels(c)
        got = run_differ(c)
        for lab, n in want.items():
            support[lab[0]] += n
        hit, missing, extra = want & got, want - got, got - want
        for lab, n in hit.items():
            tp[lab[0]] += n
        for lab, n in missing.items():
            fn[lab[0]] += n
        for lab, n in extra.items():
            fp[lab[0]] += n
        if missing or extra:
            misses.append((c, missing, extra))

    print(f"{'kind':<11}{'labels':>7}{'tp':>5}{'fp':>5}{'fn':>5}{'prec':>8}{'recall':>8}{'F1':>7}")
    for kind in CHANGE_KINDS:
        p, r, f = prf(tp[kind], fp[kind], fn[kind])
        print(f"{kind:<11}{support[kind]:>7}{tp[kind]:>5}{fp[kind]:>5}{fn[kind]:>5}{p:>8.3f}{r:>8.3f}{f:>7.3f}")
    T, F_, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    p, r, f = prf(T, F_, N)
    print(f"{'overall':<11}{sum(support.values()):>7}{T:>5}{F_:>5}{N:>5}{p:>8.3f}{r:>8.3f}{f:>7.3f}")
    exact = len(cases) - len(misses)
    print(f"cases exactly right: {exact}/{len(cases)}")

    for c, missing, extra in misses:
        print(f"\n{c['id']}: {c['note']}")
        for lab in sorted(missing.elements()):
            print("  - " + describe(lab, c))
        for lab in sorted(extra.elements()):
            print("  + " + describe(lab, c))
    if args.threshold is not None and f < args.threshold:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
