"""Rewrites of several rules at once: each rule's replacement stays in that rule's own cut."""

from depiction.decision import Signal
from depiction.policy.rewrite import apply_rewrites
from depiction.policy.schema import Rewrite

PROMPT = "a cat by Alice and a dog by Bob"


def signal(kind: str, word: str) -> Signal:
    start = PROMPT.index(word)
    return Signal(kind=kind, span=(start, start + len(word), word), source="test")


def test_a_later_rules_replacement_never_lands_in_an_earlier_rules_cut() -> None:
    signals = [signal("alice", "Alice"), signal("bob", "Bob")]
    rewrites = [
        Rewrite(remove=["alice"], connectors_before=["by"]),
        Rewrite(remove=["bob"], connectors_before=["by"], replacement="BOBREPL"),
    ]
    assert apply_rewrites(PROMPT, rewrites, signals) == "a cat and a dog BOBREPL"
    assert apply_rewrites(PROMPT, rewrites[::-1], signals) == "a cat and a dog BOBREPL"


def test_each_rules_replacement_goes_where_its_first_span_was() -> None:
    signals = [signal("alice", "Alice"), signal("bob", "Bob")]
    rewrites = [
        Rewrite(remove=["alice"], connectors_before=["by"], replacement="ALICEREPL"),
        Rewrite(remove=["bob"], connectors_before=["by"], replacement="BOBREPL"),
    ]
    assert apply_rewrites(PROMPT, rewrites, signals) == "a cat ALICEREPL and a dog BOBREPL"
