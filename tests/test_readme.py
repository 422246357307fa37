"""The README's examples, run for real: a newcomer copies them, so they must still be true.

Conventions (the README states them in short above its examples):

- A ```console block is a transcript. A `$ depiction …` line is run as the real CLI
  (`python -m depiction …` from the repository root, on a fresh SQLite registry per block, so a
  block's `optout add` reaches its later checks and nothing else); the lines after it, up to the
  next `$` line, are its output: stdout, then stderr when the command fails. A `$ curl …` line
  is sent to a real `depiction serve` on loopback (its URL's host and port replaced).
- Output is compared line by line, exactly, except that a line `…` stands for any number of
  lines left out, and hashes (`sha256 <hex>`), timings (`12.3 ms`) and timestamps are masked.
- Output that is JSON (a `--json` command, a curl) is compared as data, whatever its layout:
  every field shown must be there with the same value, except `latency_ms`, `decision_id` and
  `sha256`, which change with every run or every data change. Fields not shown are not checked.
- A ```python block of the README is run; each `print(...)` line ending in a `# comment` must
  print that comment, in order. A block naming http://127.0.0.1:8000 runs against the service.
- ```console blocks in docs/*.md follow the same rules and are checked too.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from depiction.policy.loader import load_policy
from depiction.service.config import ServiceConfig

from .conftest import created
from .service.conftest import running_service

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
MAX_README_LINES = 300
DOCUMENTED_URL = "http://127.0.0.1:8000"
VOLATILE_FIELDS = {"latency_ms", "decision_id", "sha256"}
SKIPPED = "…"
MASKS = [
    (re.compile(r"sha256 [0-9a-f]{6,}…?"), "sha256 <hash>"),
    (re.compile(r"\b\d+(?:\.\d+)? ms\b"), "<n> ms"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?"), "<time>"),
]


@dataclass(frozen=True)
class Example:
    """One `$ command` of a transcript and the output documented under it."""

    page: str
    line: int
    block: int
    command: str
    output: list[str]

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


@dataclass(frozen=True)
class Block:
    """A fenced block: its language, its first line number, its lines."""

    lang: str
    line: int
    lines: list[str]


def blocks(path: Path) -> list[Block]:
    found: list[Block] = []
    lang: str | None = None
    start = 0
    body: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            if lang is None:
                lang, start, body = line[3:].strip(), number, []
            else:
                found.append(Block(lang, start, body))
                lang = None
        elif lang is not None:
            body.append(line)
    return found


def transcripts(path: Path) -> list[Example]:
    """Every `$ …` line of the page's console blocks, with its documented output."""
    examples: list[Example] = []
    for index, block in enumerate(b for b in blocks(path) if b.lang == "console"):
        lines = iter(enumerate(block.lines, block.line + 1))
        current: tuple[int, str] | None = None
        output: list[str] = []
        for number, line in lines:
            if line.startswith("$ "):
                if current:
                    examples.append(Example(path.name, current[0], index, current[1], output))
                command = line[2:]
                while command.endswith("\\"):  # continued on the next line
                    command = command[:-1] + next(lines)[1]
                current, output = (number, command), []
            else:
                assert current, f"{path.name}:{number}: output before any `$` line"
                output.append(line)
        if current:
            examples.append(Example(path.name, current[0], index, current[1], output))
    return examples


def mask(line: str) -> str:
    for pattern, replacement in MASKS:
        line = pattern.sub(replacement, line)
    return line.rstrip()


