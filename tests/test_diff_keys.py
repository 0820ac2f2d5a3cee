"""The differ's bulk normalisation and fast paths agree with the one-text-at-a-time functions."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from provtrack.diff_keys import OTHER_SPACES, normalize_many
from provtrack.model import TYPOGRAPHIC_FOLDS, normalize_text

# the characters that decide normalisation, mixed with ordinary text
_TRICKY = st.sampled_from(["a", "b", " ", "  ", "\n", ".", "'", "\u00e9", "e\u0301", "\u0301", "\x00", "\u200c",
                           *TYPOGRAPHIC_FOLDS, *OTHER_SPACES])
_TEXT = st.lists(st.one_of(_TRICKY, st.text(max_size=3)), max_size=8).map("".join)


def test_other_spaces_are_all_whitespace_but_the_space() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert spaces == set(OTHER_SPACES) | {" "}
    assert all(re.fullmatch(r"\s", c) for c in spaces)


@settings(max_examples=400)
@given(st.lists(_TEXT, max_size=6))
def test_normalize_many_is_normalize_text_of_each(texts: list[str]) -> None:
    assert normalize_many(texts) == [normalize_text(t) for t in texts]


def test_normalize_many_tidy_and_untidy_mixed() -> None:
    texts = ["plain text", "“curly” quotes", "ﬁne\u00a0print", " lead", "trail ", "two  spaces", "", "tab\there"]
    for k in range(len(texts)):
        assert normalize_many(texts[:k]) == [normalize_text(t) for t in texts[:k]]
        assert normalize_many(texts[k:k + 1]) == [normalize_text(texts[k])]
