"""Artist styles: studios and the dead allowed, living individuals revised away precisely."""

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from depiction import Engine
from depiction.registry.artists import ArtistStore

from ..conftest import DATA, created

CASES = [
    json.loads(line)
    for line in (DATA / "artist_cases.jsonl").read_text(encoding="utf-8").splitlines()
]


def test_the_case_table_is_large_and_bilingual() -> None:
    assert len(CASES) >= 150
    assert sum(c["lang"] == "zh" for c in CASES) >= 40
    assert Counter(c["expected"] for c in CASES).keys() == {"allow", "revise", "refuse"}


def test_case_table_is_right(engine: Engine) -> None:
    wrong = []
    for case in CASES:
        decision = engine.check(case["prompt"])
        right = decision.action == case["expected"] and (
            case["expected"] != "revise" or decision.revised_prompt == case["expected_revised"]
        )
        if not right:
            wrong.append(
                f"{case['id']}: {case['prompt']!r} -> {decision.action} {decision.revised_prompt!r}"
            )
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize(
    ("prompt", "revised"),
    [
        ("un château dans le style de Greg Rutkowski", "un château"),
        ("ein Drache im Stil von Greg Rutkowski", "ein Drache"),
        ("un dragón al estilo de Greg Rutkowski", "un dragón"),
        ("дракон в стиле Грега Рутковски", "дракон"),
        ("グレッグ・ルトコフスキーのスタイルで竜", "竜"),
        ("그렉 루트코스키 스타일로 그린 용", "용"),
        ("宫崎骏风格的森林精灵", "森林精灵"),
        ("Greg Rutkowski aesthetic, a dragon", "a dragon"),
    ],
)
def test_style_connectors_of_every_language(engine: Engine, prompt: str, revised: str) -> None:
    decision = engine.check(prompt)
    assert (decision.action, decision.revised_prompt) == ("revise", revised)


def test_revision_explains_and_quotes_the_name(engine: Engine) -> None:
    decision = engine.check("a dragon over a castle, epic fantasy painting, by Greg Rutkowski")
    assert decision.action == "revise"
    assert decision.categories == ["living_artist_style"]
    assert decision.revised_prompt == "a dragon over a castle, epic fantasy painting"
    assert decision.rules[0].explanation.startswith("'Greg Rutkowski' is a living artist")
    signal = next(s for s in decision.signals if s.kind == "living_artist_style")
    assert signal.data["artist_id"] == "greg-rutkowski"


def test_style_only_requests_are_refused(engine: Engine) -> None:
    decision = engine.check("in the style of Greg Rutkowski")
    assert decision.action == "refuse"
    assert decision.revised_prompt is None
    assert "only asks for the personal style" in decision.rules[0].explanation


def test_naming_the_person_is_not_a_style_request(engine: Engine) -> None:
    assert engine.check("a portrait of Hayao Miyazaki drinking coffee").action == "allow"
    assert engine.check("a beach in Miyazaki prefecture").action == "allow"


def test_seed_list_counts() -> None:
    artists = ArtistStore().entries()
    kinds = Counter(a.kind for a in artists)
    assert kinds["individual"] >= 500
    assert kinds["studio"] + kinds["movement"] + kinds["franchise"] >= 80
    assert sum(a.living for a in artists if a.kind == "individual") >= 100


def test_an_opted_in_artist_is_allowed(tmp_path: Path) -> None:
    url = created(f"sqlite:///{tmp_path}/artists.db")
    ArtistStore(url).set_opted_in("greg-rutkowski", True)
    decision = Engine.default(database_url=url).check("a castle, by Greg Rutkowski")
    assert decision.action == "allow"
    assert [s.kind for s in decision.signals if s.source == "artists"] == ["artist_style"]


LIVING = ["Greg Rutkowski", "Loish", "WLOP", "Makoto Shinkai", "Yayoi Kusama", "新海诚", "Artgerm"]
CONNECTED = [
    "in the style of {}", "by {}", "art by {}", "{} style", "{}'s style", "inspired by {}", "{}的风格", "仿{}",
]  # fmt: skip
WORDS = st.lists(
    st.sampled_from(["castle", "dragon", "misty", "forest", "neon", "city", "portrait", "girl", "cat", "sunset",
                     "雪山", "小猫", "城市", "夜晚", "golden", "hour", "watercolor"]),
    min_size=1,
    max_size=6,
)  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(
    before=WORDS, after=WORDS, artist=st.sampled_from(LIVING), template=st.sampled_from(CONNECTED)
)
def test_revisions_drop_the_name_and_keep_everything_else(
    engine: Engine, before: list[str], after: list[str], artist: str, template: str
) -> None:
    prompt = f"{' '.join(before)}, {template.format(artist)}, {' '.join(after)}"
    decision = engine.check(prompt)
    assert decision.action == "revise", prompt
    revised = decision.revised_prompt or ""
    assert artist.lower() not in revised.lower()
    for word in [*before, *after]:
        assert word in revised, (prompt, revised)
