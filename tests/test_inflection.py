"""Names meet in any case form: endings and clitics from data/languages are cut on both sides."""

from depiction.inflection import Inflections
from depiction.normalize import Normalizer

NORMALIZER = Normalizer()
NORMALIZER.load()


def names_view(prompt: str) -> str:
    return NORMALIZER.normalize(prompt).names.text


def test_russian_case_forms_meet_the_nominative() -> None:
    name = NORMALIZER.fold_name("Владимир Путин")
    for prompt in ("портрет Владимира Путина", "письмо Владимиру Путину", "с Владимиром Путиным"):
        assert name in names_view(prompt), prompt


def test_arabic_clitics_are_cut() -> None:
    assert NORMALIZER.fold_name("ترامب") in names_view("صورة لترامب وبايدن")


def test_a_clitic_before_a_name_that_starts_with_a_clitic_letter_is_cut_too() -> None:
    for name, prompt in (("بشار الأسد", "صورة لبشار الأسد"), ("بيلا حديد", "صورة لبيلا حديد")):
        assert NORMALIZER.fold_name(name) in names_view(prompt), prompt


def test_short_words_keep_their_letters() -> None:
    inflections = Inflections(prefixes=[], suffixes=["а"])
    assert inflections.term("мама") == "мам"
    assert inflections.term("да") == "да"  # two letters would leave one: not cut


def test_view_keeps_origins_and_quotes_whole_words() -> None:
    text = NORMALIZER.normalize("фото Путина на рыбалке")
    start = text.names.text.index("путин")
    assert text.quote_name(start, start + len("путин")) == (5, 11, "Путина")


def test_languages_without_inflections_are_untouched() -> None:
    assert names_view("a portrait of Taylor Swift") == "a portrait of taylor swift"
