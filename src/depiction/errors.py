"""One exception hierarchy, so the CLI and HTTP layers can turn any failure into one clear line."""

from typing import Literal

PhotoProblem = Literal["unavailable", "unreadable", "no_face", "several_faces", "too_large"]


class DepictionError(Exception):
    """Base of every error depiction raises on purpose."""


class RequestError(DepictionError):
    """The request itself is unusable (empty prompt, too long, unknown mode, ...)."""


class ImageError(RequestError):
    """An input image is unusable (empty, not an image, broken, truncated, too large, animated)."""


class PolicyError(DepictionError):
    """A policy file cannot be read, parsed, validated or compiled."""


class DataError(DepictionError):
    """A shipped or operator-provided data file (lexicon, gazetteer) is malformed."""


class RegistryError(DepictionError):
    """A registry operation is invalid (unknown id, a name already registered, ...)."""


class PhotoError(RegistryError):
    """A photo cannot enrol a face. `problem` names why in one word, so that a page (the
    opt-out portal) can say it in the visitor's language; `faces` is how many were found."""

    def __init__(self, message: str, problem: PhotoProblem, faces: int = 0) -> None:
        super().__init__(message)
        self.problem: PhotoProblem = problem
        self.faces = faces


class RegistryUnavailable(DepictionError):
    """The registry database cannot be used: missing, not initialised, unreadable, replaced
    or unreachable. A fault of the deployment, never of a request: services answer 503."""
