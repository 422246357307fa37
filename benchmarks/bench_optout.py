"""The opt-out registry at scale: import, matcher build and load, memory, match latency.

    python benchmarks/bench_optout.py [--people 1000000] [--database-url URL]

Generates N synthetic people with realistic names from several cultures (English, Spanish,
Chinese in characters, Japanese, Indian, Arabic, Russian in Cyrillic), each with 1-3
aliases, writes them as the CSV that `depiction optout import` reads, imports them into a
fresh SQLite file (or the given database), then opens the matcher the way the engine does:
once with no cache file (a full build, then saved to one) and once from the cache file. It then
applies one added and one revoked person as a running engine would, and matches 10,000
prompts of realistic length, a tenth of them naming a registered person (some misspelt).
Times are wall-clock; CPU seconds (all processes) and the load average are printed too,
since the machine may be shared. The temporary folder is removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from depiction.normalize import NormalizedText, Normalizer
from depiction.registry.database import open_database
from depiction.registry.index_cache import open_index, refreshed, save
from depiction.registry.matcher import NameIndex
from depiction.registry.store import OptoutStore

T = TypeVar("T")

GIVEN = {
    "english": "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Olivia Emma Ava Sophia Noah Liam Mason Ethan Logan Lucas".split(),
    "spanish": "Alejandro Sofia Mateo Valentina Santiago Isabella Diego Camila Javier Lucia Carlos Elena Andres Paula Miguel Carmen".split(),
    "japanese": "Haruto Yui Sota Aoi Ren Hina Yuto Sakura Riku Mio Kaito Yuna Hiroshi Akiko Takeshi Naoko".split(),
    "indian": "Aarav Ananya Vihaan Diya Arjun Priya Rohan Isha Karan Neha Rahul Pooja Vikram Sneha Aditya Kavya".split(),
    "arabic": "Mohammed Fatima Ahmed Aisha Omar Mariam Ali Layla Hassan Noor Yusuf Zainab Khalid Salma Ibrahim Huda".split(),
    "russian": "Ivan Anastasia Dmitri Olga Sergei Natalia Alexei Tatiana Mikhail Elena Nikolai Irina Pavel Svetlana".split(),
}
SYLLABLES = {
    "english": (
        "har wil son ford ham ley ton wood brook stan mor ing ber well craft",
        "son ton ley ford er man",
    ),
    "spanish": ("gar mar rod fer nan her lo pez gon za ram ir tor res cas", "ez es ado ero ano"),
    "japanese": ("ta ka ha shi wa mo ri ya ma su zu ki to na ga", "moto mura shita kawa da no"),
    "indian": ("sha kap pat raj mal hot ver ban na ku mar chan dra", "ma ar el ani war"),
    "arabic": ("al ha mad kar zah ra sul man far uq nas ir kha", "i an awi oun ah"),
    "russian": ("iva pet smir kuz pop vol sok leb koz nov mor fed", "ov ev in sky enko"),
}
CYRILLIC = str.maketrans("abvgdezijklmnoprstufhc", "абвгдезийклмнопрстуфхц")
HAN_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
HAN_GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国志红燕云飞鑫宇浩然子轩梓涵一诺欣怡嘉琪思远晨曦雨桐俊熙"
FILLER = (
    "a portrait of at the beach in a red coat walking through a rainy city street at night "
    "cinematic lighting oil painting watercolor with a dog in the park sunset golden hour "
    "studio photo wearing a hat reading a book on stage giving a speech 4k detailed"
).split()


def surname(rng: random.Random, culture: str) -> str:
    stems, endings = (part.split() for part in SYLLABLES[culture])
    return (
        "".join(rng.choice(stems) for _ in range(rng.randint(1, 3))) + rng.choice(endings)
    ).capitalize()


def person(rng: random.Random) -> tuple[str, list[str]]:
    """A display name and 0-2 more aliases (so 1-3 names in all)."""
    roll = rng.random()
    if roll < 0.25:
        han = rng.choice(HAN_SURNAMES) + "".join(
            rng.choice(HAN_GIVEN) for _ in range(rng.randint(1, 2))
        )
        english = f"{rng.choice(GIVEN['english'])} {rng.choice(HAN_SURNAMES)}"  # an English name
        return han, [english][: rng.randint(0, 1)]
    culture = rng.choice(list(GIVEN))
    first, last = rng.choice(GIVEN[culture]), surname(rng, culture)
    aliases = [f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"]
    if culture == "russian":
        aliases.append(f"{first} {last}".lower().translate(CYRILLIC))
    return f"{first} {last}", aliases[: rng.randint(0, 2)]


def write_csv(path: Path, count: int, rng: random.Random) -> list[str]:
    """Write `count` unique people; return their display names."""
    normalizer = Normalizer()
    seen: set[str] = set()
    names: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "aliases", "note"])
        for _ in range(count * 20):
            if len(names) == count:
                break
            name, aliases = person(rng)
            key = normalizer.fold_term(name)
            if key in seen:
                continue
            seen.add(key)
            names.append(name)
            writer.writerow([name, "|".join(aliases), "synthetic"])
    if len(names) < count:
        raise SystemExit(f"only {len(names):,} distinct names could be generated")
    return names


def prompts(names: list[str], count: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(count):
        words = [rng.choice(FILLER) for _ in range(rng.randint(10, 60))]
        if rng.random() < 0.1:
            name = rng.choice(names)
            if rng.random() < 0.3 and len(name) > 10 and name.isascii():
                cut = rng.randrange(3, len(name))
                name = name[:cut] + name[cut + 1 :]  # a one-letter misspelling
            words.insert(rng.randrange(len(words)), name)
        out.append(" ".join(words))
    return out


def match_latencies(
    index: NameIndex, texts: list[NormalizedText]
) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds per prompt (on a busy machine the wall-clock p99 is
    the scheduler's time slice, not the matcher's), and how many prompts matched."""
    wall, cpu, hits = [], [], 0
    for text in texts:
        started, started_cpu = time.perf_counter(), time.thread_time()
        hits += bool(index.find(text.words))
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return sorted(wall), sorted(cpu), hits


