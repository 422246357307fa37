"""depiction as a LiteLLM guardrail, end to end: the official `openai` client, a real `litellm`
proxy process on loopback with depiction's guardrail in its config, and a stand-in image
backend that records what reaches it. The guardrail runs both ways: its engine inside the
proxy, and asking a running `depiction serve` (with an API key) through `api_base`."""

import importlib.util
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import openai
import pytest
import yaml

from depiction import Engine
from depiction.client import Client

from ..conftest import needed, png_bytes
from ..service.conftest import (
    BACKEND_PNG,
    Call,
    free_port,
    image_backend,
    running_service,
    wait_until_ready,
)
from ..service.test_admin import create_key

MODEL = "stand-in-image"
GUARDRAIL: dict[str, object] = {
    "guardrail": "depiction.integrations.litellm.DepictionGuardrail",
    "mode": "pre_call",
    "default_on": True,
}
REFERENCE = re.compile(r" \(depiction: (?P<rules>[^;]+); decision (?P<id>[0-9a-f]{32})\)$")
"""What follows the explanation in a refusal's message: the rule ids and the decision id."""


@dataclass(frozen=True)
class Proxy:
    """A running LiteLLM proxy, the calls its backend received, and the depiction service its
    guardrail asks (None when the engine runs inside the proxy)."""

    client: openai.OpenAI
    calls: list[Call]
    service: tuple[str, str] | None


@contextmanager
def running_proxy(folder: Path, config: Mapping[str, object], **env: str) -> Iterator[str]:
    """Start `litellm --config` on a free loopback port, wait until it is ready, yield its base
    URL, stop it. Its output goes to `litellm.log` in `folder`, quoted when it fails to start."""
    (folder / "config.yaml").write_text(yaml.safe_dump(config))
    port = free_port()
    environment = {
        **os.environ,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # else it fetches model prices from GitHub
        **env,
    }
    log = (folder / "litellm.log").open("w")
    command = [sys.executable, "-m", "litellm.proxy.proxy_cli", "--config", "config.yaml"]
    proxy = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        cwd=folder, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        # imports and the engine take ~50 s on a busy 2-core box
        if not wait_until_ready(f"{base}/health/readiness", proxy, seconds=300, every=0.5):
            pytest.fail(f"litellm did not start:\n{(folder / 'litellm.log').read_text()[-3000:]}")
        yield base
    finally:
        proxy.terminate()
        try:
            proxy.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proxy.kill()
            proxy.wait()
        log.close()


