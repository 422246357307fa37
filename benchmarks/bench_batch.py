"""Dataset throughput of `depiction batch`: local pool with 1 and 2 workers, Dask with 2.

    python benchmarks/bench_batch.py [--rows 2000] [--part-size 100]

Runs the real command on the same prompts (the development set repeated, in its languages and
modes) for each configuration and prints, for each: end-to-end rows/s (engine loading
included), steady rows/s (between the first and the last part written, loading excluded), the
peak resident memory of the driver and of the largest worker process, and whether every run
wrote the same decisions. Needs the dask extra (psutil comes with distributed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

DEV_CASES = Path(__file__).parents[1] / "src/depiction/data/benchmarks/dev_cases.jsonl"
CONFIGS = [("local", 1), ("local", 2), ("dask", 2)]
MIB = 1 << 20


@dataclass
class Sampler:
    """Peak RSS per process of a process tree, and when each part file first appeared."""

    root: psutil.Process
    parts: Path
    peaks: dict[int, int] = field(default_factory=dict)
    seen: dict[str, float] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in tree:
                try:
                    rss = process.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                self.peaks[process.pid] = max(self.peaks.get(process.pid, 0), rss)
            for part in self.parts.glob("part-*.jsonl"):
                self.seen.setdefault(part.name, time.monotonic())
            time.sleep(0.05)


def write_prompts(path: Path, rows: int) -> None:
    cases = [json.loads(line) for line in DEV_CASES.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as out:
        for n in range(rows):
            case = cases[n % len(cases)]
            row = {"id": f"{n}", "prompt": case["prompt"], "mode": case.get("mode", "generate")}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def measure(
    engine: str, workers: int, prompts: Path, rows: int, part_size: int
) -> dict[str, float]:
    output = prompts.with_name(f"{engine}-{workers}.jsonl")
    command = [sys.executable, "-m", "depiction", "batch", str(prompts), "-o", str(output)]
    command += ["--engine", engine, "--workers", str(workers), "--part-size", str(part_size)]
    started = time.monotonic()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(psutil.Process(process.pid), output.with_name(output.name + ".parts"))
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    _, stderr = process.communicate()
    elapsed = time.monotonic() - started
    sampler.stop.set()
    thread.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{engine} with {workers} workers failed:\n{stderr}")
    times = sorted(sampler.seen.values())
    steady = (len(times) - 1) * part_size / (times[-1] - times[0]) if len(times) > 2 else 0.0
    driver = sampler.peaks.get(process.pid, 0)
    others = [peak for pid, peak in sampler.peaks.items() if pid != process.pid]
    return {
        "seconds": elapsed,
        "end_to_end": rows / elapsed,
        "steady": steady,
        "driver_mib": driver / MIB,
        "worker_mib": max(others, default=0) / MIB,
        "processes": len(others),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--part-size", type=int, default=100)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, {args.rows} rows")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
        prompts = Path(folder) / "prompts.jsonl"
        write_prompts(prompts, args.rows)
        results = {}
        for engine, workers in CONFIGS:
            figures = measure(engine, workers, prompts, args.rows, args.part_size)
            results[(engine, workers)] = figures
            print(
                f"{engine:<6} {workers} worker(s): {figures['end_to_end']:6.1f} rows/s end to end "
                f"({figures['seconds']:.1f} s), {figures['steady']:6.1f} rows/s steady; peak RSS "
                f"driver {figures['driver_mib']:.0f} MiB, largest of "
                f"{figures['processes']:.0f} child processes {figures['worker_mib']:.0f} MiB"
            )
        outputs = {Path(folder, f"{e}-{w}.jsonl").read_bytes() for e, w in CONFIGS}
        print(f"same decisions in every run: {len(outputs) == 1}")
        base = results[("local", 1)]["steady"]
        for engine, workers in CONFIGS[1:]:
            if base:
                ratio = results[(engine, workers)]["steady"] / base
                print(
                    f"speed-up of {engine} with {workers} workers over 1 local worker: {ratio:.2f}x"
                )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
