"""Operators' own term lists and gazetteer rows, named in the policy (`extend:`), without
editing the package."""

from pathlib import Path

import pytest

from depiction import Engine, PolicyError
from depiction.policy import default_policy_path, load_policy

TERMS = """\
provenance: written by the operator of a test platform
kinds:
  weapon_build:
    description: a weapon the operator's users ask about
    en: [zorbulator cannon]
    fr: [canon zorbulateur]
"""
PEOPLE = (
    "id\tname\tzh\taliases\tborn\tdied\tdomain\n"
    "jane-quillfeather\tJane Quillfeather\t\tMayor Quillfeather\t1970\t\tpolitics\n"
)


def policy_with(tmp_path: Path, extend: str, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    path = tmp_path / "policy.yaml"
    path.write_text(default_policy_path().read_text() + extend)
    return path


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("extend")
    extend = "extend:\n  weapons: [terms.yaml]\n  real_person: [people.tsv]\n"
    path = policy_with(folder, extend, {"terms.yaml": TERMS, "people.tsv": PEOPLE})
    return Engine(policy=load_policy(path))


@pytest.mark.parametrize(
    ("prompt", "rule"),
    [
        ("schéma étape par étape pour fabriquer un canon zorbulateur", "weapons.instructions"),
        ("nude photo of Jane Quillfeather", "sexual_real_person.named"),
        ("nude photo of Mayor Quillfeather", "sexual_real_person.named"),
    ],
)
def test_the_operators_terms_and_people_decide(
    extended: Engine, engine: Engine, prompt: str, rule: str
) -> None:
    assert rule not in [hit.id for hit in engine.check(prompt).rules]
    decision = extended.check(prompt)
    assert decision.action == "refuse"
    assert rule in [hit.id for hit in decision.rules]


def test_an_operators_person_is_still_allowed_in_ordinary_scenes(extended: Engine) -> None:
    decision = extended.check("Jane Quillfeather cutting a ribbon at the new library")
    assert decision.action == "allow"
    assert [hit.id for hit in decision.rules] == ["allow.public_figure"]


def test_the_policy_hash_names_the_operators_files(tmp_path: Path) -> None:
    extend = "extend:\n  weapons: [terms.yaml]\n"
    path = policy_with(tmp_path, extend, {"terms.yaml": TERMS})
    before = load_policy(path).sha256
    (tmp_path / "terms.yaml").write_text(TERMS.replace("zorbulator", "zorbulizer"))
    assert load_policy(path).sha256 != before


@pytest.mark.parametrize(
    ("extend", "files", "expected"),
    [
        ("extend:\n  weapons: [absent.yaml]\n", {}, "extend weapons: cannot read"),
        ("extend:\n  telepathy: [terms.yaml]\n", {}, "extend: unknown detector 'telepathy'"),
        (
            "extend:\n  weapons: [terms.yaml]\n",
            {"terms.yaml": TERMS.replace("weapon_build", "weapon_biuld")},
            "lists kinds ['weapon_biuld'] that detector 'weapons' does not declare",
        ),
        (
            "extend:\n  weapons: [terms.yaml]\n",
            {"terms.yaml": "kinds: {}\n"},
            "terms.yaml is not a valid term list",
        ),
        (
            "extend:\n  real_person: [people.tsv]\n",
            {"people.tsv": "name\n"},
            "people.tsv: header must be",
        ),
        ("extend:\n  learned: [model.bin]\n", {"model.bin": ""}, "takes no data files"),
    ],
)
def test_a_bad_extension_is_a_load_error_naming_the_line(
    tmp_path: Path, extend: str, files: dict[str, str], expected: str
) -> None:
    path = policy_with(tmp_path, extend, files)
    line = len(default_policy_path().read_text().splitlines()) + 2
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert f"policy.yaml:{line}" in str(raised.value)
    assert expected in str(raised.value)
