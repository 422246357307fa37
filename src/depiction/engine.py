"""The engine: request → normalize → detectors → signals → policy → decision.

An `Engine` loads its policy, term lists and matchers once, then checks many requests;
`check` keeps no per-request state on the engine, so one engine is safe to share between
threads. A detector that fails — raises, emits a signal kind it never declared, or cannot be
weighed for whether to run — makes the check fail closed: the request is refused with the
`system.detector_error` rule rather than allowed on missing evidence.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from depiction.decision import Decision, PolicyRef, RuleHit, Signal
from depiction.detectors import Detector
from depiction.detectors.base import ImageDetector, LoadContext
from depiction.errors import DepictionError, RequestError
from depiction.images import DEFAULT_MAX_IMAGE_PIXELS, DecodedImage, check_image, decode_images
from depiction.normalize import Normalizer
from depiction.policy import Policy, default_policy_path, evaluate, load_policy
from depiction.policy.explanations import SYSTEM_KEY
from depiction.request import DEFAULT_MAX_PROMPT_CHARS, MODES, Request, RequestContext
from depiction.tracing import span

logger = logging.getLogger(__name__)

ImageInput = bytes | str | Path


class Engine:
    """Checks requests against one policy."""

    def __init__(
        self,
        policy: Policy,
        *,
        max_prompt_chars: int = DEFAULT_MAX_PROMPT_CHARS,
        max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
        database_url: str | None = None,
    ) -> None:
        self.policy = policy
        self.max_prompt_chars = max_prompt_chars
        self.max_image_pixels = max_image_pixels
        self._normalizer = Normalizer()
        self._normalizer.load()
        context = LoadContext(self._normalizer, database_url, policy.params, policy.extensions)
        self._detectors: list[Detector] = []
        skipped: dict[str, list[str]] = {}
        for name, reason in policy.inactive.items():
            skipped.setdefault(reason, []).append(name)
        for reason, names in skipped.items():  # one line per missing extra, not per detector
            logger.warning("detector %s is skipped: %s", ", ".join(names), reason)
        for name, cls in policy.detectors.items():
            if name in policy.inactive:
                continue
            detector = cls()
            detector.load(context)
            self._detectors.append(detector)
        # On-demand detectors run last, once every signal they could combine with is known.
        self._detectors.sort(key=lambda detector: detector.on_demand)
        self._policy_ref = PolicyRef(name=policy.name, version=policy.version, sha256=policy.sha256)

    @property
    def detectors(self) -> tuple[Detector, ...]:
        """The loaded detectors in run order (on-demand ones last), for inspection."""
        return tuple(self._detectors)

    @classmethod
    def default(cls, **options: Any) -> Engine:
        """An engine on the shipped default policy."""
        return cls.from_policy(default_policy_path(), **options)

    @classmethod
    def from_policy(cls, path: str | Path, **options: Any) -> Engine:
        """An engine on the policy file at `path` (raises `PolicyError` if it is invalid)."""
        return cls(load_policy(path), **options)

    def check(
        self,
        prompt: str,
        mode: str = "generate",
        images: Iterable[ImageInput] = (),
        context: RequestContext | None = None,
    ) -> Decision:
        """Decide on one request; raises `RequestError` when the request itself is unusable."""
        started = time.perf_counter()
        request = self.build_request(prompt, mode, images, context)
        return self._decide(request, started)

    def check_request(self, request: Request) -> Decision:
        """Decide on an already-built request (the length limit is still enforced)."""
        started = time.perf_counter()
        self._check_length(request.prompt)
        return self._decide(request, started)

    def build_request(
        self,
        prompt: str,
        mode: str = "generate",
        images: Iterable[ImageInput] = (),
        context: RequestContext | None = None,
    ) -> Request:
        """Validate inputs into a `Request`, with one clear message for each problem."""
        if not isinstance(prompt, str):
            raise RequestError("prompt must be a string")
        if not prompt.strip():
            raise RequestError("prompt is empty")
        try:
            prompt.encode("utf-8")
        except UnicodeEncodeError as error:
            raise RequestError("prompt is not valid UTF-8 text") from error
        self._check_length(prompt)
        if mode not in MODES:
            raise RequestError(f"unknown mode '{mode}' (expected one of: {', '.join(MODES)})")
        data = tuple(_read_image(image) for image in images)
        for index, image in enumerate(data):
            check_image(image, index, self.max_image_pixels)
        try:
            return Request(
                prompt=prompt, mode=mode, images=data, context=context or RequestContext()
            )
        except ValidationError as error:
            raise RequestError(error.errors()[0]["msg"]) from error

    def _check_length(self, prompt: str) -> None:
        if len(prompt) > self.max_prompt_chars:
            raise RequestError(
                f"prompt is {len(prompt):,} characters; the limit is {self.max_prompt_chars:,}"
            )

    def _decide(self, request: Request, started: float) -> Decision:
        with span("depiction.check", mode=request.mode, images=len(request.images)) as current:
            decision = self._decided(request, started)
            if current is not None:
                current.set_attribute("depiction.action", decision.action)
                current.set_attribute("depiction.language", decision.language or "")
                current.set_attribute("depiction.decision_id", decision.decision_id)
            return decision

    def _decided(self, request: Request, started: float) -> Decision:
        text = self._normalizer.normalize(request.prompt)
        images = self._decoded(request)
        signals: list[Signal] = []
        failed: list[str] = []
        for detector in self._detectors:
            try:
                if not self._applies(detector, request.mode, text.language, signals):
                    continue
                found: list[Signal] = []
                with span(f"depiction.detector.{detector.name}"):
                    if isinstance(detector, ImageDetector):
                        if images:
                            found = detector.detect_images(request, text, images)
                    else:
                        found = detector.detect(request, text)
            except Exception:  # fail closed on any detector fault, and say which one
                logger.exception("detector %s failed", detector.name)
                failed.append(detector.name)
                continue
            undeclared = sorted({signal.kind for signal in found} - set(detector.signals))
            if undeclared:  # no rule can weigh them: as unjudged as a crash
                logger.error("detector %s emitted undeclared kinds %s", detector.name, undeclared)
                failed.append(detector.name)
                continue
            signals.extend(found)
        signals.sort(key=lambda s: (s.span[0] if s.span else -1, s.kind))
        if failed:
            return self._refusal(
                "system.detector_error",
                f"The request could not be fully checked ({', '.join(failed)} failed), "
                "so it is refused to be safe.",
                signals,
                started,
                text.language,
            )
        try:
            outcome = evaluate(self.policy, request.prompt, request.mode, text.language, signals)
        except DepictionError as error:
            logger.error("policy evaluation failed: %s", error)
            return self._refusal(
                "system.policy_error",
                "The policy could not be evaluated for this request, so it is refused to be safe.",
                signals,
                started,
                text.language,
            )
        return Decision(
            action=outcome.action,
            categories=sorted({hit.category for hit in outcome.hits}),
            rules=outcome.hits,
            revised_prompt=outcome.revised_prompt,
            signals=signals,
            policy=self._policy_ref,
            latency_ms=_elapsed_ms(started),
            language=text.language,
        )

    def _applies(self, detector: Detector, mode: str, lang: str, signals: list[Signal]) -> bool:
        """Whether `detector` runs: its modes, and for an on-demand one, whether it could matter
        (a fault in deciding that fails the check closed, like a fault of the detector)."""
        if mode not in detector.modes:
            return False
        return not detector.on_demand or self.policy.could_change(
            detector.name, signals, mode, lang
        )

    def _decoded(self, request: Request) -> tuple[DecodedImage, ...]:
        """Decode the input images once, for all image detectors (none when nobody looks)."""
        if not request.images or not any(isinstance(d, ImageDetector) for d in self._detectors):
            return ()
        return decode_images(request.images, self.max_image_pixels)

    def _refusal(
        self, rule_id: str, explanation: str, signals: list[Signal], started: float, language: str
    ) -> Decision:
        """A refusal because the check could not be completed (fail closed), explained in the
        user's language where the policy has a `system` sentence for it."""
        explanation = self.policy.explanations.template((SYSTEM_KEY,), language, explanation)
        return Decision(
            action="refuse",
            categories=["system"],
            rules=[
                RuleHit(id=rule_id, category="system", effect="refuse", explanation=explanation)
            ],
            revised_prompt=None,
            signals=signals,
            policy=self._policy_ref,
            latency_ms=_elapsed_ms(started),
            language=language,
        )


def _read_image(image: ImageInput) -> bytes:
    if isinstance(image, bytes):
        return image
    try:
        return Path(image).read_bytes()
    except OSError as error:
        raise RequestError(f"cannot read image {image}: {error.strerror or error}") from error


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