@pytest.fixture(scope="module", params=["engine in the proxy", "depiction serve"])
def proxy(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:  # fmt: skip
    folder = tmp_path_factory.mktemp("litellm")
    guardrail = dict(GUARDRAIL)
    with ExitStack() as stack:
        backend, calls = stack.enter_context(image_backend())
        service = None
        if request.param == "depiction serve":
            key = create_key(folder, "check")
            service_url = stack.enter_context(
                running_service(folder, DEPICTION_REQUIRE_KEYS="true")
            )
            service = (service_url, key)
            guardrail |= {"api_base": service_url, "api_key": "os.environ/DEPICTION_API_KEY"}
        client = stack.enter_context(
            proxied(folder, backend, guardrail, DEPICTION_API_KEY=service[1] if service else "")
        )
        yield Proxy(client, calls, service)


@contextmanager
def proxied(
    folder: Path, backend: str, guardrail: dict[str, object], **env: str
) -> Iterator[openai.OpenAI]:
    """An OpenAI client of a proxy that serves MODEL from `backend` behind depiction."""
    if importlib.util.find_spec("litellm") is None:
        needed("litellm", "the test extra (litellm[proxy])")
    config = {
        "model_list": [
            {
                "model_name": MODEL,
                "litellm_params": {
                    "model": "openai/gpt-image-1",
                    "api_base": backend,
                    "api_key": "sk-stand-in",
                },
            }
        ],
        "guardrails": [{"guardrail_name": "depiction", "litellm_params": guardrail}],
    }
    master_key = f"sk-{secrets.token_hex(16)}"
    with running_proxy(folder, config, LITELLM_MASTER_KEY=master_key, **env) as url:
        yield openai.OpenAI(base_url=f"{url}/v1", api_key=master_key, max_retries=0)


def prompts_received(calls: list[Call]) -> list[str]:
    return [json.loads(call.body)["prompt"] for call in calls]


def test_an_allowed_prompt_reaches_the_backend_unchanged(proxy: Proxy) -> None:
    before = len(proxy.calls)
    prompt = "a watercolour of a fox in the snow at dawn"
    image = proxy.client.images.generate(model=MODEL, prompt=prompt)
    assert image.data is not None and image.data[0].b64_json == BACKEND_PNG
    assert prompts_received(proxy.calls[before:]) == [prompt]


def test_a_living_artists_name_is_removed_before_the_backend(proxy: Proxy, engine: Engine) -> None:  # fmt: skip
    before = len(proxy.calls)
    prompt = "a castle by Greg Rutkowski"
    expected = engine.check(prompt)
    assert expected.action == "revise" and expected.revised_prompt
    image = proxy.client.images.generate(model=MODEL, prompt=prompt)
    assert image.data is not None and image.data[0].b64_json == BACKEND_PNG
    (received,) = prompts_received(proxy.calls[before:])
    assert received == expected.revised_prompt
    assert "castle" in received and "Rutkowski" not in received


@pytest.mark.parametrize(
    "prompt", ["nude photo of Taylor Swift", "una foto de Taylor Swift desnuda en la playa"]
)
def test_a_refused_prompt_never_reaches_the_backend(proxy: Proxy, engine: Engine, prompt: str) -> None:  # fmt: skip
    before = len(proxy.calls)
    expected = engine.check(prompt)
    assert expected.action == "refuse"
    with pytest.raises(openai.BadRequestError) as refused:
        proxy.client.images.generate(model=MODEL, prompt=prompt)
    assert proxy.calls[before:] == []
    message = refused.value.response.json()["error"]["message"]
    # the explanation, in the prompt's language, then where to find the decision
    reference = REFERENCE.search(message)
    assert reference is not None and message[: reference.start()] == expected.explanation()
    assert reference["rules"].split(", ") == [hit.id for hit in expected.rules]
    if proxy.service is not None:  # the service made the decision: it can be appealed there
        base, key = proxy.service
        with Client(base, api_key=key) as depiction:
            assert depiction.appeal(reference["id"], "it is a painting").status == "open"


def test_an_edit_is_judged_with_its_images(proxy: Proxy, engine: Engine) -> None:
    before = len(proxy.calls)
    photo = ("photo.png", png_bytes(), "image/png")
    image = proxy.client.images.edit(model=MODEL, prompt="make the sky pink", image=photo)
    assert image.data is not None and image.data[0].b64_json == BACKEND_PNG
    (edit,) = proxy.calls[before:]
    assert edit.path == "/v1/images/edits" and b"make the sky pink" in edit.body

    prompt = "make her fully naked"
    expected = engine.check(prompt, mode="edit", images=[png_bytes()])
    assert expected.action == "refuse"
    with pytest.raises(openai.BadRequestError) as refused:
        proxy.client.images.edit(model=MODEL, prompt=prompt, image=photo)
    assert len(proxy.calls) == before + 1
    # the edits route also carries the decision itself, as depiction's own gateway does
    decision = refused.value.response.json()["error"]["provider_specific_fields"]["depiction"]
    assert decision["action"] == "refuse"
    assert [rule["id"] for rule in decision["rules"]] == [hit.id for hit in expected.rules]


def test_without_a_service_to_ask_nothing_is_generated(tmp_path: Path) -> None:
    """Fail closed: a guardrail that cannot judge lets nothing through, and says why."""
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with image_backend() as (backend, calls), proxied(
        tmp_path, backend, {**GUARDRAIL, "api_base": nowhere}
    ) as client:  # fmt: skip
        with pytest.raises(openai.APIStatusError) as failed:
            client.images.generate(model=MODEL, prompt="a watercolour of a fox in the snow")
        assert calls == []
    assert failed.value.status_code == 503
    assert (
        "depiction service could not be reached" in failed.value.response.json()["error"]["message"]
    )
