"""Photograph or drawing? A small logistic model over image statistics, trained here.

No packaged model tells a photograph from a drawing, a rendering or a cartoon, so this one
reads what sets them apart in the pixels: cameras leave sensor noise and smooth, continuous
gradients in millions of colours; drawings and renderings have flat or noise-free regions,
few colours, and edges that are either sharp or absent. `features` measures that on a
256-pixel overview (colours, saturation) and a crop at full working resolution (noise,
gradients), and `data/models/photo_real.json` holds the weights fitted by
`scripts/train_photo_real.py` (its accuracy on held-out images is in that file and in the
README). NumPy and Pillow only, so it needs no extra.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from importlib import resources

import numpy as np
from PIL import Image

from depiction.errors import DataError
from depiction.images import DecodedImage

OVERVIEW_SIZE = 256
"""Longest side of the reduced copy the colour statistics read."""
DETAIL_SIZE = 384
"""Side of the full-resolution centre crop the noise and gradient statistics read."""
MIN_SIDE = 16
"""Narrower images are stretched first: a sliver has no texture to measure."""
CLIP = 4.0
"""Standardised features are clipped to ±CLIP, in training and in use."""
MAX_KURTOSIS = 1e4
"""A flat image has no defined kurtosis; it gets the largest value, like a drawing's."""

FEATURES = (
    "colours_log",
    "top_colours_share",
    "saturation_mean",
    "saturation_std",
    "vivid_share",
    "luminance_entropy",
    "flat_share",
    "near_flat_share",
    "gradient_mean_log",
    "strong_to_moderate_edges",
    "noise_log",
    "smooth_noise_log",
    "residual_kurtosis_log",
    "flat_blocks_share",
    "moderate_gradient_share",
    "edge_width",
    "block_colours_log",
)


