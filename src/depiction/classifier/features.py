"""Hashed character n-grams: the classifier's view of a prompt, in any language or script.

Character n-grams need no tokenizer and no vocabulary, so Chinese, Hindi, romanised text and
misspellings are read alike, and a language the corpus never saw still shares n-grams with
its neighbours. The text is the normalizer's `words` view, so leetspeak, look-alike letters,
spacing and width are already folded. Hashing is vectorised in NumPy (a prompt costs tens of
microseconds) and deterministic across processes and platforms, since the training script
and the detector must agree on every bucket.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

MAX_N = 5
"""n-grams of 1 to 5 characters: a whole short word with its boundaries (" nue ") is a 5-gram."""
_PRIME = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of h * 2^64/phi
_EDIT = np.uint64(0x5EED_ED17)


def buckets(text: str, mode: str, bits: int) -> NDArray[np.int64]:
    """The distinct feature buckets of `text` (in [0, 2**bits)), plus one for edit mode."""
    codes = np.frombuffer(f" {text} ".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    shift = np.uint64(64 - bits)
    found = []
    rolling = np.zeros(len(codes), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for n in range(1, MAX_N + 1):
            if len(codes) < n:
                break
            rolling = rolling[: len(codes) - n + 1] * _PRIME + codes[n - 1 :]
            found.append(((rolling + np.uint64(n)) * _MIX) >> shift)
        if mode == "edit":
            found.append(np.array([(_EDIT * _MIX) >> shift], dtype=np.uint64))
    return np.unique(np.concatenate(found)).astype(np.int64)
