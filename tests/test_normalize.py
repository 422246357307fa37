"""The normalizer folds evasions away and never loses track of the user's original words."""

from hypothesis import given
from hypothesis import strategies as st

from depiction.normalize import Normalizer

normalizer = Normalizer()


def words(text: str) -> str:
    return normalizer.normalize(text).words.text


def test_full_width_zero_width_and_case_are_folded() -> None:
    assert words("ＮＵＤＥ") == "nude"
    assert words("na\u200bked") == "naked"
    assert words("NaKeD") == "naked"


def test_diacritics_are_stripped_from_latin_only() -> None:
    assert words("Beyoncé") == "beyonce"
    assert words("がぎ") == "がぎ"


def test_homoglyphs_fold_inside_mixed_script_words_only() -> None:
    assert words("nаked") == "naked"  # Cyrillic а
    assert words("мир") == "мир"


def test_leetspeak_folds_words_but_not_numbers() -> None:
    assert words("n4ked s3x") == "naked sex"
    assert words("13 year old") == "13 year old"


def test_spaced_and_dotted_letters_are_joined() -> None:
    assert words("n.u.d.e photo") == "nude photo"
    assert words("n u d e") == "nude"


def test_spaced_letters_of_every_script_are_joined() -> None:
    assert words("г о л а я девочка") == "голая девочка"
    assert words("裸 照 杨 幂") == "裸照杨幂"
    assert words("ヌ ー ド 写真") == "ヌード 写真"
    assert words("ع ا ر ي ة") == "عارية"
    assert words("я и ты в парке") == "я и ты в парке"  # two single letters are words


def test_long_runs_of_spaced_letters_keep_their_letter_boundaries_as_joints() -> None:
    view = normalizer.normalize("see г о л а я д е в а").words
    assert view.text == "see голаядева"
    assert sorted(view.joints) == list(range(5, 13))
    names = normalizer.normalize("n u d e  Т а н я").names  # two short runs: two words
    assert (names.text, names.joints) == ("nude тан", frozenset())
    names = normalizer.normalize("n u d e Т а н я").names  # the ending cut, its joint gone
    assert (names.text, sorted(names.joints)) == ("nudeтан", [1, 2, 3, 4, 5, 6])


def test_digits_inside_cyrillic_words_are_letters() -> None:
    assert words("г0лая 3везда н@г@я") == "голая звезда нагая"
    assert words("в 2014 году") == "в 2014 году"


def test_punctuation_runs_become_one_space() -> None:
    assert words("Assassin's  Creed!!") == "assassin s creed"


def test_traditional_chinese_folds_to_simplified() -> None:
    assert words("裸體") == "裸体"


def test_language_detection() -> None:
    assert normalizer.normalize("a cat on the sofa").language == "en"
    assert normalizer.normalize("一只猫在沙发上").language == "zh"
    assert normalizer.normalize("un gato en la casa de la playa").language == "es"
    assert normalizer.normalize("кошка на диване").language == "ru"


def test_spans_quote_the_original_text() -> None:
    text = normalizer.normalize("A  ＮＵＤＥ statue")
    start = text.words.text.index("nude")
    assert text.quote(text.words, start, start + 4) == (3, 7, "ＮＵＤＥ")


@given(st.text(max_size=80))
def test_origin_maps_every_character_back_in_order(prompt: str) -> None:
    text = normalizer.normalize(prompt)
    for view in (text.folded, text.words):
        assert len(view.origin) == len(view.text)
        assert all(0 <= i < len(prompt) for i in view.origin)
        assert list(view.origin) == sorted(view.origin)


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60))
def test_normalizing_is_idempotent_on_the_word_view(prompt: str) -> None:
    once = words(prompt)
    assert words(once) == once


def test_indic_vowel_signs_stay_inside_words() -> None:
    assert normalizer.normalize("नरेंद्र मोदी की तस्वीर").words.text == "नरेंद्र मोदी की तस्वीर"


def test_devanagari_nasal_spellings_meet() -> None:
    assert normalizer.fold_term("नरेन्द्र") == normalizer.fold_term("नरेंद्र")
    text = normalizer.normalize("नरेन्द्र मोदी")
    assert text.words.text.startswith(normalizer.fold_term("नरेंद्र"))
    assert text.quote(text.words, 0, len(text.words.text))[2] == "नरेन्द्र मोदी"


def test_arabic_short_vowels_and_tatweel_are_folded() -> None:
    assert normalizer.normalize("صُورَة لترامـــب").words.text == "صورة لترامب"


def test_numbers_with_units_are_not_leetspeak() -> None:
    assert (
        normalizer.normalize("the 44th president, 4k, 12yo").words.text
        == "the 44th president 4k 12yo"
    )
    assert normalizer.normalize("n4ked l0li").words.text == "naked loli"


def test_a_wider_gap_separates_spaced_words() -> None:
    words = normalizer.normalize("T a y l o r  S w i f t fully n-a-k-e-d").words.text
    assert words == "taylor swift fully naked"
