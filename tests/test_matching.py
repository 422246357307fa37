"""Whole-word matching: no Scunthorpe hits, prefixes on request, homonym shields, CJK substrings."""

from depiction.matching import TermMatcher
from depiction.normalize import Normalizer

normalizer = Normalizer()


def kinds(matcher: TermMatcher[str], prompt: str) -> list[str]:
    return [m.payload for m in matcher.find(normalizer.normalize(prompt).words)]


def test_latin_terms_match_whole_words_only() -> None:
    matcher = TermMatcher(normalizer, [("sex", "sexual"), ("cock", "sexual")])
    assert kinds(matcher, "a cocktail party in Sussex") == []
    assert kinds(matcher, "SEX!") == ["sexual"]


def test_prefix_terms_match_continuations() -> None:
    matcher = TermMatcher(normalizer, [("undress*", "undress")])
    assert kinds(matcher, "undressing her") == ["undress"]
    assert kinds(matcher, "an undress") == ["undress"]


def test_exception_phrases_shield_homonyms() -> None:
    matcher = TermMatcher(normalizer, [("bloody", "violence")], exceptions=["bloody mary"])
    assert kinds(matcher, "a Bloody Mary cocktail") == []
    assert kinds(matcher, "a bloody knife") == ["violence"]


def test_chinese_terms_match_as_substrings() -> None:
    matcher = TermMatcher(normalizer, [("裸体", "sexual")])
    assert kinds(matcher, "画一个裸體女人") == ["sexual"]
    assert kinds(matcher, "nude裸体nude") == ["sexual"]


def test_longer_match_with_same_payload_absorbs_shorter() -> None:
    matcher = TermMatcher(normalizer, [("obama", "p1"), ("barack obama", "p1")])
    found = matcher.find(normalizer.normalize("Barack Obama waves").words)
    assert [(m.start, m.end) for m in found] == [(0, 12)]


def test_empty_matcher_finds_nothing() -> None:
    assert kinds(TermMatcher(normalizer, []), "anything") == []


def test_plural_s_is_matched_but_not_other_endings() -> None:
    matcher = TermMatcher(normalizer, [("kid", "minor")])
    assert kinds(matcher, "two kids") == ["minor"]
    assert kinds(matcher, "kidney beans") == []


def test_terms_folding_to_the_same_key_match_once() -> None:
    matcher = TermMatcher(normalizer, [("马云", "jack-ma"), ("馬雲", "jack-ma")])
    assert kinds(matcher, "马云在喝茶") == ["jack-ma"]


def test_terms_are_found_inside_spaced_out_letters() -> None:
    matcher = TermMatcher(normalizer, [("голая", "nude"), ("школьница", "minor"), ("kid", "minor")])
    assert kinds(matcher, "г о л а я ш к о л ь н и ц а 14") == ["nude", "minor"]
    assert kinds(matcher, "s e x y k i d s") == ["minor"]
    assert kinds(matcher, "голаяшкольница") == []  # written together by the writer: one word


def test_terms_of_several_words_are_found_written_together_only_in_spaced_letters() -> None:
    matcher = TermMatcher(normalizer, [("taylor swift", "person")])
    assert kinds(matcher, "t a y l o r s w i f t n u d e") == ["person"]
    assert kinds(matcher, "taylorswiftnude") == []
