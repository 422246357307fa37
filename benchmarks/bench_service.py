"""Load on the HTTP service over loopback: checks/s and latency with many concurrent clients.

    python benchmarks/bench_service.py [--workers 2] [--connections 64] [--seconds 30]

Starts `depiction serve` on a free loopback port, then drives `POST /v1/check` with wrk
(Debian package `wrk`; keep-alive connections) cycling through the dev set's prompts, and
prints throughput, latency percentiles and errors. Unpaced, every connection sends its next
request as soon as the last is answered (saturation); with `--rate R` the connections wait
between requests so that together they aim for R checks/s, like many users at a steady load. wrk shares the machine's
cores with the server. Loopback only; the run stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from depiction.evaluation.dataset import load_cases

LUA = """
local bodies = {}
for line in io.lines("%s") do bodies[#bodies + 1] = line end
local index = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  index = index %% #bodies + 1
  return wrk.format(nil, "/v1/check", nil, bodies[index])
end
%s
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%.3f %%.3f %%.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--rate", type=int, default=0,
        help="Total checks/s the clients aim for (each waits between requests); 0: as fast as possible.",
    )  # fmt: skip
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="depiction-load-"))
    bodies = folder / "bodies.jsonl"
    bodies.write_text(
        "".join(json.dumps({"prompt": c.prompt, "mode": c.mode}) + "\n" for c in load_cases("dev"))
    )
    script = folder / "check.lua"
    pacing = (
        f"delay = function() return {1000 * args.connections / args.rate:.3f} end"
        if args.rate
        else ""
    )
    script.write_text(LUA % (bodies, pacing))
    port = free_port()
    env = {**os.environ, "DEPICTION_DATABASE_URL": f"sqlite:///{folder / 'registry.db'}"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "depiction",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--create-db",
        ],
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        time.sleep(2)  # let every worker finish loading
        run = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "-s", str(script), base],
            capture_output=True, text=True, timeout=args.seconds + 60, check=True,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    found = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", run.stdout)
    if found is None:
        raise SystemExit(run.stdout + run.stderr)
    requests, errors, duration_us, p50, p99, worst = found.groups()
    seconds = float(duration_us) / 1e6
    paced = f"paced to {args.rate}/s" if args.rate else "unpaced"
    print(
        f"workers {args.workers}, {args.connections} connections, {paced}, {seconds:.0f} s, loopback"
    )
    print(f"checks/s      {int(requests) / seconds:,.0f}")
    print(f"latency p50   {float(p50):.2f} ms")
    print(f"latency p99   {float(p99):.2f} ms")
    print(f"latency max   {float(worst):.2f} ms")
    print(f"errors        {errors} of {int(requests):,}")


if __name__ == "__main__":
    main()
