"""Service settings: a YAML file (`DEPICTION_CONFIG`), each key overridden by its
environment variable `DEPICTION_<KEY>` (pydantic-settings reads and validates both)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from depiction.errors import DepictionError
from depiction.request import DEFAULT_MAX_PROMPT_CHARS

PREFIX = "DEPICTION_"


class ConfigError(DepictionError):
    """The service settings file is unreadable or malformed."""


def _env(field: str, *older: str) -> AliasChoices:
    """The settings-file key, its `DEPICTION_` variable, and names used before 2026.12."""
    return AliasChoices(field, PREFIX + field.upper(), *older)


class ServiceConfig(BaseSettings):
    """Everything an operator sets for one service process."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="forbid", populate_by_name=True)

    policy: Path | None = Field(default=None, description="Policy file; the shipped one if unset.")
    database_url: str | None = Field(default=None, description="Registry database URL.")
    decision_log: Path | None = Field(default=None, description="JSONL decision log (rotated).")
    log_prompts: bool = Field(default=False, description="Write prompts into the decision log.")
    decision_log_max_bytes: int = Field(
        default=50 * 2**20, gt=0, description="Size at which the decision log is rotated."
    )
    decision_log_backups: int = Field(
        default=5, ge=0, description="Rotated decision-log files kept."
    )
    upstream_url: str | None = Field(
        default=None, description="Image backend base URL, e.g. .../v1."
    )
    upstream_timeout_s: float = Field(
        default=120.0,
        gt=0,
        description="Deadline for one whole upstream call, body included.",
        validation_alias=_env("upstream_timeout_s", "DEPICTION_UPSTREAM_TIMEOUT"),
    )
    upstream_api_key: str | None = Field(default=None, description="Key sent to the upstream.")
    max_upstream_reply_bytes: int = Field(
        default=100 * 2**20, gt=0, description="Largest reply read from the upstream."
    )
    require_keys: bool = Field(default=False, description="Check and gateway calls need API keys.")
    portal_submissions_per_hour: int = Field(
        default=5,
        ge=0,
        description="Per client address, counted across every worker and replica.",
        validation_alias=_env("portal_submissions_per_hour", "DEPICTION_PORTAL_PER_HOUR"),
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses (or networks) of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed; comma-separated in the environment.",
    )
    max_prompt_chars: int = Field(
        default=DEFAULT_MAX_PROMPT_CHARS, gt=0, description="Longest prompt accepted."
    )
    max_body_bytes: int = Field(default=20 * 2**20, description="Largest request body accepted.")
    max_image_bytes: int = Field(default=8 * 2**20, description="Largest decoded image accepted.")
    max_images_per_request: int = Field(
        default=16, gt=0, description="Most input images in one request (OpenAI edits take 16)."
    )
    max_request_pixels: int = Field(
        default=100_000_000,
        gt=0,
        description="Most pixels all images of one request may declare together (read from "
        "their headers, before decoding).",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the settings file."""
        named = os.environ.get("DEPICTION_CONFIG")
        file = InitSettingsSource(settings_cls, _read_file(Path(named)) if named else {})
        return init_settings, env_settings, file

    @classmethod
    def from_env(cls) -> ServiceConfig:
        """The settings, or a `ConfigError` naming the first bad one in one line."""
        try:
            return cls()
        except ValidationError as error:
            detail = error.errors()[0]
            where = ".".join(str(part) for part in detail["loc"])
            raise ConfigError(f"service setting '{where}': {detail['msg']}") from error


def _read_file(path: Path) -> dict[str, object]:
    """A YAML (or JSON) mapping of the settings above; unknown keys are errors."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read service config {path}: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"service config {path} must be a mapping of settings")
    return data
