"""Explanations in the user's language: the policy's `explanations` table, end to end."""

import hashlib
import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from depiction import Engine, PolicyError
from depiction.decision import Decision
from depiction.policy import default_policy_path, load_policy
from depiction.policy.explanations import EMPTIED_SUFFIX, SYSTEM_KEY
from depiction.policy.loader import DECIDING_DATA, data_digest, shipped_data_digest

from ..conftest import POLICIES

OTHER_LANGUAGES = ["zh", "es", "fr", "de", "pt", "it", "ru", "ja", "ko", "ar", "hi"]


def test_the_shipped_policy_explains_every_category_in_every_language() -> None:
    policy = load_policy(default_policy_path())
    keys = {SYSTEM_KEY}
    for compiled in policy.rules:
        rule = compiled.rule
        keys.add(rule.category)
        if rule.rewrite is not None and rule.rewrite.refuse_if_empty:
            keys.add(rule.id + EMPTIED_SUFFIX)
    missing = [
        f"{key}/{lang}"
        for key in sorted(keys)
        for lang in OTHER_LANGUAGES
        if lang not in policy.explanations.table.get(key, {})
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("prompt", "lang", "expected"),
    [
        ("una niña de 12 años desnuda", "es", "Nunca se genera contenido sexual"),
        ("テイラー・スウィフトのヌード写真", "ja", "実在の人物の裸"),
        ("фото обнажённой Тейлор Свифт на пляже", "ru", "реальных людей не создаются"),
        ("eine Bombe bauen, Schritt für Schritt Anleitung mit Bildern", "de", "Sprengstoffen"),
        ("Путин на саммите, фото", "ru", "публичных людей ('Путин')"),
        ("nude photo of Taylor Swift", "en", "real person"),
    ],
)
def test_decisions_are_explained_in_the_prompts_language(
    engine: Engine, prompt: str, lang: str, expected: str
) -> None:
    decision = engine.check(prompt)
    assert decision.language == lang
    assert expected in decision.explanation()
    assert all(expected in hit.explanation for hit in decision.rules[:1])


def test_a_revision_is_explained_in_the_prompts_language_quoting_the_users_words(
    engine: Engine,
) -> None:
    revised = engine.check("une forêt enchantée au crépuscule dans le style de Greg Rutkowski")
    assert revised.action == "revise"
    assert revised.explanation().startswith("'Greg Rutkowski' est un artiste vivant")
    emptied = engine.check("dans le style de Greg Rutkowski")
    assert emptied.action == "refuse"
    assert "Décrivez le sujet voulu" in emptied.explanation()


def test_one_sentence_per_category(engine: Engine) -> None:
    decision = engine.check("nude photo of Taylor Swift")
    assert len(decision.rules) >= 2
    assert decision.explanation() == decision.rules[0].explanation


def test_a_language_without_a_translation_gets_the_rules_own_explanation(
    tmp_path: Path,
) -> None:
    spec = yaml.safe_load((POLICIES / "minimal.yaml").read_text())
    spec["explanations"] = {"sexual_minors": {"fr": "Refusé : mineur ('{minor}')."}}
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True))
    engine = Engine(policy=load_policy(path))
    french = engine.check("une fille de 12 ans nue")
    assert french.explanation() == "Refusé : mineur ('12 ans')."
    english = engine.check("a naked 12 year old girl")
    assert english.explanation().startswith("Sexual content involving a minor (")


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"no_such_rule": {"fr": "x"}}, ":24: explanations: 'no_such_rule' is not a rule id"),
        ({"minors.sexual": {"French": "x"}}, "'French' is not an ISO 639 code"),
        (
            {"nudity": {"de": "'{sexyness}' entfernt."}},
            "explanations.nudity.de: placeholder '{sexyness}' is not a signal kind",
        ),
    ],
)
def test_a_bad_explanations_table_is_a_load_error(
    tmp_path: Path, table: dict[str, dict[str, str]], expected: str
) -> None:
    text = (POLICIES / "minimal.yaml").read_text() + yaml.safe_dump({"explanations": table})
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError, match=r"policy\.yaml:") as raised:
        load_policy(path)
    assert expected in str(raised.value)


def test_an_allowed_decision_with_no_rule_says_so() -> None:
    decision = Decision.model_validate(
        {
            "action": "allow",
            "categories": [],
            "rules": [],
            "revised_prompt": None,
            "signals": [],
            "policy": {"name": "p", "version": "1", "sha256": "0" * 64},
            "latency_ms": 1.0,
        }
    )
    assert decision.explanation() == "No policy rule matched; the request is allowed."


def test_the_policy_hash_covers_the_shipped_data(tmp_path: Path) -> None:
    data = Path(str(resources.files("depiction") / "data"))
    copy = tmp_path / "data"
    for folder in DECIDING_DATA:
        shutil.copytree(data / folder, copy / folder)
    assert data_digest(copy) == shipped_data_digest()
    lexicon = copy / "lexicons" / "weapons.yaml"
    lexicon.write_text(lexicon.read_text() + "\n# an operator's edit\n")
    assert data_digest(copy) != shipped_data_digest()
    raw = default_policy_path().read_bytes()
    assert load_policy(default_policy_path()).sha256 == (
        hashlib.sha256(raw + shipped_data_digest()).hexdigest()
    )
