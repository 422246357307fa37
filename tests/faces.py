"""Face photos for the tests (public domain / CC0, see data/images/README.md) and the
edits an uploaded copy of a photo may have gone through."""

import io
from pathlib import Path

from PIL import Image

from depiction.vision import identity

from .conftest import needed

IMAGES = Path(__file__).parent / "data" / "images"
HOPPER = IMAGES / "grace_hopper.jpg"
COLLINS = IMAGES / "astronaut.jpg"
CAMERA = IMAGES / "camera.jpg"
CAT = IMAGES / "chelsea.jpg"


def need_face_models() -> None:
    """Skip (locally) or fail (in CI) a test module when the 'images' extra is missing."""
    if identity.unavailable():
        needed("face recognition", "pip install 'depiction[images]'")


def jpeg(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def group(*photos: Path) -> bytes:
    """The photos side by side in one JPEG: several people in one picture."""
    opened = [Image.open(photo).convert("RGB").resize((320, 360)) for photo in photos]
    canvas = Image.new("RGB", (320 * len(opened), 360), "white")
    for position, photo in enumerate(opened):
        canvas.paste(photo, (320 * position, 0))
    return jpeg(canvas)
