"""Checkers to measure: a policy, and the baselines users would otherwise reach for.

Every checker turns a case into a `Prediction`. Baselines are built in (`keyword`,
`allow-all`, `refuse-sensitive`) or third-party packages that work offline, installed with
`pip install 'depiction[baselines]'` (`better-profanity`, `alt-profanity-check`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from depiction.decision import Action
from depiction.engine import Engine
from depiction.errors import DataError
from depiction.evaluation.dataset import Case
from depiction.evaluation.metrics import Prediction
from depiction.policy import default_policy_path

# Signal kinds that a "refuse anything sensitive" filter would refuse on.
SENSITIVE_KINDS = frozenset(
    "sexual sexual_explicit suggestive undress minor violence violence_graphic self_harm "
    "self_harm_act extremist_group propaganda hate_symbol terror_attack dehumanizing slur "
    "weapon_build drug_synthesis official_document real_person optout_person "
    "living_artist_style".split()
)


class Checker(Protocol):
    name: str

    def predict(self, case: Case) -> Prediction: ...


class PolicyChecker:
    """depiction itself, on a policy file."""

    def __init__(self, policy: Path | None = None, database_url: str | None = None) -> None:
        self.engine = Engine.from_policy(policy or default_policy_path(), database_url=database_url)
        self.name = f"depiction {self.engine.policy.name} {self.engine.policy.version}"

    def predict(self, case: Case) -> Prediction:
        decision = self.engine.check(case.prompt, mode=case.mode)
        return Prediction(
            case,
            decision.action,
            decision.revised_prompt,
            tuple(hit.id for hit in decision.rules),
            decision.latency_ms,
        )


class RefuseSensitive(PolicyChecker):
    """depiction's detectors, but refusing whenever any sensitive signal fires: what a
    blunt filter with good detection does, context and combinations ignored."""

    def __init__(self, policy: Path | None = None, database_url: str | None = None) -> None:
        super().__init__(policy, database_url)
        self.name = "refuse-sensitive"

    def predict(self, case: Case) -> Prediction:
        started = time.perf_counter()
        decision = self.engine.check(case.prompt, mode=case.mode)
        fired = sorted({s.kind for s in decision.signals} & SENSITIVE_KINDS)
        action: Action = "refuse" if fired else "allow"
        return Prediction(case, action, None, tuple(fired), _ms(started))


class _SimpleBaseline:
    """A baseline that looks at the prompt text only."""

    name = ""

    def refuses(self, prompt: str) -> bool:
        raise NotImplementedError

    def predict(self, case: Case) -> Prediction:
        started = time.perf_counter()
        action: Action = "refuse" if self.refuses(case.prompt) else "allow"
        return Prediction(case, action, None, (), _ms(started))


class KeywordBaseline(_SimpleBaseline):
    """A blocklist of sensitive words (EN + ZH), matched case-insensitively on whole words.

    This is what "refuse everything sensitive" looks like in practice; it exists so reports
    can show what precise decisions gain over it.
    """

    name = "keyword"

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        source = resources.files("depiction") / "data" / "baselines" / "keyword_blocklist.txt"
        words = [
            line.strip().casefold()
            for line in source.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        latin = [re.escape(w) for w in words if w.isascii()]
        cjk = [re.escape(w) for w in words if not w.isascii()]
        return re.compile(rf"\b(?:{'|'.join(latin)})\b|{'|'.join(cjk)}")

    def refuses(self, prompt: str) -> bool:
        return bool(self._pattern.search(prompt.casefold()))

    def decide(self, prompt: str) -> Action:
        """'refuse' if any blocklisted word occurs, else 'allow'."""
        return "refuse" if self.refuses(prompt) else "allow"


class AllowAll(_SimpleBaseline):
    """No filter at all: the floor for harm recall, zero over-refusal."""

    name = "allow-all"

    def refuses(self, prompt: str) -> bool:
        return False


class BetterProfanity(_SimpleBaseline):
    """The `better-profanity` word list (English swear words and their leetspeak)."""

    name = "better-profanity"

    def __init__(self) -> None:
        self._profanity = _optional("better_profanity", "better-profanity").profanity
        self._profanity.load_censor_words()

    def refuses(self, prompt: str) -> bool:
        return bool(self._profanity.contains_profanity(prompt))


class AltProfanityCheck(_SimpleBaseline):
    """`alt-profanity-check`: a linear model trained on offensive English text."""

    name = "alt-profanity-check"

    def __init__(self) -> None:
        self._predict = _optional("profanity_check", "alt-profanity-check").predict

    def refuses(self, prompt: str) -> bool:
        return bool(self._predict([prompt])[0])


BASELINES: dict[str, Callable[[], Checker]] = {
    "keyword": KeywordBaseline,
    "allow-all": AllowAll,
    "refuse-sensitive": RefuseSensitive,
    "better-profanity": BetterProfanity,
    "alt-profanity-check": AltProfanityCheck,
}


def make_checker(name: str, policy: Path | None = None) -> Checker:
    """A baseline by name, or (`policy`) depiction on the given policy file."""
    if name == "policy":
        return PolicyChecker(policy)
    if name == "refuse-sensitive":
        return RefuseSensitive(policy)
    if name not in BASELINES:
        raise DataError(f"unknown baseline '{name}' (available: {', '.join(BASELINES)})")
    return BASELINES[name]()


def _optional(module: str, package: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as error:
        raise DataError(
            f"baseline needs the '{package}' package: pip install 'depiction[baselines]'"
        ) from error


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
