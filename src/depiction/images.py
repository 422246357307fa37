"""Input images are checked before any detector sees them: real images, within limits.

Only the header is read first (Pillow reads the size lazily), so a decompression bomb is
rejected by its declared pixel count before any pixel is decompressed. Images are decoded
once per check, in memory, for all image detectors. They are never written anywhere;
decisions and logs carry only a digest.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from depiction.errors import ImageError

DEFAULT_MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 × 5000; generators take far less
T = TypeVar("T")
WORKING_SIZE = 2048
"""Detectors never need more than this many pixels per side, so larger inputs are decoded
at a reduced scale (JPEG draft mode) and shrunk: decoding time stays bounded."""


@dataclass(frozen=True)
class DecodedImage:
    """One input image, upright (EXIF orientation applied), RGB, at most WORKING_SIZE a side."""

    index: int
    """0-based position in the request; messages and signals say `index + 1`."""
    sha256: str
    """Digest of the bytes as received: the only trace of an image that may be logged."""
    image: Image.Image
    original_size: tuple[int, int]
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def pixels(self) -> npt.NDArray[np.uint8]:
        """The RGB pixels as a (height, width, 3) array, made once per image: face detection,
        alignment and age all read them, and each copy of a 2048 px image costs milliseconds."""
        return self.derived("pixels", lambda image: np.asarray(image.image, dtype=np.uint8))

    def derived(self, key: str, compute: Callable[[DecodedImage], T]) -> T:
        """`compute(self)`, once: detectors share expensive results such as the faces found.

        A decoded image lives for one check and detectors run one after another, so a plain
        dict is enough; nothing is shared across requests.
        """
        if key not in self._derived:
            self._derived[key] = compute(self)
        value: T = self._derived[key]
        return value


def original_box(image: DecodedImage, box: tuple[float, float, float, float]) -> list[int]:
    """A working-image box (x0, y0, x1, y1) in the upright input image's own pixels, which is
    what a caller can draw on; the working image may have been shrunk."""
    scale = max(image.original_size) / max(image.image.size)
    return [round(value * scale) for value in box]


def check_image(data: bytes, index: int, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> None:
    """Raise `ImageError` unless `data` is a readable image of at most `max_pixels`."""
    where = f"image {index + 1}"
    if not data:
        raise ImageError(f"{where} is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                image.verify()  # structure and checksums, without decoding pixels
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise ImageError(f"{where} is not a readable image ({type(error).__name__})") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageError(f"{where} is broken or truncated ({error})") from error
    if width * height > max_pixels:
        raise ImageError(f"{where} is {width}×{height} pixels; the limit is {max_pixels:,}")


def declared_pixels(data: bytes) -> int:
    """Width × height as the image's header declares it, without decoding a pixel; 0 when the
    header is unreadable (`check_image` then says what is wrong with the image)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return 0
    return width * height


def decode_image(
    data: bytes, index: int = 0, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> DecodedImage:
    """Check and decode one image, or raise `ImageError` saying what is wrong with it."""
    check_image(data, index, max_pixels)
    where = f"image {index + 1}"
    try:
        with Image.open(io.BytesIO(data)) as opened:
            frames = getattr(opened, "n_frames", 1)
            if frames > 1:
                raise ImageError(f"{where} is animated ({frames} frames); send a still image")
            original_size = opened.size
            opened.draft("RGB", (WORKING_SIZE, WORKING_SIZE))
            upright = ImageOps.exif_transpose(opened)
            rgb = _to_rgb(upright)
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageError(f"{where} is broken or truncated ({error})") from error
    rgb.thumbnail((WORKING_SIZE, WORKING_SIZE))
    return DecodedImage(
        index=index,
        sha256=hashlib.sha256(data).hexdigest(),
        image=rgb,
        original_size=original_size,
    )


def _to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB from any mode. Alpha is dropped, not composited: detectors see the colour data
    under transparent pixels too, which an edit model may reveal. Deep grey images (16-bit
    PNG, 32-bit TIFF) are scaled down, since Pillow's own conversion clips them to white."""
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        scaled = np.asarray(image, dtype=np.float64) / 257.0
        return Image.fromarray(np.clip(scaled, 0, 255).astype(np.uint8), "L").convert("RGB")
    return image.convert("RGB")


def decode_images(
    images: Sequence[bytes], max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> tuple[DecodedImage, ...]:
    """Decode every input image, in order (the first bad one raises `ImageError`)."""
    return tuple(decode_image(data, index, max_pixels) for index, data in enumerate(images))
