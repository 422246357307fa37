"""Service settings, read from the environment (the CLI's `serve` options set them)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from depiction.request import DEFAULT_MAX_PROMPT_CHARS


class ServiceConfig(BaseModel):
    """Everything an operator sets for one service process."""

    policy: Path | None = Field(default=None, description="Policy file; the shipped one if unset.")
    database_url: str | None = Field(default=None, description="Registry database URL.")
    decision_log: Path | None = Field(default=None, description="JSONL decision log (rotated).")
    log_prompts: bool = Field(default=False, description="Write prompts into the decision log.")
    upstream_url: str | None = Field(
        default=None, description="Image backend base URL, e.g. .../v1."
    )
    upstream_timeout_s: float = Field(default=120.0, description="Timeout for one upstream call.")
    upstream_api_key: str | None = Field(default=None, description="Key sent to the upstream.")
    require_keys: bool = Field(default=False, description="Check and gateway calls need API keys.")
    portal_submissions_per_hour: int = Field(default=5, description="Per client IP.")
    max_prompt_chars: int = DEFAULT_MAX_PROMPT_CHARS
    max_body_bytes: int = Field(default=20 * 2**20, description="Largest request body accepted.")
    max_image_bytes: int = Field(default=8 * 2**20, description="Largest decoded image accepted.")

    @classmethod
    def from_env(cls) -> ServiceConfig:
        env = os.environ
        policy, log = env.get("DEPICTION_POLICY"), env.get("DEPICTION_DECISION_LOG")
        return cls(
            policy=Path(policy) if policy else None,
            database_url=env.get("DEPICTION_DATABASE_URL") or None,
            upstream_url=env.get("DEPICTION_UPSTREAM_URL") or None,
            upstream_timeout_s=float(env.get("DEPICTION_UPSTREAM_TIMEOUT", 120)),
            upstream_api_key=env.get("DEPICTION_UPSTREAM_API_KEY") or None,
            require_keys=env.get("DEPICTION_REQUIRE_KEYS", "").lower() in ("1", "true", "yes"),
            portal_submissions_per_hour=int(env.get("DEPICTION_PORTAL_PER_HOUR", 5)),
            decision_log=Path(log) if log else None,
            log_prompts=env.get("DEPICTION_LOG_PROMPTS", "").lower() in ("1", "true", "yes"),
            max_body_bytes=int(env.get("DEPICTION_MAX_BODY_BYTES", 20 * 2**20)),
            max_image_bytes=int(env.get("DEPICTION_MAX_IMAGE_BYTES", 8 * 2**20)),
        )
