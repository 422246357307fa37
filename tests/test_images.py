"""Input images: real ones pass; empty, broken, non-images and decompression bombs are refused
with a clear error before any detector runs."""

import hashlib
import io

import pytest
from PIL import Image, ImageChops, ImageStat

from depiction import Engine, ImageError, RequestError
from depiction.decision import Signal
from depiction.detectors.base import ImageDetector
from depiction.images import WORKING_SIZE, DecodedImage, check_image, decode_image
from depiction.policy import default_policy_path, load_policy

from .conftest import png_bytes


def test_a_real_image_is_accepted(engine: Engine) -> None:
    assert engine.check("make her smile", mode="edit", images=[png_bytes()]).action == "allow"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "image 1 is empty"),
        (b"just some text", "image 1 is not a readable image"),
        (png_bytes()[:-30], "image 1 is broken or truncated"),
        (png_bytes(10_000, 5_000, "1"), "image 1 is 10000×5000 pixels; the limit is 40,000,000"),
    ],
)
def test_bad_images_are_refused_with_a_clear_error(
    engine: Engine, data: bytes, message: str
) -> None:
    with pytest.raises(RequestError, match=message):
        engine.check("make her smile", mode="edit", images=[data])


def test_the_second_image_is_named(engine: Engine) -> None:
    with pytest.raises(RequestError, match="image 2 is empty"):
        engine.check("blend these", mode="edit", images=[png_bytes(), b""])


def _encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def test_exif_orientation_is_applied() -> None:
    landscape = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    decoded = decode_image(_encoded(landscape, "JPEG", exif=exif))
    assert decoded.image.size == (20, 40)
    assert decoded.original_size == (40, 20)


def test_animated_images_are_refused_with_a_clear_error() -> None:
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue")]
    data = _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(RequestError, match="image 1 is animated \\(2 frames\\)"):
        decode_image(data)


def test_large_images_are_shrunk_for_detectors_and_digested_as_received() -> None:
    data = png_bytes(3000, 1500)
    decoded = decode_image(data, index=2)
    assert max(decoded.image.size) == WORKING_SIZE
    assert decoded.image.mode == "RGB"
    assert decoded.sha256 == hashlib.sha256(data).hexdigest()
    assert decoded.index == 2


def test_image_detectors_see_each_image_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, str]] = []

    class Recorder(ImageDetector):
        name = "recorder"
        signals = ("image_person",)

        def detect_image(self, image: DecodedImage) -> list[Signal]:
            seen.append((image.index, image.sha256))
            return [self.image_signal("image_person", image)]

    policy = load_policy(default_policy_path())
    monkeypatch.setitem(policy.detectors, "recorder", Recorder)
    engine = Engine(policy)
    first, second = png_bytes(8, 8), png_bytes(9, 9)
    decision = engine.check("make her smile", mode="edit", images=[first, second])
    assert seen == [(0, hashlib.sha256(first).hexdigest()), (1, hashlib.sha256(second).hexdigest())]
    assert ("image_person", "recorder") in {(s.kind, s.source) for s in decision.signals}
    seen.clear()
    engine.check("a cat", mode="generate")
    assert seen == []  # no images, no image detector call


def _noise(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """A photo-like image: every pixel different, so a bad conversion shows in the mean."""
    gradient = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (gradient, gradient.rotate(90), Image.effect_noise(size, 40)))


@pytest.mark.parametrize("mode", ["CMYK", "P", "RGBA", "LA", "L", "1"])
def test_every_colour_mode_is_decoded_to_rgb_with_the_same_picture(mode: str) -> None:
    source = _noise()
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    decoded = decode_image(_encoded(source.convert(mode), fmt))
    assert decoded.image.mode == "RGB" and decoded.image.size == source.size
    expected = source.convert(mode).convert("RGB")
    difference = ImageChops.difference(decoded.image, expected).convert("L")
    assert ImageStat.Stat(difference).mean[0] < 4  # same picture (JPEG rounding aside)


def test_alpha_is_dropped_so_what_hides_under_transparency_is_seen() -> None:
    hidden = Image.new("RGBA", (32, 32), (200, 30, 30, 0))  # fully transparent red
    assert decode_image(_encoded(hidden, "PNG")).image.getpixel((5, 5)) == (200, 30, 30)


def test_sixteen_bit_grey_is_scaled_not_clipped_to_white() -> None:
    deep = Image.new("I;16", (32, 32), 32_896)  # mid-grey in 16 bits
    (value, *_) = decode_image(_encoded(deep, "PNG")).image.getpixel((3, 3))
    assert value == 128


def test_pixel_data_cut_short_after_a_valid_header_is_a_clear_image_error() -> None:
    full = _encoded(_noise((400, 300)), "JPEG", quality=90)
    cut = full[: len(full) // 2]
    check_image(cut, 0)  # the header and markers look fine...
    with pytest.raises(ImageError, match="image 1 is broken or truncated"):
        decode_image(cut)  # ...but the pixels run out
