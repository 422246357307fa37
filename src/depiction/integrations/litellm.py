"""depiction as a guardrail of a LiteLLM proxy in front of image models (the `litellm` extra).

In the proxy's `config.yaml`:

    guardrails:
      - guardrail_name: depiction
        litellm_params:
          guardrail: depiction.integrations.litellm.DepictionGuardrail
          mode: pre_call
          default_on: true
          # api_base: http://127.0.0.1:8000   # ask a running `depiction serve` instead
          # api_key: os.environ/DEPICTION_API_KEY

Before an image generation or edit reaches its model: allow lets the request go on unchanged;
revise replaces its prompt with the revised prompt; refuse stops it with a 400 whose message is
the decision's explanation (in the prompt's language) followed by the rule ids and the
`decision_id`, so a refusal can be traced in depiction's decision log and appealed. Other call
types (chat, embeddings) pass untouched: depiction judges image requests only.

Without `api_base` the policy runs inside the proxy process (`policy:` names a policy file, the
shipped one by default); with it, each request is sent to `POST /v1/check` of a depiction
service, which keeps one engine for several proxies and its decision log in one place. If the
guardrail cannot judge a request, the request is not forwarded: an unusable one (empty prompt,
unreadable image) is answered 400, and an unreachable service or a rejected key 503.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

import httpx
from fastapi import HTTPException
from litellm.caching.dual_cache import DualCache
from litellm.integrations.custom_guardrail import CustomGuardrail
from litellm.litellm_core_utils.prompt_templates.common_utils import get_str_from_messages
from litellm.proxy._types import UserAPIKeyAuth
from litellm.types.guardrails import GuardrailEventHooks
from litellm.types.utils import CallTypesLiteral

from depiction.client import AsyncClient, ServiceError
from depiction.decision import Decision
from depiction.engine import Engine
from depiction.errors import DepictionError, RequestError
from depiction.request import Mode

logger = logging.getLogger(__name__)

IMAGE_CALL_TYPES: Final[Mapping[str, Mode]] = {
    "image_generation": "generate",
    "aimage_generation": "generate",
    "image_edit": "edit",
    "aimage_edit": "edit",
}
"""LiteLLM's call types for the Images API, and the depiction mode each one is judged in."""
UNUSABLE_REQUEST: Final = frozenset({400, 413})
"""The service's answers that blame the request itself, which the caller must hear about."""


class Refusal(HTTPException):
    """A refused request, as LiteLLM's proxy answers a guardrail block: status 400.

    The proxy's `/images/generations` route answers with the exception's `message` only, its
    `/images/edits` route with `detail` (the decision in full under `depiction`, as the
    depiction gateway's refusals carry it): both are set.
    """

    def __init__(self, decision: Decision) -> None:
        self.message = refusal_message(decision)
        detail = {"error": self.message, "depiction": decision.model_dump(mode="json")}
        super().__init__(status_code=400, detail=detail)
        self.decision = decision


def refusal_message(decision: Decision) -> str:
    """The explanation a user reads, then what an operator needs to find the decision."""
    rules = ", ".join(hit.id for hit in decision.rules)
    return f"{decision.explanation()} (depiction: {rules}; decision {decision.decision_id})"


class Unjudged(DepictionError):
    """The guardrail could not judge a request (the service is down, or rejects the key), so
    the request goes nowhere: the proxy answers 503 with this message."""

    status_code: Final = 503  # what LiteLLM's proxy answers with

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DepictionGuardrail(CustomGuardrail):
    """Judges the prompt of each image request before LiteLLM sends it to the model."""

    def __init__(
        self,
        *,
        api_base: str | None = None,
        api_key: str | None = None,
        policy: str | None = None,
        **kwargs: Any,
    ) -> None:
        # Only pre_call can change the prompt before the model sees it; any other mode in the
        # proxy config is a startup error rather than a guardrail that silently never revises.
        super().__init__(supported_event_hooks=[GuardrailEventHooks.pre_call], **kwargs)
        self._client: AsyncClient | None = None
        self._engine: Engine | None = None
        if api_base:
            if policy:
                raise ValueError("give api_base or policy, not both: the service has its policy")
            timeout = self.timeout if isinstance(self.timeout, int | float) else 30.0
            self._client = AsyncClient(api_base, api_key=api_key, timeout=timeout)
        else:
            # Loaded here, once, so a broken policy stops the proxy at startup.
            self._engine = Engine.from_policy(policy) if policy else Engine.default()

    async def judge(self, prompt: str, mode: Mode, images: Sequence[bytes] = ()) -> Decision:
        """depiction's decision, from the service or from the engine in a worker thread
        (a check takes tens of milliseconds of CPU: the proxy's event loop must not wait)."""
        if self._client is not None:
            return await self._client.check(prompt, mode=mode, images=images)
        assert self._engine is not None
        return await asyncio.to_thread(self._engine.check, prompt, mode, images)

    async def async_pre_call_hook(
        self,
        user_api_key_dict: UserAPIKeyAuth,
        cache: DualCache,
        data: dict[str, Any],
        call_type: CallTypesLiteral,
    ) -> dict[str, Any] | None:
        """Allow: `data` unchanged; revise: `data` with the revised prompt; refuse: `Refusal`."""
        mode = IMAGE_CALL_TYPES.get(call_type)
        if mode is None:
            return data
        try:
            decision = await self.judge(_prompt(data), mode, _images(data))
        except RequestError as error:  # an empty or over-long prompt, an unreadable image
            raise HTTPException(status_code=400, detail={"error": str(error)}) from error
        except ServiceError as error:
            if error.status in UNUSABLE_REQUEST:
                raise HTTPException(status_code=400, detail={"error": error.message}) from error
            raise Unjudged(f"the depiction service refused to judge: {error}") from error
        except httpx.TransportError as error:
            raise Unjudged(f"the depiction service could not be reached: {error!r}") from error
        logger.info("depiction %s %s (%s)", decision.action, decision.decision_id, call_type)
        if decision.action == "refuse":
            raise Refusal(decision)
        if decision.revised_prompt is not None:
            _replace_prompt(data, decision.revised_prompt)
        return data


def _prompt(data: Mapping[str, Any]) -> str:
    """The text the model will receive. For generations the proxy copies the prompt into
    `messages` for guardrails and rebuilds the prompt from them afterwards, so an earlier
    guardrail's change to `messages` is what counts."""
    messages = data.get("messages")
    if isinstance(messages, list) and messages:
        return get_str_from_messages(messages)
    prompt = data.get("prompt")
    if not isinstance(prompt, str):
        raise RequestError("the request has no text prompt")
    return prompt


def _replace_prompt(data: dict[str, Any], revised: str) -> None:
    data["prompt"] = revised
    if "messages" in data:  # the proxy rebuilds the prompt from these after the hooks
        data["messages"] = [{"role": "user", "content": revised}]


def _images(data: Mapping[str, Any]) -> tuple[bytes, ...]:
    """An edit's input images (the proxy holds uploads as in-memory files), judged with it."""
    images = data.get("image")
    if images is None:
        return ()
    files = images if isinstance(images, list) else [images]
    return tuple(file.getvalue() if isinstance(file, io.BytesIO) else file for file in files)
