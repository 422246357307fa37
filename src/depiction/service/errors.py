"""The service's error type: a stable code and an HTTP status, rendered as JSON by the app."""


class ApiError(Exception):
    """`{"error": {"code", "message"}}` with `status`; codes are part of the API contract."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