@dataclass(frozen=True)
class PhotoModel:
    """Logistic regression over standardised features."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    """Probability from which an image counts as a photograph (chosen for high photo recall)."""

    def probabilities(self, values: np.ndarray) -> np.ndarray:
        """The probability that each row of `values` (from `features`) is a photograph.

        Standardised features are clipped to ±CLIP so that an image unlike any seen in
        training (a blank canvas) is not pushed to an extreme by one feature.
        """
        standard = np.clip((values - self.mean) / self.scale, -CLIP, CLIP)
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-(standard @ self.weights + self.bias)))
        return probabilities

    def probability(self, values: np.ndarray) -> float:
        """The probability that `values` (from `features`) describe a photograph."""
        return float(self.probabilities(values[np.newaxis])[0])


def features(image: Image.Image) -> np.ndarray:
    """The statistics the model reads, in the order of FEATURES (for an RGB image)."""
    if min(image.size) < MIN_SIDE:
        image = image.resize((max(MIN_SIDE, image.width), max(MIN_SIDE, image.height)))
    scale = min(1.0, OVERVIEW_SIZE / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    overview = np.asarray(
        image.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0), dtype=np.int32
    )
    width, height = image.size
    side = min(DETAIL_SIZE, width, height)
    left, top = (width - side) // 2, (height - side) // 2
    detail = image.crop((left, top, left + side, top + side)).convert("L")
    colours = _colour_statistics(overview)
    texture = _texture_statistics(np.asarray(detail, dtype=np.float32))
    return np.array(colours + texture + [np.log(_colours_per_block(overview))])


def _colour_statistics(rgb_image: np.ndarray) -> list[float]:
    """Colours used, share of the 8 commonest, saturation, vivid share, luminance entropy."""
    rgb = rgb_image.reshape(-1, 3)
    red, green, blue = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    packed = (red >> 3) << 10 | (green >> 3) << 5 | blue >> 3
    counts = np.bincount(packed, minlength=1 << 15)
    high = np.maximum(np.maximum(red, green), blue)
    low = np.minimum(np.minimum(red, green), blue)
    saturation = (high - low).astype(np.float32) / np.maximum(high, 1).astype(np.float32)
    luminance = (red * 299 + green * 587 + blue * 114) // 1000
    histogram = np.bincount(luminance >> 2, minlength=64) / len(luminance)
    present = histogram[histogram > 0]
    return [
        float(np.log(np.count_nonzero(counts) / len(packed) + 1e-4)),
        float(np.sort(counts)[-8:].sum() / len(packed)),
        float(saturation.mean()),
        float(saturation.std()),
        float(np.mean((saturation > 0.8) & (high > 128))),
        float(-np.sum(present * np.log2(present))),
    ]


def _texture_statistics(grey: np.ndarray) -> list[float]:
    """Flatness, gradients, edge sharpness and sensor-like noise, at full resolution."""
    gradient = np.abs(np.diff(grey, axis=1))[:-1, :] + np.abs(np.diff(grey, axis=0))[:, :-1]
    strong = np.count_nonzero(gradient > 60)
    moderate = np.count_nonzero((gradient > 6) & (gradient <= 60))
    neighbours = (grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:]) / 4
    residual = grey[1:-1, 1:-1] - neighbours
    magnitude = np.abs(residual)
    smooth = gradient[1:, 1:] < 12
    squared = residual * residual
    spread = squared.mean()
    kurtosis = (
        min(MAX_KURTOSIS, np.mean(squared * squared) / spread**2) if spread > 1e-6 else MAX_KURTOSIS
    )
    side = grey.shape[0] // 8 * 8
    tiles = (
        grey[:side, :side].reshape(side // 8, 8, side // 8, 8).transpose(0, 2, 1, 3).reshape(-1, 64)
    )
    tile_mean = tiles.mean(axis=1)
    flat_tile = (tiles.max(axis=1) - tiles.min(axis=1) <= 2) & (tile_mean > 8) & (tile_mean < 247)
    return [
        float(np.mean(gradient == 0)),
        float(np.mean(gradient < 3)),
        float(np.log1p(gradient.mean())),
        strong / (moderate + strong + 1),
        float(np.log(magnitude.mean() + 0.05)),
        float(np.log((magnitude[smooth].mean() if smooth.any() else 0.0) + 0.05)),
        float(np.log(kurtosis)),
        float(np.mean(flat_tile)) if tiles.size else 0.0,  # clipped skies and shadows are flat too
        moderate / gradient.size,
        float(np.log(np.mean(gradient > 6) / (np.mean(gradient > 60) + 1e-3) + 1e-3)),
    ]


def _colours_per_block(rgb: np.ndarray) -> float:
    """Distinct colours (4 bits a channel) per 8 × 8 block, on average: drawings reuse few."""
    rows, cols = rgb.shape[0] // 8 * 8, rgb.shape[1] // 8 * 8
    if not rows or not cols:
        return 1.0
    tiles = rgb[:rows, :cols] >> 4
    code = (tiles[..., 0] << 8 | tiles[..., 1] << 4 | tiles[..., 2]).reshape(
        rows // 8, 8, cols // 8, 8
    )
    blocks = np.sort(code.transpose(0, 2, 1, 3).reshape(-1, 64), axis=1)
    return float(np.mean(1 + np.count_nonzero(np.diff(blocks, axis=1), axis=1)))


def photo_probability(image: DecodedImage) -> float:
    """The probability that `image` is a photograph (computed once per decoded image)."""
    return image.derived(
        "photo_probability", lambda decoded: model().probability(features(decoded.image))
    )


def is_photo(image: DecodedImage) -> bool:
    """Whether `image` counts as a photograph under the model's threshold."""
    return photo_probability(image) >= model().threshold


_lock = threading.Lock()
_model: list[PhotoModel] = []


def model() -> PhotoModel:
    """The shipped model, read once."""
    with _lock:
        if not _model:
            path = resources.files("depiction") / "data" / "models" / "photo_real.json"
            data = json.loads(path.read_text(encoding="utf-8"))
            if tuple(data["features"]) != FEATURES:
                raise DataError(f"{path}: features differ from vision.photo.FEATURES; retrain")
            _model.append(
                PhotoModel(
                    mean=np.array(data["mean"]),
                    scale=np.array(data["scale"]),
                    weights=np.array(data["weights"]),
                    bias=float(data["bias"]),
                    threshold=float(data["threshold"]),
                )
            )
        return _model[0]
