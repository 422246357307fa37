"""The harm corpus (``corpus/raw``): labelled prompts written for depiction, by writer.

Layout: ``corpus/raw/<writer>/<lang>/<label>.txt``, one prompt a line, ``edit: `` marking an
edit instruction and ``## <id>`` opening a template group (corpus/WRITING.md). Writers whose id
starts with ``h`` wrote the held-out slice: nothing of theirs trains the classifier or sets a
threshold, and a prompt they share with a training writer is dropped from training.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from depiction.errors import DataError
from depiction.normalize import Normalizer
from depiction.request import Mode

HARM_LABELS = (
    "sexual_minors",
    "sexual_real_person",
    "sexual_explicit",
    "violence_real_person",
    "violence_graphic",
    "deception",
    "fraud_documents",
    "extremism",
    "hate",
    "self_harm",
    "weapons",
    "illicit",
)
BENIGN_LABELS = (
    "trait_edit",
    "public_figure",
    "satire",
    "art_medical_nudity",
    "history_education",
    "news",
    "fictional_violence",
    "children_ordinary",
    "homonym",
    "props_and_documents",
    "context_benign",
    "benign_ordinary",
)
EDIT_PREFIX = "edit:"
HOLDOUT_PREFIX = "h"

Split = Literal["train", "holdout"]


@dataclass(frozen=True, slots=True)
class CorpusLine:
    """One labelled prompt and where it came from."""

    text: str
    mode: Mode
    lang: str
    label: str
    writer: str
    template: str
    line: int

    @property
    def harmful(self) -> bool:
        return self.label in HARM_LABELS

    @property
    def split(self) -> Split:
        return "holdout" if self.writer.startswith(HOLDOUT_PREFIX) else "train"

    @property
    def group(self) -> str:
        """The template group, unique across the corpus (folds never split a group)."""
        return f"{self.writer}/{self.lang}/{self.label}/{self.template}"


def default_root() -> Path:
    """``corpus/raw`` of a source checkout (the corpus is not part of the installed package)."""
    return Path(__file__).resolve().parents[3] / "corpus" / "raw"


def read_corpus(root: Path | None = None) -> list[CorpusLine]:
    """Every line of the corpus, in a stable order; a malformed file is a `DataError`."""
    root = root or default_root()
    files = sorted(root.glob("*/*/*.txt"))
    if not files:
        raise DataError(f"no corpus files under {root}")
    lines: list[CorpusLine] = []
    for path in files:
        lines.extend(_read_file(path))
    return _without_leaks(lines)


def corpus_sha256(lines: Iterable[CorpusLine]) -> str:
    """A digest of the corpus content, recorded with the model so stale weights are caught."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(f"{line.group}\t{line.mode}\t{line.text}\n".encode())
    return digest.hexdigest()


def inputs_sha256(lines: Iterable[CorpusLine], normalizer: Normalizer) -> str:
    """A digest of what the classifier reads of each line (mode and normalized words): a
    normalizer change that alters it needs a retrain, and is caught without running one."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(f"{line.mode}\t{normalizer.normalize(line.text).words.text}\n".encode())
    return digest.hexdigest()


def _read_file(path: Path) -> list[CorpusLine]:
    label, lang, writer = path.stem, path.parent.name, path.parent.parent.name
    if label not in HARM_LABELS and label not in BENIGN_LABELS:
        raise DataError(f"{path}: unknown label '{label}'")
    template = ""
    found = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text:
            continue
        if text.startswith("##"):
            template = text.lstrip("#").strip()
            continue
        mode: Mode = "generate"
        if text.lower().startswith(EDIT_PREFIX):
            mode, text = "edit", text[len(EDIT_PREFIX) :].strip()
        if not template:
            raise DataError(f"{path}:{number}: a prompt before the first '## group' line")
        if text:
            found.append(CorpusLine(text, mode, lang, label, writer, template, number))
    return found


def _without_leaks(lines: list[CorpusLine]) -> list[CorpusLine]:
    """Drop training lines whose text is also held out, and repeats within a split."""
    held_out = {line.text.casefold() for line in lines if line.split == "holdout"}
    seen: set[tuple[str, str]] = set()
    kept = []
    for line in lines:
        key = (line.split, line.text.casefold())
        if key in seen or (line.split == "train" and key[1] in held_out):
            continue
        seen.add(key)
        kept.append(line)
    return kept
