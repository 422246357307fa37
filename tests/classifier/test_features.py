"""Hashed character n-grams: deterministic, bounded, and the same in training and detection."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from depiction.classifier.features import MAX_N, buckets


def test_buckets_are_fixed() -> None:
    # Fixed values: a change to the hashing silently invalidates the shipped weights, on any
    # platform or process (no salted hash is involved).
    assert buckets("nude", "generate", 18).tolist() == [
        10345, 34876, 37013, 39366, 50086, 68091, 90883, 91485, 103578, 110476, 157751,
        163740, 169345, 171215, 175958, 189941, 223009, 243272, 247119,
    ]  # fmt: skip
    assert len(buckets("nude photo", "generate", 18)) <= sum(
        len(" nude photo ") - n + 1 for n in range(1, MAX_N + 1)
    )


def test_edit_mode_adds_one_feature() -> None:
    generate = set(buckets("remove her clothes", "generate", 18).tolist())
    edit = set(buckets("remove her clothes", "edit", 18).tolist())
    assert generate < edit and len(edit - generate) == 1


def test_scripts_without_spaces_are_read_too() -> None:
    assert len(buckets("少女の裸", "generate", 18)) >= 10


@given(st.text(max_size=300), st.integers(min_value=10, max_value=20))
def test_buckets_are_sorted_distinct_and_in_range(text: str, bits: int) -> None:
    found = buckets(text, "generate", bits)
    assert np.all(np.diff(found) > 0)
    assert found.min() >= 0 and found.max() < (1 << bits)
