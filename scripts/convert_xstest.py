"""Convert XSTest (shared/data/xstest) into depiction's dataset format.

    python scripts/convert_xstest.py ../shared/data/xstest/xstest.jsonl src/depiction/data/benchmarks/xstest.jsonl

XSTest (Röttger et al., NAACL 2024; CC BY 4.0) has 250 safe prompts that look unsafe and 200
contrasting unsafe ones, written for chat models. Its labels map directly: safe → allow,
unsafe → refuse; its prompt type becomes the category, prefixed "xstest." so reports keep
it apart from image-policy categories. Provenance fields are kept on every line.
"""

import json
import sys
from pathlib import Path


def convert(source: Path, target: Path) -> int:
    lines = []
    for raw in source.read_text(encoding="utf-8").splitlines():
        row = json.loads(raw)
        lines.append(
            json.dumps(
                {
                    "id": row["id"],
                    "prompt": row["prompt"],
                    "mode": "generate",
                    "expected": row["label"],
                    "category": f"xstest.{row['category']}",
                    "lang": "en",
                    "source": row["source"],
                    "licence": "CC-BY-4.0",
                    "note": row.get("note", ""),
                },
                ensure_ascii=False,
            )
        )
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


if __name__ == "__main__":
    print(convert(Path(sys.argv[1]), Path(sys.argv[2])), "cases")
