"""Language identification: ISO codes for the twelve first-class languages and beyond, given to
the policy as `lang` and reported in the decision."""

from pathlib import Path

import pytest

from depiction import Engine
from depiction.langdata import languages
from depiction.language import UNDETERMINED, LanguageIdentifier

IDENTIFIER = LanguageIdentifier.shipped()

# One ordinary prompt per language, written for this test (none is in the corpus).
PROMPTS = {
    "en": "a lighthouse on a rocky coast at dawn, oil painting",
    "zh": "黄昏时分海边的一座灯塔，油画风格",
    "es": "un faro en una costa rocosa al amanecer, pintura al óleo",
    "fr": "un phare sur une côte rocheuse à l'aube, peinture à l'huile",
    "de": "ein Leuchtturm an einer felsigen Küste bei Sonnenaufgang, Ölgemälde",
    "pt": "um farol numa costa rochosa ao amanhecer, pintura a óleo",
    "it": "un faro su una costa rocciosa all'alba, dipinto a olio",
    "ru": "маяк на скалистом берегу на рассвете, картина маслом",
    "ja": "夜明けの岩だらけの海岸に立つ灯台、油絵",
    "ko": "새벽 바위 해안의 등대, 유화",
    "ar": "منارة على ساحل صخري عند الفجر، لوحة زيتية",
    "hi": "सुबह के समय चट्टानी तट पर एक प्रकाशस्तंभ, तैल चित्र",
    "nl": "een vuurtoren aan een rotsachtige kust bij zonsopgang, olieverfschilderij",
    "tr": "şafakta kayalık bir kıyıda bir deniz feneri, yağlı boya tablo",
}


@pytest.mark.parametrize(("lang", "prompt"), PROMPTS.items())
def test_identifies_the_language(lang: str, prompt: str) -> None:
    assert IDENTIFIER.identify(prompt) == lang


def test_scripts_decide_before_the_model() -> None:
    assert IDENTIFIER.identify("少女 写真") == "zh"  # Han without kana
    assert IDENTIFIER.identify("少女の写真") == "ja"
    assert IDENTIFIER.identify("Taylor Swift 사진") == "ko"


def test_close_guesses_favour_languages_with_data() -> None:
    plain = LanguageIdentifier()
    assert plain.identify("кошка на диване") != "ru"  # fastText alone: Bulgarian
    assert IDENTIFIER.identify("кошка на диване") == "ru"


def test_marker_words_decide_short_prompts_the_model_is_unsure_of(engine: Engine) -> None:
    plain = LanguageIdentifier(preferred=languages())
    assert plain.identify("photo de Taylor Swift nue") == "es"  # fastText: 0.83 Spanish
    assert IDENTIFIER.identify("photo de Taylor Swift nue") == "fr"
    assert IDENTIFIER.identify("foto de Taylor Swift desnuda") == "es"
    assert IDENTIFIER.identify("foto da Anitta pelada") == "pt"
    decision = engine.check("photo de Taylor Swift nue")
    assert (decision.action, decision.language) == ("refuse", "fr")


def test_no_letters_is_undetermined() -> None:
    assert IDENTIFIER.identify("12345 !!! 🙂") == UNDETERMINED


def test_decision_reports_the_language(engine: Engine) -> None:
    assert engine.check(PROMPTS["fr"]).language == "fr"
    assert engine.check(PROMPTS["hi"]).language == "hi"


def test_policy_conditions_read_lang(tmp_path: Path) -> None:
    policy = tmp_path / "lang.yaml"
    policy.write_text(
        "name: lang\nversion: '1'\ndetectors: [context]\nrules:\n"
        "  - id: only.french\n    category: language\n    effect: refuse\n"
        "    when: lang != 'fr'\n    explanation: This service takes French prompts only.\n",
        encoding="utf-8",
    )
    engine = Engine.from_policy(policy)
    assert engine.check(PROMPTS["fr"]).action == "allow"
    refused = engine.check(PROMPTS["de"])
    assert (refused.action, refused.language) == ("refuse", "de")
