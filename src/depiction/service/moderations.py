"""`/v1/moderations`, shaped like OpenAI's moderation endpoint, so gateways and SDKs that
already call a moderation API can call depiction instead.

Each input is one full depiction check. OpenAI's category names are set where a depiction
category corresponds, and every depiction category is added as `depiction/<category>`
(`depiction/fraud_documents`, `depiction/optout_person`, ...): prefixed, because the SDKs
already read OpenAI's `sexual/minors` as the attribute `sexual_minors`. `flagged` means
refused; a revision (a living artist's name removed) is not flagged, and the `depiction` field
of each result carries the action, the rules, the explanation and the revised prompt.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from depiction.decision import Decision
from depiction.policy import Policy
from depiction.service.bodies import read_json
from depiction.service.config import ServiceConfig
from depiction.service.errors import ApiError
from depiction.service.inputs import CheckInput, decoded_images, validated
from depiction.service.schemas import ImagePart, ModerationRequest, TextPart

OPENAI_CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
AS_OPENAI = {
    "sexual_minors": ("sexual", "sexual/minors"),
    "sexual_real_person": ("sexual",),
    "sexual_explicit": ("sexual",),
    "violence_real_person": ("violence",),
    "violence_graphic": ("violence", "violence/graphic"),
    "hate": ("hate",),
    "self_harm": ("self-harm",),
    "weapons": ("illicit", "illicit/violent"),
    "illicit": ("illicit",),
}
"""depiction category -> the OpenAI categories it falls under."""
OWN = "depiction/"


async def read_moderation(request: Request, settings: ServiceConfig) -> list[CheckInput]:
    """One check per result: a string, each string of a list, or one check for a list of
    text and image parts (their texts joined, their images checked with them)."""
    body = validated(ModerationRequest, await read_json(request), "/v1/moderations")
    given = body.input
    if isinstance(given, str):
        return [CheckInput(given, "generate", [])]
    if not given:
        raise ApiError(400, "invalid_request", "field 'input': the list is empty")
    if all(isinstance(item, str) for item in given):
        return [CheckInput(item, "generate", []) for item in given if isinstance(item, str)]
    texts = [part.text for part in given if isinstance(part, TextPart)]
    urls = [part.image_url.url for part in given if isinstance(part, ImagePart)]
    for url in urls:
        if not url.startswith("data:"):
            raise ApiError(
                400,
                "invalid_image",
                "an image_url is not a data: URL; depiction never fetches remote images",
            )
    images = decoded_images(urls, settings)
    return [CheckInput("\n".join(texts), "edit" if images else "generate", images)]


def moderation(
    decisions: list[Decision], inputs: list[CheckInput], policy: Policy
) -> dict[str, Any]:
    """The OpenAI-shaped reply for the checked inputs, in their order."""
    own = sorted({OWN + c.rule.category for c in policy.rules if c.rule.effect != "allow"})
    return {
        "id": f"modr-{decisions[0].decision_id}",
        "model": f"depiction-{policy.name}-{policy.version}",
        "results": [
            _result(decision, given, own) for decision, given in zip(decisions, inputs, strict=True)
        ],
    }


def _result(decision: Decision, given: CheckInput, own: list[str]) -> dict[str, Any]:
    decided = {rule.category for rule in decision.rules if rule.effect != "allow"}
    found = {OWN + c for c in decided} | {n for c in decided for n in AS_OPENAI.get(c, ())}
    learned = {
        OWN + s.kind.removeprefix("learned."): s.score
        for s in decision.signals
        if s.kind.startswith("learned.")
    }
    types = ["text", "image"] if given.images else ["text"]
    names = [*OPENAI_CATEGORIES, *own]
    scores = {}
    for name in names:
        mapped = [OWN + c for c, under in AS_OPENAI.items() if name in under] or [name]
        scores[name] = 1.0 if name in found else max(learned.get(c, 0.0) for c in mapped)
    return {
        "flagged": decision.action == "refuse",
        "categories": {name: name in found for name in names},
        "category_scores": scores,
        "category_applied_input_types": {name: types if name in found else [] for name in names},
        "depiction": {
            "decision_id": decision.decision_id,
            "action": decision.action,
            "categories": decision.categories,
            "rules": [rule.id for rule in decision.rules],
            "explanation": decision.explanation(),
            "revised_prompt": decision.revised_prompt,
            "language": decision.language,
        },
    }
