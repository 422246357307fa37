"""One exception hierarchy, so the CLI and HTTP layers can turn any failure into one clear line."""


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
    """The registry database is unavailable, or a registry operation is invalid."""
