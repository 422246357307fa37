"""`depiction serve`: the HTTP service under uvicorn."""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from depiction.cli.common import DatabaseOption, PolicyOption, reported_errors
from depiction.policy import default_policy_path, load_policy
from depiction.registry.database import open_database
from depiction.service.config import ServiceConfig
from depiction.service.metrics import MULTIPROCESS_DIR
from depiction.service.portal_languages import portal_languages


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    policy: PolicyOption = None,
    database_url: DatabaseOption = None,
    decision_log: Annotated[
        Path | None,
        typer.Option(
            envvar="DEPICTION_DECISION_LOG",
            help="JSONL decision log (rotated).",
            show_default=False,
        ),
    ] = None,
    log_prompts: Annotated[bool, typer.Option(help="Write prompts into the decision log.")] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            envvar="DEPICTION_CONFIG",
            help="YAML settings file (keys as in the README).",
            show_default=False,
        ),
    ] = None,
    create_db: Annotated[
        bool,
        typer.Option(
            "--create-db",
            help="Create the registry database if it does not exist (else a named one must).",
        ),
    ] = False,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Log every HTTP request to stdout.")
    ] = False,
) -> None:
    """Serve POST /v1/check, /healthz, /readyz, /metrics and the OpenAPI docs at /docs."""
    import uvicorn  # imported here: the other commands do not need the web stack

    settings = {
        "DEPICTION_POLICY": str(policy) if policy else None,
        "DEPICTION_DATABASE_URL": database_url,
        "DEPICTION_DECISION_LOG": str(decision_log) if decision_log else None,
        "DEPICTION_LOG_PROMPTS": "true" if log_prompts else None,
        "DEPICTION_CONFIG": str(config) if config else None,
    }
    os.environ.update({key: value for key, value in settings.items() if value})
    with reported_errors():  # bad settings, policy or database: one line here, not a worker crash
        configured = ServiceConfig.from_env()
        loaded = load_policy(configured.policy or default_policy_path())
        portal_languages()  # every language complete, checked once before any worker starts
        database = open_database(configured.database_url, create=create_db)
        registry = database.url.render_as_string(hide_password=True)
        database.dispose()
    if not configured.require_keys and not _loopback(host):
        typer.echo(
            f"WARNING: serving on {host}:{port} WITHOUT API KEYS: anyone who can reach this "
            "address can use /v1/check and the gateway (and the upstream's key). Set "
            "require_keys: true (DEPICTION_REQUIRE_KEYS=true) and create keys with "
            "`depiction keys create NAME --scope check --scope gateway`.",
            err=True,
        )
    keys = "API keys required" if configured.require_keys else "no API keys"
    typer.echo(
        f"depiction serving http://{host}:{port} · policy {loaded.name} {loaded.version} "
        f"({loaded.sha256[:12]}) · registry {registry} · {workers} worker(s) · {keys}",
        err=True,
    )
    with _own_metrics(workers):
        uvicorn.run(
            "depiction.service.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info" if access_log else "warning",
            access_log=access_log,
            # Forwarded client addresses and schemes only from the operator's proxies: uvicorn
            # would otherwise believe any client on 127.0.0.1.
            proxy_headers=bool(configured.trusted_proxies),
            forwarded_allow_ips=",".join(configured.trusted_proxies) or None,
        )


@contextmanager
def _own_metrics(workers: int) -> Iterator[None]:
    """With several workers, each keeps its metrics in files of one folder that `/metrics`
    sums (prometheus-client's multiprocess mode); otherwise a scrape shows one worker's.

    The folder is this service's own, new and removed when it stops: inside the folder
    `PROMETHEUS_MULTIPROC_DIR` names if it is set, never that folder itself. Two replicas on
    one host given the same variable would otherwise each report the sum of both, and files
    left by an earlier run would be counted again."""
    parent = os.environ.get(MULTIPROCESS_DIR)
    if workers == 1 and not parent:
        yield
        return
    if parent:
        os.makedirs(parent, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="depiction-metrics-", dir=parent)
    os.environ[MULTIPROCESS_DIR] = folder
    # uvicorn hands SIGTERM back to the previous handler once it has shut down; the default
    # one would end the process before the folder is removed.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if parent:
            os.environ[MULTIPROCESS_DIR] = parent
        else:
            del os.environ[MULTIPROCESS_DIR]
        shutil.rmtree(folder, ignore_errors=True)


def _exit_on_sigterm(number: int, _: FrameType | None) -> None:
    raise SystemExit(128 + number)  # the exit status of a process ended by the signal


def _loopback(host: str) -> bool:
    """Only this machine can connect (a host name other than localhost may resolve anywhere)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
