"""Service settings, read from the environment (the CLI's `serve` options set them)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from depiction.errors import DepictionError
from depiction.request import DEFAULT_MAX_PROMPT_CHARS


class ConfigError(DepictionError):
    """The service settings file is unreadable or malformed."""


class ServiceConfig(BaseModel):
    """Everything an operator sets for one service process."""

    model_config = ConfigDict(extra="forbid")

    policy: Path | None = Field(default=None, description="Policy file; the shipped one if unset.")
    database_url: str | None = Field(default=None, description="Registry database URL.")
    decision_log: Path | None = Field(default=None, description="JSONL decision log (rotated).")
    log_prompts: bool = Field(default=False, description="Write prompts into the decision log.")
    upstream_url: str | None = Field(
        default=None, description="Image backend base URL, e.g. .../v1."
    )
    upstream_timeout_s: float = Field(
        default=120.0, gt=0, description="Deadline for one whole upstream call, body included."
    )
    upstream_api_key: str | None = Field(default=None, description="Key sent to the upstream.")
    require_keys: bool = Field(default=False, description="Check and gateway calls need API keys.")
    portal_submissions_per_hour: int = Field(default=5, description="Per client IP.")
    max_prompt_chars: int = DEFAULT_MAX_PROMPT_CHARS
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

    @classmethod
    def from_env(cls) -> ServiceConfig:
        """The settings file named by DEPICTION_CONFIG (if any), overridden by DEPICTION_* variables."""
        base = (
            _read_file(Path(os.environ["DEPICTION_CONFIG"]))
            if os.environ.get("DEPICTION_CONFIG")
            else {}
        )
        try:
            return cls.model_validate({**base, **cls._env_values()})
        except ValidationError as error:
            detail = error.errors()[0]
            where = ".".join(str(part) for part in detail["loc"])
            raise ConfigError(f"service setting '{where}': {detail['msg']}") from error

    @classmethod
    def _env_values(cls) -> dict[str, object]:
        env = os.environ
        names = {
            "policy": "DEPICTION_POLICY",
            "database_url": "DEPICTION_DATABASE_URL",
            "decision_log": "DEPICTION_DECISION_LOG",
            "log_prompts": "DEPICTION_LOG_PROMPTS",
            "upstream_url": "DEPICTION_UPSTREAM_URL",
            "upstream_timeout_s": "DEPICTION_UPSTREAM_TIMEOUT",
            "upstream_api_key": "DEPICTION_UPSTREAM_API_KEY",
            "require_keys": "DEPICTION_REQUIRE_KEYS",
            "portal_submissions_per_hour": "DEPICTION_PORTAL_PER_HOUR",
            "max_body_bytes": "DEPICTION_MAX_BODY_BYTES",
            "max_image_bytes": "DEPICTION_MAX_IMAGE_BYTES",
            "max_images_per_request": "DEPICTION_MAX_IMAGES_PER_REQUEST",
            "max_request_pixels": "DEPICTION_MAX_REQUEST_PIXELS",
        }
        return {field: env[name] for field, name in names.items() if env.get(name)}


def _read_file(path: Path) -> dict[str, object]:
    """A YAML (or JSON) mapping of the settings above; unknown keys are errors."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read service config {path}: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"service config {path} must be a mapping of settings")
    return data
