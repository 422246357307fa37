"""Single-core decision latency and throughput of the default policy.

    python benchmarks/bench_check.py [--prompts 10000]

Runs the dev set and N generated prompts of 10-80 words (English, Chinese and mixed, with
some sensitive words) through `Engine.check`, pinned to one CPU core, and prints p50/p99
latency and decisions per second: with the semantic detector (when the extra is installed),
without it, and the dev set a second time, when every embedding comes from the cache. Every
other run starts from an empty embedding cache (the learned and semantic detectors share it).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace

from depiction import Engine
from depiction.detectors.semantic import SemanticDetector, shared_embedder
from depiction.evaluation.dataset import load_cases
from one_core import pin_to_one_core

DEV_SET = "dev"
ORDINARY = "a portrait of an old fisherman at dawn soft light cinematic wide shot with mist over the harbour oil painting detailed texture warm colours city street at night neon rain reflections a cat sleeping on a windowsill children playing in a park birthday cake with candles mountain landscape golden hour dramatic clouds studio lighting 35mm film grain watercolor illustration of a fox in a forest isometric pixel art castle on a hill".split()
SENSITIVE = "nude naked blood gun shoot kill bomb passport teen girl child Obama Taylor Swift Nazi swastika dead gore arrested fake realistic photo news history museum satire".split()
CHINESE = "一只猫 在 城市 夜晚 霓虹 雨 油画 风格 女孩 历史 博物馆 新闻 照片 裸体 血 枪 孩子 习近平 电影海报".split()


def generated_prompts(count: int, seed: int = 42) -> list[str]:
    """Realistic-length prompts: mostly ordinary words, a few sensitive ones, some Chinese."""
    rng = random.Random(seed)
    prompts = []
    for _ in range(count):
        length = rng.randint(10, 80)
        words = [
            rng.choice(
                SENSITIVE if rng.random() < 0.05 else CHINESE if rng.random() < 0.15 else ORDINARY
            )
            for _ in range(length)
        ]
        prompts.append(" ".join(words))
    return prompts


def measure(engine: Engine, requests: list[tuple[str, str]]) -> dict[str, float]:
    """Latency percentiles and throughput; with the semantic extra, also how many checks
    computed an embedding (for the learned or the semantic detector) and the median of those
    checks alone."""
    embedder = shared_embedder() if SemanticDetector.unavailable() is None else None
    latencies, embedding = [], []
    started = time.perf_counter()
    for prompt, mode in requests:
        misses = embedder.misses if embedder else 0
        t0 = time.perf_counter()
        engine.check(prompt, mode=mode)
        latencies.append((time.perf_counter() - t0) * 1000)
        if embedder and embedder.misses > misses:
            embedding.append(latencies[-1])
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "n": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "per_s": len(latencies) / elapsed,
        "embedded": len(embedding),
        "embedded_p50_ms": statistics.median(embedding) if embedding else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=10_000)
    args = parser.parse_args()
    machine = pin_to_one_core()
    load_started = time.perf_counter()
    engine = Engine.default()
    print(machine)
    print(f"engine load: {(time.perf_counter() - load_started) * 1000:.0f} ms")
    lexical = Engine(replace(engine.policy, inactive={"semantic": "measured without"}))
    dev = [(c.prompt, c.mode) for c in load_cases(DEV_SET)]
    generated = [(p, "generate") for p in generated_prompts(args.prompts)]
    measure(lexical, dev[:50])  # warm caches, not the embedding cache
    measure(engine, [("make her outfit disappear", "edit")])  # first embedding maps the model
    print(
        f"{'set':<40}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}{'decisions/s':>13}"
        f"{'embedded':>10}{'their p50':>11}"
    )
    runs = [
        ("dev set, without semantic", lexical, dev),
        ("dev set, with semantic", engine, dev),
        ("dev set again, with semantic (cached)", engine, dev),
        ("generated 10-80 words, without semantic", lexical, generated),
        ("generated 10-80 words, with semantic", engine, generated),
    ]
    for name, checker, requests in runs:
        if "cached" not in name:
            shared_embedder().clear()
        row = measure(checker, requests)
        print(
            f"{name:<40}{row['n']:>7}{row['p50_ms']:>9.3f}{row['p99_ms']:>9.3f}{row['per_s']:>13,.0f}"
            f"{row['embedded']:>10}{row['embedded_p50_ms']:>11.1f}"
        )


if __name__ == "__main__":
    main()
