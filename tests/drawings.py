"""Drawings made at test time with Pillow: what the photo detector must not call photographs."""

import io

from PIL import Image, ImageDraw


def cartoon_person(width: int = 640, height: int = 640) -> Image.Image:
    """A flat-coloured cartoon of a woman with black outlines, on a plain background."""
    image = Image.new("RGB", (width, height), (120, 190, 230))
    pen = ImageDraw.Draw(image)
    cx, unit = width // 2, min(width, height) // 10
    outline = {"outline": (25, 25, 25), "width": max(2, unit // 12)}
    pen.rounded_rectangle(
        (cx - 2 * unit, 5 * unit, cx + 2 * unit, height), radius=unit, fill=(200, 60, 90), **outline
    )
    pen.pieslice((cx - 2 * unit, unit, cx + 2 * unit, 5 * unit), 180, 360, fill=(90, 50, 20))
    pen.ellipse(
        (cx - int(1.5 * unit), int(1.5 * unit), cx + int(1.5 * unit), 5 * unit),
        fill=(250, 205, 170),
        **outline,
    )
    for eye in (cx - unit // 2 - unit // 4, cx + unit // 2 - unit // 4):
        pen.ellipse((eye, 3 * unit, eye + unit // 2, 3 * unit + unit // 2), fill="white", **outline)
        pen.ellipse(
            (eye + unit // 8, 3 * unit + unit // 8, eye + unit // 3, 3 * unit + unit // 3),
            fill=(40, 90, 160),
        )
    pen.arc(
        (cx - unit // 2, 3 * unit + unit // 2, cx + unit // 2, 4 * unit + unit // 3),
        20,
        160,
        fill=(150, 30, 40),
        width=max(2, unit // 10),
    )
    return image


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    """`image` as file bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()
