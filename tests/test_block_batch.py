"""`Block.batch`, the extractors' way of making many blocks, is `Block(...)` made faster: same blocks, same checks."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provtrack.model import Block


@settings(max_examples=200)
@given(st.sampled_from(["title", "heading", "paragraph", "caption", "quote", "list_item"]),
       st.lists(st.text(min_size=1), max_size=5))
def test_block_batch_matches_the_constructor(kind: str, texts: list[str]) -> None:
    made = Block.batch(kind, texts)
    built = tuple(Block(kind, text) for text in texts)
    assert made == built
    assert [hash(b) for b in made] == [hash(b) for b in built]
    assert [repr(b) for b in made] == [repr(b) for b in built]
    assert [vars(b) for b in made] == [vars(b) for b in built]
    assert pickle.loads(pickle.dumps(made)) == built
    assert all(type(b) is Block for b in made)


def test_block_batch_checks_as_the_constructor_does() -> None:
    for kind, texts in (("para", ["x"]), ("paragraph", ["x", ""])):
        with pytest.raises(ValueError) as batched:
            Block.batch(kind, texts)
        with pytest.raises(ValueError) as single:
            [Block(kind, text) for text in texts]
        assert str(batched.value) == str(single.value)


def test_block_batch_knows_every_field() -> None:
    # Block.batch sets the fields itself: a new field must be added there too.
    assert [f.name for f in dataclasses.fields(Block)] == ["kind", "text"]
    block = Block.batch("paragraph", ["x"])[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.text = "y"  # type: ignore[misc]


def test_block_batch_of_a_subclass_uses_its_constructor() -> None:
    @dataclasses.dataclass(frozen=True)
    class Tagged(Block):
        tag: str = "t"

    assert Block.batch("paragraph", ["x"]) != Tagged.batch("paragraph", ["x"]) == (Tagged("paragraph", "x"),)

