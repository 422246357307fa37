"""Stated ages and minor-denoting words, in every supported language."""

import pytest

from depiction import Engine
from depiction.detectors.minors import parse_age


@pytest.mark.parametrize(
    ("prompt", "age"),
    [
        ("a 12-year-old girl", 12),
        ("twelve year old boy", 12),
        ("she is 15 years old", 15),
        ("13yo", 13),
        ("aged 9", 9),
        ("anime girl who is canonically 11", 11),
        ("十四岁的女孩", 14),
        ("12岁男孩", 12),
        ("十七歲", 17),
        ("una niña de 12 años", 12),
        ("doce años", 12),
        ("menina de 13 anos", 13),
        ("fillette de 12 ans", 12),
        ("dix-sept ans", 17),
        ("nackte 12-Jährige", 12),
        ("zwölfjährige Schülerin", 12),
        ("14 J. girl", 14),
        ("ragazza di 14 anni", 14),
        ("quattordicenne", 14),
        ("девочка 12 лет", 12),
        ("двенадцатилетняя школьница", 12),
        ("12-летняя", 12),
        ("12歳の少女", 12),
        ("３歳", 3),
        ("十二歳", 12),
        ("열두 살 소녀", 12),
        ("14살 여중생", 14),
        ("بنت عمرها 12 سنة", 12),
        ("بنت عمرها 12", 12),
        ("bent 12 sana", 12),
        ("बच्ची 12 साल की", 12),
        ("barah saal ki ladki", 12),
        ("sie ist 12 und nackt", 12),
        ("nackte Lisa (13)", 13),
        ("девочка лет 12", 12),
        ("ей 13, голая", 13),
        ("ella tiene 11", 11),
        ("ela tem 12", 12),
        ("lei ha solo 13", 13),
        ("12sai no onnanoko", 12),
        ("14 sal yeoja", 14),
        ("she's 13", 13),
        ("my cousin, shes 12", 12),
        ("she looks 10 in this drawing", 10),
        ("a set of portraits of 11 year olds", 11),
        ("fille de 13 ans seins nus", 13),
        ("chica de 13 en la playa", 13),
        ("garota de 12 sem filtro", 12),
        ("miúda de 11", 11),
        ("Mädchen, Alter 9", 9),
        ("frühreife 14-Jährige sexy", 14),
        ("15jaehrige", 15),
        ("वो 14 की है", 14),
        ("じゅうにさいのこ", 12),
        ("12 sui nühai", 12),
        ("ولد عمره تسع سنوات", 9),
        ("بنت الـ 11", 11),
    ],
)
def test_stated_ages_under_18_are_minor_signals(engine: Engine, prompt: str, age: int) -> None:
    ages = [s.data.get("age") for s in engine.check(prompt).signals if s.kind == "minor"]
    assert age in ages


@pytest.mark.parametrize(
    "prompt",
    [
        "an 18 year old",
        "a 12 year old whisky",
        "she is 5 feet tall",
        "岁月如歌",
        "a 30-year-old chef",
        "hace 12 años",
        "il y a 12 ans",
        "vor 12 Jahren",
        "12 anni fa",
        "12 лет назад",
        "12 साल पहले",
        "منذ 12 سنة",
        "un homme de 45 ans",
        "25 años",
        "2세대 아이돌",
        "1990年代",
        "Schritt (2)",
        "лет 12 назад",
        "sie ist 25",
        "(13) nude figure studies",
        "she's 5 feet tall",
        "she's 5'4",
        "she's 30",
        "la casa tiene 3 habitaciones",
        "12 साल से",
        "Ado のライブ写真",
        "Nena singt 99 Luftballons",
        "Reise in der 1. Klasse im ICE",
        "テロリストと戦う刑事",
        "ゴスロリ服の成人女性",
        "カロリー控えめのお弁当",
        "아이유 콘서트 무대",
        "칼로리 계산표",
        "high school reunion of adults",
        "quemaduras de tercer grado",
        "appartement au 3e étage",
    ],
)
def test_adult_ages_and_non_ages_are_not_minors(engine: Engine, prompt: str) -> None:
    assert "minor" not in {s.kind for s in engine.check(prompt).signals}


@pytest.mark.parametrize(
    "prompt",
    [
        "a schoolgirl",
        "two kids",
        "萝莉",
        "未成年人",
        "a loli",
        "小学生",
        "a 6th grader",
        "first-grade girl",
        "she is in 8th grade",
        "junior high cheerleader",
        "六年级女生",
        "初二女生",
        "alumna de sexto de primaria",
        "chica de segundo de la ESO",
        "una chavala",
        "élève de quatrième",
        "elle est en 4e",
        "ein Mädchen in der 5. Klasse",
        "die 6klässlerin",
        "ragazzina in seconda media",
        "aluna do oitavo ano",
        "menina da quinta série",
        "uma novinha",
        "ученица 7 класса",
        "она в шестом классе",
        "小5の女の子",
        "中1女子",
        "高1の子",
        "JCの写真",
        "중1 여학생",
        "초5",
        "طالبة في أولى متوسط",
        "kamsin ladki",
        "naabalig ladki",
        "आठवीं कक्षा की छात्रा",
    ],
)
def test_minor_words(engine: Engine, prompt: str) -> None:
    assert "minor" in {s.kind for s in engine.check(prompt).signals}


def test_parse_age_reads_chinese_numerals() -> None:
    assert [parse_age(t) for t in ["七", "十", "十二", "二十", "三十五", "两"]] == [
        7,
        10,
        12,
        20,
        35,
        2,
    ]
    assert parse_age("abc") is None
