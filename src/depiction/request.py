"""The request model: what a caller asks an image generator to do."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Mode = Literal["generate", "edit"]
MODES: tuple[Mode, ...] = ("generate", "edit")
DEFAULT_MAX_PROMPT_CHARS = 4000


class RequestContext(BaseModel):
    """Optional facts about the caller that an operator's policy may use."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_age_verified: bool | None = Field(
        default=None, description="The platform verified the user is an adult."
    )
    surface: str | None = Field(default=None, description="Product surface, e.g. 'chat'.")


class Request(BaseModel):
    """A prompt plus mode and optional input images; validated before any detector runs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str = Field(description="The text prompt, any language.")
    mode: Mode = Field(default="generate", description="'generate' or 'edit'.")
    images: tuple[bytes, ...] = Field(default=(), description="Edit inputs or references.")
    context: RequestContext = Field(default_factory=RequestContext)

    @field_validator("prompt")
    @classmethod
    def _prompt_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("prompt is empty")
        return value
