"""Input images are checked before any detector sees them: real images, within limits.

Only the header is decoded (Pillow reads the size lazily), so a decompression bomb is
rejected by its declared pixel count before any pixel is decompressed. Images are never
written anywhere; decisions and logs carry only a digest.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from depiction.errors import RequestError

DEFAULT_MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 × 5000; generators take far less


def check_image(data: bytes, index: int, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> None:
    """Raise `RequestError` unless `data` is a readable image of at most `max_pixels`."""
    where = f"image {index + 1}"
    if not data:
        raise RequestError(f"{where} is empty")
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
        raise RequestError(f"{where} is not a readable image ({type(error).__name__})") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise RequestError(f"{where} is broken or truncated ({error})") from error
    if width * height > max_pixels:
        raise RequestError(f"{where} is {width}×{height} pixels; the limit is {max_pixels:,}")