def lines_match(documented: list[str], actual: list[str]) -> bool:
    """The actual lines, with `…` standing for any run of lines (possibly none)."""
    if not documented:
        return not actual
    head, rest = documented[0], documented[1:]
    if head.strip() == SKIPPED:
        return any(lines_match(rest, actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and mask(head) == mask(actual[0]) and lines_match(rest, actual[1:])


def same_data(documented: Any, actual: Any, where: str = "$") -> list[str]:
    """Where the documented JSON differs from the actual (fields not shown are not compared)."""
    if isinstance(documented, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r}"]
        problems = []
        for key, value in documented.items():
            if key in VOLATILE_FIELDS:
                continue
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += same_data(value, actual[key], f"{where}.{key}")
        return problems
    if isinstance(documented, list):
        if not isinstance(actual, list) or len(actual) != len(documented):
            return [f"{where}: expected {json.dumps(documented)}, got {json.dumps(actual)}"]
        problems = []
        for i, (doc, act) in enumerate(zip(documented, actual, strict=True)):
            problems += same_data(doc, act, f"{where}[{i}]")
        return problems
    return [] if documented == actual else [f"{where}: documented {documented!r}, got {actual!r}"]


def compare(example: Example, actual: str) -> None:
    documented = example.output
    if documented and documented[0].lstrip().startswith(("{", "[")):
        problems = same_data(json.loads("\n".join(documented)), json.loads(actual))
        assert not problems, f"{example.id}: `{example.command}` is stale:\n" + "\n".join(problems)
        return
    if not lines_match(documented, actual.splitlines()):
        pytest.fail(
            f"{example.id}: `{example.command}` is stale.\ndocumented:\n"
            + "\n".join(documented)
            + f"\nactual:\n{actual}",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real `depiction serve` on loopback for the README's HTTP examples."""
    with running_service(tmp_path_factory.mktemp("readme-service")) as base:
        yield base


@pytest.fixture(scope="module")
def registries() -> dict[tuple[str, int], str]:
    """A fresh registry per transcript block, made on first use (see `registry_for`)."""
    return {}


def registry_for(example: Example, registries: dict[tuple[str, int], str], root: Path) -> str:
    key = (example.page, example.block)
    if key not in registries:
        folder = tempfile.mkdtemp(prefix="readme-", dir=root)
        registries[key] = created(f"sqlite:///{folder}/registry.db")
    return registries[key]


def environment(database_url: str) -> dict[str, str]:
    env = {**os.environ, "DEPICTION_DATABASE_URL": database_url}
    for name in ("DEPICTION_POLICY", "DEPICTION_CONFIG", "DEPICTION_UPSTREAM_URL"):
        env.pop(name, None)
    return env


EXAMPLES = [e for page in [README, *DOCS] for e in transcripts(page)]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_transcript(
    example: Example,
    registries: dict[tuple[str, int], str],
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> None:
    argv = shlex.split(example.command)
    if argv[0] == "curl":
        base = request.getfixturevalue("service")
        compare(example, curl(argv, base))
        return
    assert argv[0] == "depiction", f"{example.id}: only depiction and curl commands are run"
    database = registry_for(example, registries, tmp_path_factory.getbasetemp())
    result = subprocess.run(
        [sys.executable, "-m", "depiction", *argv[1:]],
        cwd=ROOT,
        env=environment(database),
        capture_output=True,
        text=True,
        timeout=300,
    )
    actual = result.stdout
    if result.returncode != 0:
        assert any(line.startswith("error:") for line in example.output), (
            f"{example.id}: `{example.command}` failed (exit {result.returncode}):\n"
            + result.stderr
        )
        actual += result.stderr
    compare(example, actual)


def curl(argv: list[str], base: str) -> str:
    """Send what a documented `curl -s URL [-H 'K: V']... [-d BODY]` sends, to `base`."""
    url, headers, body = None, {}, None
    args = iter(argv[1:])
    for arg in args:
        if arg in ("-H", "--header"):
            name, _, value = next(args).partition(":")
            headers[name.strip()] = value.strip()
        elif arg in ("-d", "--data", "--data-raw"):
            body = next(args)
        elif arg.startswith("http"):
            url = arg
        else:
            assert arg == "-s", f"curl option {arg} is not understood by this test"
    assert url and url.startswith(DOCUMENTED_URL), url
    target = base + url[len(DOCUMENTED_URL) :]
    if body is None:
        return httpx.get(target, headers=headers, timeout=120).text
    return httpx.post(target, content=body.encode(), headers=headers, timeout=120).text


SNIPPETS = [b for b in blocks(README) if b.lang == "python"]


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"README.md:{b.line}" for b in SNIPPETS])
def test_python_snippet(snippet: Block, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    code = "\n".join(snippet.lines)
    if DOCUMENTED_URL in code:
        code = code.replace(DOCUMENTED_URL, request.getfixturevalue("service"))
    expected = [
        line.rsplit("# ", 1)[1].strip()
        for line in snippet.lines
        if line.lstrip().startswith("print(") and "# " in line
    ]
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment(created(f"sqlite:///{tmp_path}/registry.db")),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected, (
        f"README.md:{snippet.line}: the snippet's output is stale:\n{result.stdout}"
    )


def test_readme_is_short() -> None:
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines; at most {MAX_README_LINES}"


def test_readme_has_examples_of_every_kind() -> None:
    commands = [e.command for e in EXAMPLES if e.page == README.name]
    assert any(c.startswith("depiction check") and "--json" not in c for c in commands)
    assert any(c.startswith("depiction check") and "--json" in c for c in commands)
    assert any(c.startswith("curl") and "/v1/check" in c for c in commands)
    assert any("OpenAI(" in "\n".join(b.lines) for b in SNIPPETS)


def test_the_two_commands_are_what_ci_runs() -> None:
    """The README's test command installs what `.ci/run` installs and runs plain `pytest`."""
    shell = [b for b in blocks(README) if b.lang == "sh"]
    assert shell[0].lines == [
        "pip install -e '.[images,semantic]' && depiction check "
        '"Studio Ghibli style portrait of Elon Musk"'
    ]
    assert shell[1].lines == ["pip install -e '.[test]' && pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "python3 -m pip install -q -e '.[test]'" in ci
    assert "pytest" in ci


def test_documented_settings_are_real() -> None:
    """The sample settings file loads, and every DEPICTION_* name shown is read by the code."""
    sample = next(
        b for b in blocks(README) if b.lang == "yaml" and b.lines[0].startswith("policy:")
    )
    settings = yaml.safe_load("\n".join(sample.lines))
    assert set(settings) == set(ServiceConfig.model_fields)
    defaults = {
        name: field.get_default(call_default_factory=True)
        for name, field in ServiceConfig.model_fields.items()
    }
    assert ServiceConfig.model_validate(settings).model_dump() == defaults
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    for name in set(re.findall(r"DEPICTION_[A-Z_]+", README.read_text(encoding="utf-8"))):
        setting = name.removeprefix("DEPICTION_").lower()
        if setting in ServiceConfig.model_fields:  # read as DEPICTION_<KEY> (test_config.py)
            continue
        assert f'"{name}"' in source, f"{name} is documented but never read"


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for the page's headings."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_links_point_to_files_and_headings_in_the_repository() -> None:
    for page in [README, *DOCS]:
        text = page.read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)]*))?\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            linked = (page.parent / target) if target else page
            assert linked.exists(), f"{page.name} links to missing {target}"
            if anchor and linked.suffix == ".md":
                assert anchor in anchors(linked), f"{page.name} links to missing {target}#{anchor}"


def test_documented_policies_load(tmp_path: Path) -> None:
    """Policy files shown in the docs (YAML blocks starting with `name:`) are valid policies."""
    shown = [
        (page, block)
        for page in [README, *DOCS]
        for block in blocks(page)
        if block.lang == "yaml" and block.lines and block.lines[0].startswith("name:")
    ]
    assert shown
    for page, block in shown:
        path = tmp_path / f"{page.stem}-{block.line}.yaml"
        path.write_text("\n".join(block.lines), encoding="utf-8")
        load_policy(path)
