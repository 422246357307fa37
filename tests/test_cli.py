"""The real `depiction` command, run as a subprocess: outputs, exit codes, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

from .conftest import DECISION_FIELDS, POLICIES, png_bytes

CLI = [sys.executable, "-m", "depiction"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, timeout=120)


def one_line_error(result: subprocess.CompletedProcess[bytes]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in lines[0]
    return lines[0]


def test_check_json_has_the_decision_contract() -> None:
    result = run("check", "Studio Ghibli style portrait of Elon Musk", "--json")
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert list(decision) == DECISION_FIELDS
    assert decision["action"] == "allow"
    assert list(decision["policy"]) == ["name", "version", "sha256"]
    assert any(s["kind"] == "real_person" for s in decision["signals"])


def test_check_human_output_explains_a_refusal() -> None:
    result = run("check", "nude photo of Taylor Swift")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.startswith("REFUSE  sexual_real_person")
    assert "Taylor Swift" in out
    assert "\x1b[" not in out  # no colour codes when stdout is not a terminal


def test_edit_mode_and_image_option(tmp_path: Path) -> None:
    image = tmp_path / "in.png"
    image.write_bytes(png_bytes())
    result = run("check", "remove her clothes", "--mode", "edit", "--image", str(image), "--json")
    assert json.loads(result.stdout)["action"] == "refuse"


def test_bad_inputs_give_one_line_errors(tmp_path: Path) -> None:
    assert "prompt is empty" in one_line_error(run("check", "   "))
    assert "the limit is 4,000" in one_line_error(run("check", "x" * 100_000))
    assert "unknown mode 'paint'" in one_line_error(run("check", "a cat", "--mode", "paint"))
    broken = tmp_path / "broken.png"
    broken.write_bytes(png_bytes()[:-30])
    assert "image 1 is broken or truncated" in one_line_error(
        run("check", "a cat", "--mode", "edit", "--image", str(broken))
    )
    assert "cannot read image" in one_line_error(
        run("check", "a cat", "--mode", "edit", "--image", str(tmp_path / "missing.png"))
    )
    assert "give either a PROMPT or --batch" in one_line_error(run("check"))
    broken = POLICIES / "bad_condition.yaml"
    assert "rule 'misspelt.kind'" in one_line_error(run("check", "a cat", "--policy", str(broken)))


def test_invalid_utf8_prompt_argument() -> None:
    result = subprocess.run(
        [*CLI, "check", b"caf\xff".decode("utf-8", "surrogateescape")],
        capture_output=True,
        timeout=120,
    )
    assert "not valid UTF-8" in one_line_error(result)


def test_batch_keeps_order_echoes_ids_and_reports_bad_lines(tmp_path: Path) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_bytes(
        b'{"id": "a", "prompt": "a cat on a sofa"}\n'
        b"not json\n"
        b'{"id": "c", "prompt": "remove her clothes", "mode": "edit"}\n'
        b'{"id": "d", "prompt": "caf\xff"}\n'
        b'{"id": "e", "prompt": ""}\n'
        b"\n"
        b'{"id": "f", "prompt": "nude photo of a 12 year old"}\n'
        + json.dumps({"id": "g", "prompt": "y" * 1_000_000}).encode()
        + b"\n"
    )
    result = run("check", "--batch", str(batch))
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "error: 4 of 8 lines could not be checked"
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r.get("id") for r in records] == ["a", None, "c", None, "e", "f", "g"]
    assert records[0]["action"] == "allow"
    assert records[1]["error"]["code"] == "invalid_json"
    assert records[2]["action"] == "refuse"
    assert records[3]["error"] == {"code": "invalid_utf8", "message": "line is not valid UTF-8"}
    assert records[4]["error"]["message"] == "prompt is empty"
    assert records[5]["action"] == "refuse"
    assert records[6]["error"]["message"] == "prompt is 1,000,000 characters; the limit is 4,000"


def test_batch_progress_bar_goes_to_stderr_only(tmp_path: Path) -> None:
    batch = tmp_path / "big.jsonl"
    batch.write_text(
        "".join(json.dumps({"id": i, "prompt": f"a cat number {i}"}) + "\n" for i in range(300))
    )
    result = run("check", "--batch", str(batch))
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == list(range(300))
    assert "checking" in result.stderr.decode()


def test_policy_validate_and_explain() -> None:
    ok = run("policy", "validate", str(POLICIES / "minimal.yaml"))
    assert ok.returncode == 0
    assert ok.stdout.decode().startswith("ok: minimal 1, 3 rules, sha256 ")
    assert "bad_effect.yaml:12" in one_line_error(
        run("policy", "validate", str(POLICIES / "bad_effect.yaml"))
    )
    explained = run("policy", "explain", str(POLICIES / "minimal.yaml")).stdout.decode()
    assert (
        explained.index("REFUSE (1)") < explained.index("REVISE (1)") < explained.index("ALLOW (1)")
    )
    assert "when: sexual && minor" in explained
