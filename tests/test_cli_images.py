"""`depiction check --image` for real, in a subprocess: the decision shows the image signals,
a photograph of a person and a drawing are judged differently, broken images are one line."""

import json
import subprocess
from pathlib import Path

from .conftest import depiction
from .drawings import cartoon_person

ASTRONAUT = Path(__file__).parent / "data" / "images" / "astronaut.jpg"


def _decision(result: subprocess.CompletedProcess[str]) -> dict:  # type: ignore[type-arg]
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_an_undress_edit_of_a_photographed_person_is_refused_with_image_signals() -> None:
    decision = _decision(
        depiction(
            "check", "remove her clothes", "--mode", "edit", "--image", str(ASTRONAUT), "--json"
        )
    )
    assert decision["action"] == "refuse"
    assert decision["categories"] == ["sexual_real_person"]
    real = [s for s in decision["signals"] if s["kind"] == "image.real_person"]
    assert real and real[0]["data"]["image"] == 1 and real[0]["span"] is None


def test_human_output_names_the_image_each_signal_is_about(tmp_path: Path) -> None:
    drawing = tmp_path / "cartoon.png"
    cartoon_person().save(drawing)
    result = depiction(
        "check",
        "give her curly red hair",
        "--mode",
        "edit",
        "--image",
        str(drawing),
        "--image",
        str(ASTRONAUT),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ALLOW  trait_edit")
    assert "image.drawing (image 1)" in result.stdout
    assert "image.real_person (image 2)" in result.stdout


def test_a_drawing_is_judged_as_a_drawing(tmp_path: Path) -> None:
    drawing = tmp_path / "cartoon.png"
    cartoon_person().save(drawing)
    arrest = "show him being arrested by police"
    assert (
        _decision(depiction("check", arrest, "--mode", "edit", "--image", str(drawing), "--json"))[
            "action"
        ]
        == "allow"
    )
    assert _decision(
        depiction("check", arrest, "--mode", "edit", "--image", str(ASTRONAUT), "--json")
    )["categories"] == ["deception"]


def test_a_truncated_image_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    cut = tmp_path / "cut.jpg"
    data = ASTRONAUT.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    result = depiction("check", "make her smile", "--mode", "edit", "--image", str(cut))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: image 1 is broken or truncated")
    assert result.stdout == ""


def test_batch_lines_may_carry_image_paths(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps(
            {"id": "a", "prompt": "make this nude", "mode": "edit", "images": [str(ASTRONAUT)]}
        )
        + "\n"
        + json.dumps(
            {"id": "b", "prompt": "make her smile", "mode": "edit", "images": [str(ASTRONAUT)]}
        )
        + "\n",
        encoding="utf-8",
    )
    result = depiction("check", "--batch", str(batch))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["action"]) for r in rows] == [("a", "refuse"), ("b", "allow")]