def p99(latencies: list[float]) -> float:
    return latencies[int(len(latencies) * 0.99) - 1]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def cpu_seconds() -> float:
    """User + system time of this process and its finished children (the import's workers)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(step: Callable[[], T]) -> tuple[T, float, float, float]:
    """The result, wall seconds, CPU seconds, and resident growth in MiB."""
    gc.collect()
    rss, cpu, started = current_rss_mib(), cpu_seconds(), time.perf_counter()
    result = step()
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    gc.collect()
    return result, wall, cpu, current_rss_mib() - rss


def index_mib(index: NameIndex) -> float:
    """What the index itself keeps: its arrays and its misspelling-candidate names."""
    arrays = index.arrays()
    names = arrays.pop("fuzzy_names").tobytes().decode().split("\n")
    return (sum(a.nbytes for a in arrays.values()) + sum(map(sys.getsizeof, names))) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="depiction-bench-"))
    try:
        run(args.people, args.database_url or f"sqlite:///{folder / 'registry.db'}", folder, rng)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(people: int, url: str, folder: Path, rng: random.Random) -> None:
    csv_path = folder / "people.csv"
    names = write_csv(csv_path, people, rng)
    open_database(url, create=True).dispose()  # a new registry, made on purpose
    store = OptoutStore(url)
    cache = folder / "matcher.npz"
    print(f"load average before    {' / '.join(f'{x:.1f}' for x in os.getloadavg()):>12}")

    def import_all() -> int:
        with csv_path.open(encoding="utf-8", newline="") as handle:
            result = store.import_csv(handle, actor="bench")
        assert not result.errors, result.errors[:3]
        return result.added

    added, import_s, import_cpu, _ = timed(import_all)
    cold, build_s, build_cpu, build_mib = timed(lambda: open_index(store, None))
    _, save_s, _, _ = timed(lambda: save(cold, store, cache))
    warm, load_s, load_cpu, load_mib = timed(lambda: open_index(store, cache))
    assert warm.index.size == cold.index.size
    store.add("Benchmark Newcomer", actor="bench")
    store.revoke(1, actor="bench")
    changed, change_s, _, _ = timed(lambda: refreshed(warm, store, cache))

    normalizer = Normalizer()
    texts = [normalizer.normalize(p) for p in prompts(names, 10_000, rng)]
    latencies, cpu_latencies, hits = match_latencies(changed.index, texts)
    print(f"people imported        {added:>12,}")
    print(f"indexed forms          {cold.index.size:>12,}")
    print(f"import                 {import_s:>12.1f} s   ({import_cpu:.0f} CPU s, all processes)")
    print(f"matcher cold build     {build_s:>12.1f} s   ({build_cpu:.1f} CPU s; read, index)")
    print(f"  saving the cache     {save_s:>12.1f} s   ({cache.stat().st_size / 2**20:.0f} MiB)")
    print(
        f"matcher warm load      {load_s:>12.1f} s   ({load_cpu:.1f} CPU s; cache file + changes)"
    )
    print(f"one add + one revoke   {change_s * 1000:>12.0f} ms  (applied without a full build)")
    print(f"matcher memory         {index_mib(warm.index):>12,.0f} MiB (arrays and names kept)")
    print(
        f"  resident growth      {build_mib:>12,.0f} MiB after the cold build, {load_mib:,.0f} after the warm load"
    )
    print(f"process peak RSS       {rss_mib():>12,.0f} MiB (includes the import's working set)")
    print(f"match p50 / p99        {statistics.median(latencies):>6.3f} / {p99(latencies):.3f} ms")
    print(
        f"  in CPU time          {statistics.median(cpu_latencies):>6.3f} / {p99(cpu_latencies):.3f} ms"
    )
    print(f"prompts with a match   {hits:>12,} of {len(texts):,}")
    print(f"load average after     {' / '.join(f'{x:.1f}' for x in os.getloadavg()):>12}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
