"""The HTTP service (FastAPI): decisions over HTTP, health, metrics and decision logs."""
