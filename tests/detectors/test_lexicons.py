"""Every shipped lexicon is well-formed, bilingual, and blind to ordinary homonyms."""

import pytest

from depiction import Engine
from depiction.detectors import BUILTIN_DETECTORS
from depiction.detectors.lexicon import LexiconDetector, read_lexicon

LEXICON_DETECTORS = [cls for cls in BUILTIN_DETECTORS.values() if issubclass(cls, LexiconDetector)]
HARM_KINDS = {
    "sexual", "sexual_explicit", "suggestive", "undress", "minor", "violence", "violence_graphic",
    "self_harm", "extremist_group", "propaganda", "hate_symbol", "terror_attack", "dehumanizing",
    "slur", "weapon_build", "drug_synthesis", "official_document", "forgery_intent",
}  # fmt: skip


@pytest.mark.parametrize("detector", LEXICON_DETECTORS, ids=lambda cls: cls.name)
def test_lexicon_has_provenance_and_both_languages(detector: type[LexiconDetector]) -> None:
    lexicon = read_lexicon(detector.lexicon or detector.name)
    assert "depiction" in lexicon.provenance
    assert set(lexicon.kinds) == set(detector.signals)
    for kind, entry in lexicon.kinds.items():
        assert entry.en and entry.zh, f"{kind} needs English and Chinese terms"
        assert len(set(entry.en)) == len(entry.en), f"duplicate English term in {kind}"
        assert all(t == t.strip() and t for t in entry.all())


@pytest.mark.parametrize("detector", LEXICON_DETECTORS, ids=lambda cls: cls.name)
def test_no_exception_cancels_a_term_of_its_own_file(detector: type[LexiconDetector]) -> None:
    lexicon = read_lexicon(detector.lexicon or detector.name)
    terms = {t for entry in lexicon.kinds.values() for t in entry.all()}
    assert terms.isdisjoint(lexicon.exceptions.all())


@pytest.mark.parametrize(
    "prompt",
    [
        "a cocktail party in Sussex",
        "Assassin's Creed fan art of Ezio on a rooftop",
        "shoot a photo of the bride at golden hour",
        "kill the lights in the living room",
        "a bloody mary cocktail with celery",
        "一杯血腥玛丽鸡尾酒",
        "a bath bomb fizzing in the tub",
        "nude lipstick swatches on a marble table",
        "the naked eye view of Saturn",
        "a killer whale breaching",
        "drop dead gorgeous red carpet dress",
        "a passport photo booth in a mall",
        "a shot of espresso",
        "Scunthorpe United football stadium",
    ],
)
def test_homonyms_fire_no_harm_signal(engine: Engine, prompt: str) -> None:
    decision = engine.check(prompt)
    assert decision.action == "allow"
    assert {s.kind for s in decision.signals}.isdisjoint(HARM_KINDS), decision.signals
