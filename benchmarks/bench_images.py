"""Single-core latency of an edit check with one input image, and where the time goes.

    python benchmarks/bench_images.py [--runs 40]

Checks "make her look older" (edit mode) with one input image through `Engine.check`, pinned
to one CPU core (every ONNX session is single-threaded), for a photograph of a person and a
drawing at 512 × 512 and 1024 × 1024, and prints p50/p99 per image. Then times each stage on
freshly decoded images: decoding, face detection, the photo model's features, NudeNet, the
age network and the face identity embedding (which runs only while the opt-out registry holds
faces). The load average is printed too: the figures are only comparable between
runs on an idle machine.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

from depiction import Engine
from depiction.images import DecodedImage, decode_image
from depiction.vision import age, faces, identity, nudity, photo
from one_core import pin_to_one_core

PHOTO = Path(__file__).parents[1] / "tests" / "data" / "images" / "astronaut.jpg"
PROMPT = "make her look older"


def photograph(side: int) -> bytes:
    """The astronaut portrait as a JPEG of `side` × `side` (quality 90)."""
    buffer = io.BytesIO()
    Image.open(PHOTO).resize((side, side), Image.Resampling.LANCZOS).save(
        buffer, "JPEG", quality=90
    )
    return buffer.getvalue()


def drawing(side: int) -> bytes:
    """A flat-coloured drawing with outlines, as a PNG of `side` × `side`."""
    image = Image.new("RGB", (side, side), (120, 190, 230))
    pen = ImageDraw.Draw(image)
    for step in range(12):
        box = (
            step * side // 30,
            step * side // 24,
            side - step * side // 40,
            side - step * side // 28,
        )
        pen.ellipse(box, fill=(40 + step * 15, 90, 200 - step * 10), outline="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(len(ordered) * 0.99) - 1)]


def time_check(engine: Engine, data: bytes, runs: int) -> tuple[float, float]:
    engine.check(PROMPT, mode="edit", images=[data])  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        engine.check(PROMPT, mode="edit", images=[data])
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def time_stage(
    run: Callable[[bytes, DecodedImage], object], data: bytes, runs: int, *, after_faces: bool
) -> float:
    """Median time of `run` on a freshly decoded image (faces found first if it needs them)."""
    samples = []
    for _ in range(runs):
        decoded = decode_image(data)
        if after_faces:
            faces.find_faces(decoded)
        started = time.perf_counter()
        run(data, decoded)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    machine = pin_to_one_core()
    load_started = time.perf_counter()
    engine = Engine.default()
    print(machine)
    print(f"engine load: {(time.perf_counter() - load_started):.1f} s")
    inputs = {
        f"{kind} {side}x{side}": make(side)
        for side in (512, 1024)
        for kind, make in (("photograph", photograph), ("drawing", drawing))
    }
    first_started = time.perf_counter()
    engine.check(PROMPT, mode="edit", images=[inputs["photograph 512x512"]])
    print(
        f"first image check (loads the image models): {time.perf_counter() - first_started:.1f} s"
    )
    print(f"{'edit check, one image':<28}{'p50 ms':>9}{'p99 ms':>9}")
    for name, data in inputs.items():
        p50, p99 = time_check(engine, data, args.runs)
        print(f"{name:<28}{p50:>9.1f}{p99:>9.1f}")
    stages: list[tuple[str, Callable[[bytes, DecodedImage], object], bool]] = [
        ("decode", lambda data, _: decode_image(data), False),
        ("faces (RetinaFace, 640 px)", lambda _, image: faces.find_faces(image), False),
        ("photo model", lambda _, image: photo.photo_probability(image), False),
        ("nudity (NudeNet, 320 px)", lambda _, image: nudity.find_body_parts(image), False),
        ("age (1 face)", lambda _, image: age.estimate_ages(image), True),
        ("identity (1 face)", lambda _, image: identity.embed_faces(image), True),
    ]
    print(f"\n{'stage, p50 ms':<28}{'512 photo':>11}{'1024 photo':>11}")
    for name, run, after_faces in stages:
        small = time_stage(run, inputs["photograph 512x512"], args.runs, after_faces=after_faces)
        large = time_stage(run, inputs["photograph 1024x1024"], args.runs, after_faces=after_faces)
        print(f"{name:<28}{small:>11.1f}{large:>11.1f}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
