"""Face opt-out: the labelled set, the similarity threshold, FAR/FRR and latency.

    python benchmarks/bench_optout_faces.py [--registry 1000]

The labelled set is built here from the licence-clear photos in `tests/data/images` (see the
README there): each person's photo is enrolled once, then every *variant* of it (crops,
resizes, mirror, JPEG/PNG/WebP re-encodes, small rotations, brightness, contrast, grey,
blur, the face pasted small into a larger scene, and combinations) must match that person
and no other (genuine and impostor comparisons), and *non-faces* (a cat, drawings, a
smiley, text, noise, flat colours) must match nobody. It prints the similarity
distributions, FAR/FRR over a threshold sweep, the same figures for raw pixels of the
aligned face (why an identity model is needed), and per-image latency of the detector with
a registry of N enrolled faces.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from depiction.images import DecodedImage, decode_image
from depiction.registry.faces import FaceIndex
from depiction.vision import identity
from depiction.vision.faces import find_faces
from one_core import pin_to_one_core

IMAGES = Path(__file__).resolve().parents[1] / "tests" / "data" / "images"
PEOPLE = {
    "collins": "astronaut.jpg",
    "hopper": "grace_hopper.jpg",
    "camera": "camera.jpg",
}
THRESHOLDS = [round(0.88 + 0.005 * step, 3) for step in range(17)]
Transform = Callable[[Image.Image], Image.Image]


def _encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _crop(left: float, top: float, right: float, bottom: float) -> Transform:
    def apply(image: Image.Image) -> Image.Image:
        w, h = image.size
        return image.crop((round(left * w), round(top * h), round(right * w), round(bottom * h)))

    return apply


def _scale(factor: float) -> Transform:
    def apply(image: Image.Image) -> Image.Image:
        w, h = image.size
        return image.resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.LANCZOS)

    return apply


def _in_scene(image: Image.Image) -> Image.Image:
    """The photo pasted at half size into a larger noisy 'scene' (a collage or screenshot)."""
    rng = np.random.default_rng(7)
    scene = Image.fromarray(rng.integers(60, 200, (900, 1200, 3), dtype=np.uint8)).filter(
        ImageFilter.GaussianBlur(6)
    )
    small = _scale(0.5)(image)
    scene.paste(small, (700, 300))
    return scene


VARIANTS: dict[str, Transform] = {
    "identity": lambda image: image,
    "mirror": ImageOps.mirror,
    "crop tight": _crop(0.15, 0.05, 0.85, 0.8),
    "crop loose": _crop(0.05, 0.0, 0.95, 0.95),
    "crop off-centre": _crop(0.0, 0.0, 0.75, 0.75),
    "resize 0.5": _scale(0.5),
    "resize 0.35": _scale(0.35),
    "resize 2.0": _scale(2.0),
    "rotate +5": lambda image: image.rotate(5, resample=Image.BICUBIC, expand=True),
    "rotate -10": lambda image: image.rotate(-10, resample=Image.BICUBIC, expand=True),
    "brighter 1.4": lambda image: ImageEnhance.Brightness(image).enhance(1.4),
    "darker 0.6": lambda image: ImageEnhance.Brightness(image).enhance(0.6),
    "contrast 0.6": lambda image: ImageEnhance.Contrast(image).enhance(0.6),
    "grey": lambda image: ImageOps.grayscale(image).convert("RGB"),
    "blur 1.5": lambda image: image.filter(ImageFilter.GaussianBlur(1.5)),
    "in a scene": _in_scene,
    "mirror + crop + resize 0.6": lambda image: _scale(0.6)(
        _crop(0.1, 0.0, 0.9, 0.9)(ImageOps.mirror(image))
    ),
    "rotate +8 + darker + mirror": lambda image: ImageOps.mirror(
        ImageEnhance.Brightness(image.rotate(8, resample=Image.BICUBIC)).enhance(0.7)
    ),
}
ENCODINGS: dict[str, Callable[[Image.Image], bytes]] = {
    "jpeg q90": lambda image: _encode(image, quality=90),
    "jpeg q30": lambda image: _encode(image, quality=30),
    "png": lambda image: _encode(image, "PNG"),
    "webp q50": lambda image: _encode(image, "WEBP", quality=50),
}


def variants(photo: Image.Image) -> Iterator[tuple[str, bytes]]:
    """Every transform in every encoding: what an uploaded copy of the photo may look like."""
    for name, transform in VARIANTS.items():
        changed = transform(photo)
        for encoding, encode in ENCODINGS.items():
            yield f"{name} / {encoding}", encode(changed)


def non_faces() -> Iterator[tuple[str, bytes]]:
    """Images with no human face: a cat photo, drawings (one a smiley face), text, noise."""
    yield "cat photo (CC0)", (IMAGES / "chelsea.jpg").read_bytes()
    yield "mirrored cat", _encode(ImageOps.mirror(Image.open(IMAGES / "chelsea.jpg")))
    smiley = Image.new("RGB", (400, 400), "white")
    pen = ImageDraw.Draw(smiley)
    pen.ellipse((50, 50, 350, 350), fill="gold", outline="black", width=6)
    pen.ellipse((130, 130, 170, 190), fill="black")
    pen.ellipse((230, 130, 270, 190), fill="black")
    pen.arc((120, 160, 280, 300), 20, 160, fill="black", width=8)
    yield "drawn smiley", _encode(smiley, "PNG")
    shapes = Image.new("RGB", (640, 480), "skyblue")
    pen = ImageDraw.Draw(shapes)
    pen.rectangle((40, 300, 600, 470), fill="forestgreen")
    pen.ellipse((450, 40, 560, 150), fill="yellow")
    pen.polygon([(100, 300), (200, 150), (300, 300)], fill="saddlebrown")
    yield "drawn landscape", _encode(shapes)
    text = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(text).text((20, 80), "a portrait of nobody in particular", fill="black")
    yield "text", _encode(text, "PNG")
    rng = np.random.default_rng(1)
    for index in range(5):
        noise = rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
        yield f"noise {index}", _encode(Image.fromarray(noise))
    for colour in ("black", "white", "grey"):
        yield f"flat {colour}", _encode(Image.new("RGB", (512, 512), colour))


def _faces(data: bytes) -> tuple[DecodedImage, tuple[identity.FaceEmbedding, ...]]:
    decoded = decode_image(data)
    return decoded, identity.embed_faces(decoded)


def _pixels(decoded: DecodedImage, face: identity.FaceEmbedding) -> np.ndarray:
    """Baseline: the grey pixels of the face box at 64×64, zero-mean, unit length."""
    box = tuple(round(v) for v in face.face.box)
    chip = decoded.image.crop(box).convert("L").resize((64, 64))
    values = np.asarray(chip, dtype=np.float32).ravel()
    values -= values.mean()
    return values / (np.linalg.norm(values) or 1.0)


def rates(genuine: list[float], impostor: list[float], threshold: float) -> tuple[float, float]:
    """(FAR, FRR) at `threshold`: impostors at or above it, genuine comparisons below it."""
    far = sum(s >= threshold for s in impostor) / max(1, len(impostor))
    frr = sum(s < threshold for s in genuine) / max(1, len(genuine))
    return far, frr


def _summary(label: str, values: list[float]) -> str:
    if not values:
        return f"{label:>9}: none"
    q = np.quantile(values, [0.0, 0.05, 0.5, 0.95, 1.0])
    return f"{label:>9}: n={len(values):4d}  min {q[0]:.3f}  p5 {q[1]:.3f}  median {q[2]:.3f}  p95 {q[3]:.3f}  max {q[4]:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=1000, help="enrolled faces for latency")
    args = parser.parse_args()
    if reason := identity.unavailable():
        raise SystemExit(reason)
    print(pin_to_one_core())  # latency on one core, as the other image benchmarks

    enrolled: dict[str, np.ndarray] = {}
    enrolled_pixels: dict[str, np.ndarray] = {}
    for person, file in PEOPLE.items():
        decoded, found = _faces((IMAGES / file).read_bytes())
        assert len(found) == 1, f"{file}: {len(found)} faces"
        enrolled[person] = found[0].vector
        enrolled_pixels[person] = _pixels(decoded, found[0])

    genuine: list[float] = []
    impostor: list[float] = []
    closest: dict[tuple[str, str], float] = {}
    pixel_genuine: list[float] = []
    pixel_impostor: list[float] = []
    missed: list[str] = []
    weakest: list[tuple[float, str]] = []
    for person, file in PEOPLE.items():
        photo = Image.open(IMAGES / file).convert("RGB")
        for name, data in variants(photo):
            decoded, found = _faces(data)
            if not found:
                missed.append(f"{person}: {name}")
                genuine.append(0.0)
                continue
            for other, vector in enrolled.items():
                best = max(range(len(found)), key=lambda i: float(found[i].vector @ vector))
                similarity = float(found[best].vector @ vector)
                pixel = float(_pixels(decoded, found[best]) @ enrolled_pixels[other])
                if other == person:
                    genuine.append(similarity)
                    pixel_genuine.append(pixel)
                    weakest.append((similarity, f"{person}: {name}"))
                else:
                    impostor.append(similarity)
                    pair = (person, other)
                    closest[pair] = max(closest.get(pair, 0.0), similarity)
                    pixel_impostor.append(pixel)

    non_face_hits: list[str] = []
    non_face_scores: list[float] = []
    non_face_count = 0
    for name, data in non_faces():
        non_face_count += 1
        _, found = _faces(data)
        for face in found:
            non_face_hits.append(name)
            non_face_scores.extend(float(face.vector @ v) for v in enrolled.values())

    print(f"\nlabelled set: {len(PEOPLE)} people, {len(VARIANTS) * len(ENCODINGS)} variants each "
          f"({len(genuine)} genuine, {len(impostor)} impostor comparisons), "
          f"{non_face_count} non-face images")  # fmt: skip
    print(f"variants where no face was found: {len(missed)} {missed}")
    print(f"non-face images with a face found: {len(non_face_hits)} {non_face_hits}")
    print("\ncosine similarity to the enrolled embedding (dlib ResNet, unit vectors):")
    print(_summary("genuine", genuine))
    print(_summary("impostor", impostor))
    print(_summary("non-face", non_face_scores))
    print(
        "closest impostor per pair:",
        ", ".join(f"{a} as {b} {s:.3f}" for (a, b), s in closest.items()),
    )
    print("weakest genuine:", ", ".join(f"{n} {s:.3f}" for s, n in sorted(weakest)[:4]))
    print("\nthreshold  FAR      FRR")
    for threshold in THRESHOLDS:
        far, frr = rates(genuine, impostor + non_face_scores, threshold)
        print(f"  {threshold:.3f}   {far:.4f}   {frr:.4f}")
    print("\nbaseline, raw pixels of the face box (cosine):")
    print(_summary("genuine", pixel_genuine))
    print(_summary("impostor", pixel_impostor))
    strictest = max(pixel_impostor) + 1e-6
    far, frr = rates(pixel_genuine, pixel_impostor, strictest)
    print(f"  at {strictest:.3f} (no impostor accepted): FRR {frr:.4f}")

    _latency(args.registry, enrolled)


def _latency(size: int, enrolled: dict[str, np.ndarray]) -> None:
    rng = np.random.default_rng(3)
    noise = rng.normal(size=(size, identity.DIMENSIONS)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    rows = [(1000 + i, vector.tobytes()) for i, vector in enumerate(noise)]
    rows += [(i, vector.tobytes()) for i, vector in enumerate(enrolled.values())]
    index = FaceIndex(rows)
    data = (IMAGES / "grace_hopper.jpg").read_bytes()
    photo = Image.open(IMAGES / "grace_hopper.jpg")
    group = Image.new("RGB", (960, 375), "white")
    for x in (0, 320, 640):
        group.paste(photo, (x, 0))
    group_data = _encode(group)
    random.seed(0)
    for label, payload in (("one face", data), ("three faces", group_data)):
        decode, detect, embed, match = [], [], [], []
        for _ in range(20):
            t0 = time.perf_counter()
            decoded = decode_image(payload)
            t1 = time.perf_counter()
            find_faces(decoded)
            t2 = time.perf_counter()
            found = identity.embed_faces(decoded)
            t3 = time.perf_counter()
            index.match([f.vector for f in found])
            t4 = time.perf_counter()
            for bucket, value in zip(
                (decode, detect, embed, match), (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True
            ):
                bucket.append(value * 1000)
        print(f"\nlatency, {label}, registry of {len(rows):,} faces (median of 20, ms): "
              f"decode {statistics.median(decode):.1f}, detect {statistics.median(detect):.1f}, "
              f"embed {statistics.median(embed):.1f}, match {statistics.median(match):.2f}; "
              f"load {os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
