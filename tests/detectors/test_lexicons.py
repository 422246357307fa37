"""Every shipped lexicon is well-formed, has English and Chinese terms at least, and is blind to
ordinary homonyms."""

import pytest
from pydantic import ValidationError

from depiction import Engine
from depiction.detectors import BUILTIN_DETECTORS
from depiction.detectors.lexicon import LexiconDetector, LexiconFile, read_lexicon

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
        terms = entry.by_language()
        assert terms.get("en") and terms.get("zh"), f"{kind} needs English and Chinese terms"
        for lang, listed in terms.items():
            assert len(set(listed)) == len(listed), f"duplicate {lang} term in {kind}"
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


def test_any_iso_language_code_is_a_term_list() -> None:
    lexicon = LexiconFile.model_validate(
        {"provenance": "depiction", "kinds": {"sexual": {"description": "d", "nl": ["naakt"]}}}
    )
    assert lexicon.kinds["sexual"].by_language() == {"nl": ["naakt"]}


@pytest.mark.parametrize("bad", [{"english": ["nude"]}, {"nl": "naakt"}])
def test_a_key_that_is_not_a_language_code_is_an_error(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        LexiconFile.model_validate(
            {"provenance": "depiction", "kinds": {"sexual": {"description": "d", **bad}}}
        )
