"""ONNX Runtime sessions, created once per model and shared across threads.

One intra-op thread per session: the service scales with worker processes, and a check
that spread over every core would only slow the other requests down.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_sessions: dict[str, Any] = {}
_lock = threading.Lock()


def onnx_session(name: str, model: Callable[[], bytes | str]) -> Any:
    """The session for model `name`, loading `model()` (bytes or a file path) the first time."""
    with _lock:
        if name not in _sessions:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            _sessions[name] = onnxruntime.InferenceSession(
                model(), options, providers=["CPUExecutionProvider"]
            )
        return _sessions[name]
