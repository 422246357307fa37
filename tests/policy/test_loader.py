"""Policies fail loudly (file, line, rule id) and decide by precedence, not by order."""

import random
import shutil
from pathlib import Path

import pytest
import yaml

from depiction import Engine, PolicyError
from depiction.policy import default_policy_path, load_policy

from ..conftest import POLICIES


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("bad_yaml.yaml", "bad_yaml.yaml:6: not valid YAML"),
        (
            "bad_effect.yaml",
            "bad_effect.yaml:12: rule 'typo.effect', rules.1.effect: Input should be",
        ),
        (
            "bad_condition.yaml",
            "bad_condition.yaml:8: rule 'misspelt.kind': invalid condition "
            "(condition line 1, column 11): undeclared reference to 'minr'",
        ),
        (
            "unknown_field.yaml",
            "unknown_field.yaml:9: rule 'extra.field', rules.0.severity: Extra inputs",
        ),
        ("unknown_detector.yaml", "unknown_detector.yaml:3: unknown detector 'telepathy'"),
        (
            "bad_placeholder.yaml",
            "bad_placeholder.yaml:9: rule 'bad.placeholder': explanation placeholder",
        ),
    ],
)
def test_invalid_policies_name_file_line_and_rule(fixture: str, expected: str) -> None:
    with pytest.raises(PolicyError) as raised:
        load_policy(POLICIES / fixture)
    assert expected in str(raised.value)


def test_missing_and_non_utf8_policy_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "absent.yaml")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(PolicyError, match="not valid UTF-8"):
        load_policy(binary)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just a string\n")
    with pytest.raises(PolicyError, match="must be a YAML mapping"):
        load_policy(scalar)


def test_revise_rule_needs_rewrite(tmp_path: Path) -> None:
    spec = yaml.safe_load((POLICIES / "minimal.yaml").read_text())
    del spec["rules"][1]["rewrite"]
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(spec))
    with pytest.raises(PolicyError, match="needs a 'rewrite' section"):
        load_policy(path)


def test_policy_identity_is_recorded_in_decisions() -> None:
    engine = Engine.from_policy(POLICIES / "minimal.yaml")
    decision = engine.check("a cat")
    assert decision.policy.name == "minimal"
    assert decision.policy.version == "1"
    assert len(decision.policy.sha256) == 64


def test_precedence_does_not_depend_on_rule_order(tmp_path: Path) -> None:
    spec = yaml.safe_load((POLICIES / "minimal.yaml").read_text())
    prompts = ["nude 12-year-old in a museum", "nude marble statue in a museum", "a museum"]
    expected = [Engine.from_policy(POLICIES / "minimal.yaml").check(p).action for p in prompts]
    assert expected == ["refuse", "revise", "allow"]
    rng = random.Random(7)
    for attempt in range(3):
        rng.shuffle(spec["rules"])
        path = tmp_path / f"shuffled{attempt}.yaml"
        path.write_text(yaml.safe_dump(spec))
        engine = Engine.from_policy(path)
        assert [engine.check(p).action for p in prompts] == expected


def test_revise_removes_only_the_matched_words() -> None:
    engine = Engine.from_policy(POLICIES / "minimal.yaml")
    decision = engine.check("a nude figure on a beach at sunset, oil painting")
    assert decision.action == "revise"
    assert decision.revised_prompt == "a figure on a beach at sunset, oil painting"
    assert decision.rules[0].explanation == "'nude' was removed."


def test_shipped_default_policy_loads(tmp_path: Path) -> None:
    copy = tmp_path / "default.yaml"
    shutil.copy(default_policy_path(), copy)
    assert load_policy(copy).sha256 == load_policy(default_policy_path()).sha256


def test_describe_mode_substitutes_a_neutral_description(tmp_path: Path) -> None:
    spec = yaml.safe_load(default_policy_path().read_text())
    rule = next(r for r in spec["rules"] if r["id"] == "style.living_artist")
    rule["rewrite"]["replacement"] = "in a painterly fantasy style"
    path = tmp_path / "describe.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True))
    decision = Engine.from_policy(path).check("a dragon over a castle, by Greg Rutkowski, 4k")
    assert decision.action == "revise"
    assert decision.revised_prompt == "a dragon over a castle, in a painterly fantasy style, 4k"


def test_an_unavailable_detector_is_skipped_and_its_rules_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A missing optional extra must not take the policy down, nor hide which rules it mutes."""
    from depiction.detectors.trait_edit import TraitEditDetector

    monkeypatch.setattr(
        TraitEditDetector, "unavailable", classmethod(lambda cls: "needs the 'x' extra")
    )
    policy = load_policy(default_policy_path())
    assert policy.inactive == {"trait_edit": "needs the 'x' extra"}
    assert policy.inactive_rules() == {
        "allow.trait_edit": ["trait_edit"],
        "self_harm.learned": ["trait_edit"],  # only its lift for removing scars goes quiet
    }
    decision = Engine(policy).check("make him look fatter", mode="edit")
    assert decision.action == "allow"
    assert "trait_edit" not in {signal.kind for signal in decision.signals}
    assert "sexual_minors" in Engine(policy).check("nude 12 year old girl").categories


def test_a_signal_another_active_detector_emits_does_not_mute_its_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the face models, names still give `optout_person`: its rule stays active."""
    from depiction.detectors.image_optout import ImageOptoutDetector

    monkeypatch.setattr(
        ImageOptoutDetector, "unavailable", classmethod(lambda cls: "needs the 'images' extra")
    )
    policy = load_policy(default_policy_path())
    assert "image_optout" in policy.inactive
    assert "optout_person.registered" not in policy.inactive_rules()


ON_DEMAND = """\
name: on-demand
version: "1"
detectors: [sexual, semantic]
rules:
  - id: both.present
    category: sexual
    effect: refuse
    when: sexual && semantic.sexual && semantic.minor
    explanation: Refused.
  - id: both.absent
    category: sexual
    effect: refuse
    when: sexual && !semantic.sexual && !semantic.undress
    explanation: Refused.
{extra}"""


def test_a_rule_needing_one_on_demand_kind_present_and_another_absent_is_a_load_error(
    tmp_path: Path,
) -> None:
    """Whether to run an on-demand detector is judged with all its kinds present at once
    (`Policy.could_change`), which would never fire this rule."""
    path = tmp_path / "mixed.yaml"
    path.write_text(ON_DEMAND.format(extra=""))
    assert len(load_policy(path).rules) == 2  # all present, or all absent: fine
    mixed = """\
  - id: adult.only
    category: sexual
    effect: revise
    when: |
      sexual && (mode == "edit" || semantic.sexual && !semantic.minor)
    rewrite: {remove: [sexual]}
    explanation: Revised.
"""
    path.write_text(ON_DEMAND.format(extra=mixed))
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert str(raised.value) == (
        f"{path}:18: rule 'adult.only': needs 'semantic.sexual' present and 'semantic.minor'"
        " absent at once, but the on-demand detector 'semantic' runs only when all its signals"
        " together could change the decision, so this rule could be missed; split it into"
        " rules that each need its signals present, or absent"
    )
