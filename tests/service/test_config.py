"""Service settings: one `DEPICTION_<KEY>` variable per settings-file key, the variable over
the file, the names of earlier releases still read, and one clear line for a bad value."""

from pathlib import Path

import pytest

from depiction.service.config import ConfigError, ServiceConfig


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DEPICTION_CONFIG", "DEPICTION_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_every_key_has_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEPICTION_MAX_PROMPT_CHARS", "77")
    monkeypatch.setenv("DEPICTION_UPSTREAM_TIMEOUT_S", "5")
    monkeypatch.setenv("DEPICTION_PORTAL_SUBMISSIONS_PER_HOUR", "2")
    monkeypatch.setenv("DEPICTION_TRUSTED_PROXIES", "10.0.0.1, 10.1.0.0/16")
    monkeypatch.setenv("DEPICTION_REQUIRE_KEYS", "true")
    settings = ServiceConfig.from_env()
    assert (settings.max_prompt_chars, settings.upstream_timeout_s) == (77, 5.0)
    assert settings.portal_submissions_per_hour == 2 and settings.require_keys
    assert settings.trusted_proxies == ["10.0.0.1", "10.1.0.0/16"]


def test_names_of_earlier_releases_are_still_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEPICTION_UPSTREAM_TIMEOUT", "9")
    monkeypatch.setenv("DEPICTION_PORTAL_PER_HOUR", "1")
    settings = ServiceConfig.from_env()
    assert (settings.upstream_timeout_s, settings.portal_submissions_per_hour) == (9.0, 1)


def test_a_variable_overrides_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    file = tmp_path / "service.yaml"
    file.write_text("upstream_timeout_s: 30\nmax_body_bytes: 1000\ntrusted_proxies: [10.0.0.9]\n")
    monkeypatch.setenv("DEPICTION_CONFIG", str(file))
    monkeypatch.setenv("DEPICTION_UPSTREAM_TIMEOUT_S", "3")
    settings = ServiceConfig.from_env()
    assert (settings.upstream_timeout_s, settings.max_body_bytes) == (3.0, 1000)
    assert settings.trusted_proxies == ["10.0.0.9"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEPICTION_MAX_PROMPT_CHARS", "many", "service setting 'max_prompt_chars'"),
        ("DEPICTION_UPSTREAM_TIMEOUT_S", "-1", "service setting 'upstream_timeout_s'"),
    ],
)
def test_a_bad_value_is_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=message) as raised:
        ServiceConfig.from_env()
    assert "\n" not in str(raised.value)
