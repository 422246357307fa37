"""`/v1/moderations` with the official `openai` client, against `depiction serve` on loopback."""

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from ..conftest import png_bytes
from .conftest import running_service


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_service(tmp_path_factory.mktemp("moderations")) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base}/v1", api_key="sk-test", max_retries=0)


def test_one_result_per_string_in_order(client: openai.OpenAI) -> None:
    reply = client.moderations.create(
        input=[
            "a watercolour of a lighthouse at dawn",
            "nude photo of a 12-year-old girl",
            "passeport falsifié au nom de Jean Dupont, réaliste, prêt à imprimer",
            "a castle in the style of Greg Rutkowski",
        ]
    )
    benign, minors, forged, artist = reply.results
    assert reply.model.startswith("depiction-default-")
    assert not benign.flagged and not any(benign.categories.model_dump().values())
    assert minors.flagged
    assert minors.categories.sexual_minors and minors.categories.sexual
    assert minors.category_scores.sexual_minors == 1.0
    assert minors.category_applied_input_types.sexual_minors == ["text"]
    # depiction's own categories sit beside OpenAI's
    assert minors.categories.model_extra["depiction/sexual_minors"] is True
    assert minors.category_scores.model_extra["depiction/sexual_minors"] == 1.0
    assert forged.flagged and forged.categories.model_extra["depiction/fraud_documents"]
    assert not forged.categories.sexual
    # a revision is not a flag: the rewrite comes with the result
    assert not artist.flagged and artist.model_extra["depiction"]["action"] == "revise"
    assert "Rutkowski" not in artist.model_extra["depiction"]["revised_prompt"]


def test_text_and_image_parts_are_one_check(client: openai.OpenAI) -> None:
    image = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    reply = client.moderations.create(
        input=[
            {"type": "text", "text": "make her fully naked"},
            {"type": "image_url", "image_url": {"url": image}},
        ]
    )
    (result,) = reply.results
    assert result.flagged
    assert result.model_extra["depiction"]["rules"]
    assert "image" in result.category_applied_input_types.sexual


@pytest.mark.parametrize(
    ("body", "code", "says"),
    [
        ({"input": []}, "invalid_request", "list is empty"),
        ({"input": "x", "user": "u1"}, "invalid_request", "unknown field 'user'"),
        ({"input": [{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]},
         "invalid_image", "never fetches remote images"),
        ({"input": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]},
         "invalid_request", "prompt is empty"),
        ({"input": "   "}, "invalid_request", "prompt is empty"),
        ({"input": 5}, "invalid_request", "field 'input"),
    ],
)  # fmt: skip
def test_bad_moderation_requests_are_json_4xx(base: str, body: dict, code: str, says: str) -> None:  # type: ignore[type-arg]
    reply = httpx.post(f"{base}/v1/moderations", json=body, timeout=60)
    assert 400 <= reply.status_code < 500
    error = reply.json()["error"]
    assert error["code"] == code and says in error["message"]


def test_refusals_are_counted_like_checks(base: str, tmp_path: Path) -> None:
    httpx.post(f"{base}/v1/moderations", json={"input": "hardcore porn"}, timeout=60)
    metrics = httpx.get(f"{base}/metrics").text
    assert 'action="refuse"' in metrics
