"""Input images: real ones pass; empty, broken, non-images and decompression bombs are refused
with a clear error before any detector runs."""

import pytest

from depiction import Engine, RequestError

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
