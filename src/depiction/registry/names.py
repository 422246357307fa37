"""Name forms for the opt-out matcher: every way a registered name may be written in a prompt.

A registered name is folded like prompts are (case, accents, full-width, traditional
Chinese...) into a *key*. From a key come its *variants*: the two name orders ("Lei Jun" /
"Jun Lei"), the joined form ("leijun"), and for Chinese names their pinyin in both orders.
A lone given name is never a variant: "Keanu" alone does not block "Keanu Reeves" unless
it is registered as an alias of its own.
"""

from __future__ import annotations

import re
from functools import cache

from pypinyin import lazy_pinyin

from depiction.normalize import HAN_RUN, Normalizer, is_han

_HAN_WITH_SPACES = re.compile(f"(?:{HAN_RUN.pattern}| )+")

# Two-character Chinese family names, so 欧阳娜娜 reads "ouyang nana", not "ou yangnana".
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 南宫 西门 万俟".split()
)


def name_key(normalizer: Normalizer, name: str) -> str:
    """The folded form of a name: Latin tokens separated by one space, Han with no spaces."""
    key = normalizer.fold_term(name)
    if key and is_han(key[0]) and _HAN_WITH_SPACES.fullmatch(key):
        key = key.replace(" ", "")
    return key


def is_han_key(key: str) -> bool:
    """Chinese-script keys are matched as substrings; Latin keys as whole-token windows."""
    return bool(key) and is_han(key[0])


def forms(normalizer: Normalizer, name: str) -> list[str]:
    """The key of `name` first, then its other variants (see the module docstring)."""
    key = name_key(normalizer, name)
    if not key:
        return []
    others = _pinyin_variants(key) if is_han_key(key) else _order_variants(key.split())
    return [key, *sorted(others - {key})]


def _order_variants(tokens: list[str]) -> set[str]:
    forms = {" ".join(tokens)}
    if len(tokens) >= 2:
        forms.add(" ".join([tokens[-1], *tokens[:-1]]))
        forms.add(" ".join([*tokens[1:], tokens[0]]))
        if len(tokens) <= 3:
            forms.add("".join(tokens))
    return forms


# Family names read differently from the same character elsewhere (单 is dān, as a name shàn).
_SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "盖": "ge",
    "区": "ou", "乐": "yue", "翟": "zhai", "缪": "miao", "覃": "qin", "尉迟": "yuchi", "万俟": "moqi",
    "长孙": "zhangsun", "单于": "chanyu",
}  # fmt: skip


@cache
def _char_pinyin(char: str) -> str:
    """One character's most common reading; cached, since names reuse a few thousand characters."""
    return "".join(lazy_pinyin(char))


def _pinyin_variants(han: str) -> set[str]:
    """Family name first (Chinese order) and last (Western order), given name joined."""
    if not 2 <= len(han) <= 4:
        return set()
    split = 2 if han[:2] in _COMPOUND_SURNAMES and len(han) > 2 else 1
    family = _SURNAME_READINGS.get(han[:split]) or "".join(map(_char_pinyin, han[:split]))
    given = "".join(map(_char_pinyin, han[split:]))
    return {f"{family} {given}", f"{given} {family}", f"{family}{given}"}
