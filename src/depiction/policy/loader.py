"""Load a policy file: parse, validate, resolve detectors, compile conditions — or fail loudly.

Every error names the file, the line and, where there is one, the rule id, because an
operator editing YAML needs to know exactly where to look.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from itertools import combinations, product
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from depiction.decision import Effect, Signal, winning_effect
from depiction.detectors import Detector, available_detectors
from depiction.errors import DataError, PolicyError
from depiction.policy.conditions import ConditionEnvironment, ConditionError
from depiction.policy.explanations import Explanations, check_explanations
from depiction.policy.schema import PLACEHOLDER, RESERVED_NAMES, PolicyFile, Rule
from depiction.request import MODES


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its condition compiled."""

    rule: Rule
    condition: Any


@dataclass(frozen=True)
class Policy:
    """A validated, compiled policy, ready to evaluate."""

    name: str
    version: str
    sha256: str
    """Of the policy file and the shipped data its detectors decide with."""
    source: str
    description: str
    rules: tuple[CompiledRule, ...]
    detectors: dict[str, type[Detector]]
    environment: ConditionEnvironment
    params: Mapping[str, bool | int | float | str]
    inactive: dict[str, str]
    """Detectors that cannot run on this machine (name → reason, e.g. a missing extra)."""
    explanations: Explanations
    extensions: dict[str, tuple[Any, ...]]
    """Detector name → the operator's data files for it, parsed (`extend:`)."""

    def inactive_rules(self) -> dict[str, list[str]]:
        """Rules whose condition uses a signal only inactive detectors emit → those detectors.

        Such a rule still loads and still fires on its other signals; a conjunction with a
        missing signal never fires, which is why `policy explain` points these rules out. A
        kind that an active detector also emits (`optout_person` from names when faces
        cannot be checked) still arrives, so it does not mute the rule.
        """
        emitted = {
            kind
            for name, cls in self.detectors.items()
            if name not in self.inactive
            for kind in cls.signals
        }
        found: dict[str, list[str]] = {}
        for compiled, used in zip(self.rules, self._names, strict=True):
            names = used - emitted
            missing = [
                detector
                for detector in self.inactive
                if names & set(self.detectors[detector].signals)
            ]
            if missing:
                found[compiled.rule.id] = missing
        return found

    @cached_property
    def _names(self) -> tuple[frozenset[str], ...]:
        """The names each rule's condition uses, in rule order."""
        return tuple(frozenset(_NAME.findall(c.rule.when)) for c in self.rules)

    @cached_property
    def _could_change_memo(self) -> dict[tuple[Any, ...], bool]:
        return {}

    def could_change(self, detector: str, signals: list[Signal], mode: str, lang: str) -> bool:
        """`_could_change`, remembered per detector and request state (kinds present with their
        top scores, mode, language): requests repeat few states, and evaluating every rule
        twice for each on-demand detector was a third of an ordinary check's time."""
        top: dict[str, float] = {}
        for signal in signals:
            top[signal.kind] = max(signal.score, top.get(signal.kind, 0.0))
        key = (detector, mode, lang, tuple(sorted(top.items())))
        memo = self._could_change_memo
        found = memo.get(key)
        if found is None:
            found = self._could_change(detector, signals, mode, lang)
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[key] = found
        return found

    def _could_change(self, detector: str, signals: list[Signal], mode: str, lang: str) -> bool:
        """Whether the signals of `detector` could change the decision: its action, the
        categories it refuses for, or which revise rules apply.

        The rules are evaluated as things stand and, those naming the detector's kinds, again
        with all of them present at full score. A request already refused for every category
        the detector could add stays as it is, so an expensive detector is not run for it;
        one that could add a category (a sexual edit already refused as a real person's
        photo that might show a child) still runs it, since the category is what operators
        report on. This assumes no condition needs one of the detector's kinds present and
        another absent at once, which `load_policy` checks.
        """
        kinds = set(self.detectors[detector].signals)
        naming = [bool(kinds & names) for names in self._names]
        if not any(naming):
            return False
        assumed = [Signal(kind=kind, source=detector) for kind in sorted(kinds)]
        now = self.environment.activation(signals, mode, lang)
        most = self.environment.activation([*signals, *assumed], mode, lang)
        before = [c.condition.eval(now).value() is True for c in self.rules]
        after = [
            c.condition.eval(most).value() is True if names else value
            for c, names, value in zip(self.rules, naming, before, strict=True)
        ]
        action = _action(self.rules, before)
        if action != _action(self.rules, after):
            return True
        if action == "revise":
            return any(
                b != a and c.rule.effect == "revise"
                for c, b, a in zip(self.rules, before, after, strict=True)
            )
        return action == "refuse" and bool(
            _refused_for(self.rules, after) - _refused_for(self.rules, before)
        )


_MEMO_SIZE = 4096
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
"""Identifiers and quoted `score["kind"]` keys alike: both name signal kinds."""


def _refused_for(rules: tuple[CompiledRule, ...], matched: list[bool]) -> set[str]:
    """The categories of the matched refuse rules."""
    return {
        c.rule.category
        for c, hit in zip(rules, matched, strict=True)
        if hit and c.rule.effect == "refuse"
    }


def _action(rules: tuple[CompiledRule, ...], matched: list[bool]) -> Effect:
    """The winning effect of the matched rules."""
    return winning_effect(c.rule.effect for c, hit in zip(rules, matched, strict=True) if hit)


DECIDING_DATA = ("artists", "languages", "lexicons", "models", "people", "semantic")
"""The shipped data folders detectors decide with: term lists, gazetteers, artist data,
language data and model heads."""


@cache
def shipped_data_digest() -> bytes:
    """The digest of the package's own data (`data_digest`)."""
    return data_digest(Path(str(resources.files("depiction") / "data")))


def data_digest(root: Path) -> bytes:
    """A digest of every file in `DECIDING_DATA` under `root`, so that a policy's hash changes
    when a term list or a model head does, and a decision names exactly what decided it."""
    digest = hashlib.sha256()
    for folder in DECIDING_DATA:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def default_policy_path() -> Path:
    """The shipped default policy file."""
    return Path(str(resources.files("depiction") / "data" / "policies" / "default.yaml"))


def load_policy(path: str | Path) -> Policy:
    """Read and compile the policy at `path`; raises `PolicyError` with file and line."""
    path = Path(path)
    where = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PolicyError(f"{where}: cannot read policy file: {error.strerror or error}") from error
    try:
        text = raw.decode("utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError as error:
        raise PolicyError(f"{where}: policy file is not valid UTF-8 ({error.reason})") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise PolicyError(f"{where}{line}: not valid YAML: {problem}") from error
    if not isinstance(data, dict):
        raise PolicyError(f"{where}: a policy must be a YAML mapping with 'name', 'rules', ...")
    try:
        spec = PolicyFile.model_validate(data)
    except ValidationError as error:
        raise PolicyError(_describe_validation(where, root, data, error)) from error
    extensions, extension_bytes = _read_extensions(where, root, spec, path.parent)
    digest = hashlib.sha256(raw + shipped_data_digest() + extension_bytes).hexdigest()
    return _compile(where, root, spec, digest, extensions)


def _read_extensions(
    where: str, root: yaml.Node | None, spec: PolicyFile, folder: Path
) -> tuple[dict[str, tuple[Any, ...]], bytes]:
    """The `extend:` files, parsed by their detectors, and their names and bytes for the
    policy hash (so a decision names the operator's term lists too)."""
    table = available_detectors()
    parsed: dict[str, tuple[Any, ...]] = {}
    hashed = hashlib.sha256()
    for detector, files in spec.extend.items():
        if detector not in table:
            line = _line(root, ("extend", detector))
            raise PolicyError(f"{where}:{line}: extend: unknown detector '{detector}'")
        found = []
        for index, name in enumerate(files):
            path = folder / name
            line = _line(root, ("extend", detector, index))
            try:
                hashed.update(f"{detector}/{name}".encode() + b"\0" + path.read_bytes())
                found.append(table[detector].read_extension(path))
            except OSError as error:
                raise PolicyError(
                    f"{where}:{line}: extend {detector}: cannot read {path}: "
                    f"{error.strerror or error}"
                ) from error
            except DataError as error:
                raise PolicyError(f"{where}:{line}: extend {detector}: {error}") from error
        parsed[detector] = tuple(found)
    return parsed, hashed.digest() if spec.extend else b""


def _compile(
    where: str,
    root: yaml.Node | None,
    spec: PolicyFile,
    sha256: str,
    extensions: dict[str, tuple[Any, ...]],
) -> Policy:
    table = available_detectors()
    names = spec.detectors if spec.detectors is not None else _default_detectors(table, spec)
    for index, name in enumerate(names):
        if name not in table:
            line = _line(root, ("detectors", index))
            raise PolicyError(
                f"{where}:{line}: unknown detector '{name}' (available: {', '.join(sorted(table))})"
            )
    detectors = {name: table[name] for name in names}
    for name in spec.extend:
        if name not in detectors:
            line = _line(root, ("extend", name))
            raise PolicyError(f"{where}:{line}: extend: detector '{name}' is not enabled")
    for name, cls in table.items():  # every detector, so a setting is never silently ignored
        try:
            cls.check_params(spec.params)
        except ValueError as error:
            line = _line(root, ("params",))
            raise PolicyError(f"{where}:{line}: params for detector '{name}': {error}") from error
    kinds = {kind for cls in detectors.values() for kind in cls.signals}
    clash = kinds & RESERVED_NAMES
    if clash:
        raise PolicyError(f"{where}: signal kinds {sorted(clash)} clash with reserved names")
    environment = ConditionEnvironment(kinds, spec.params)
    compiled = []
    for index, rule in enumerate(spec.rules):
        line = _line(root, ("rules", index, "when"))
        try:
            condition = environment.compile(rule.when)
        except ConditionError as error:
            position = f" (condition line {error.row}, column {error.column})" if error.row else ""
            raise PolicyError(
                f"{where}:{line}: rule '{rule.id}': invalid condition{position}: {error}"
            ) from error
        _check_kinds_used(where, root, index, rule, kinds)
        compiled.append(CompiledRule(rule, condition))
        for name, cls in detectors.items():
            if cls.on_demand:
                _check_on_demand_kinds(where, root, index, compiled[-1], name, cls, environment)
    if problems := check_explanations(spec, kinds):
        loc, problem = problems[0]
        raise PolicyError(f"{where}:{_line(root, loc)}: {problem}")
    return Policy(
        name=spec.name,
        version=spec.version,
        sha256=sha256,
        source=where,
        description=spec.description,
        rules=tuple(compiled),
        detectors=detectors,
        environment=environment,
        params=dict(spec.params),
        inactive={name: reason for name, cls in detectors.items() if (reason := cls.unavailable())},
        explanations=Explanations(spec.explanations),
        extensions=extensions,
    )


def _default_detectors(table: Mapping[str, type[Detector]], spec: PolicyFile) -> list[str]:
    """Every detector, except on-demand ones whose signals no rule condition names."""
    named = {name for rule in spec.rules for name in _NAME.findall(rule.when)}
    return [name for name, cls in table.items() if not cls.on_demand or named & set(cls.signals)]


def _check_kinds_used(
    where: str, root: yaml.Node | None, index: int, rule: Rule, kinds: set[str]
) -> None:
    """Placeholders and rewrite targets must name kinds the enabled detectors can emit."""
    for name in PLACEHOLDER.findall(rule.explanation):
        if name not in kinds:
            line = _line(root, ("rules", index, "explanation"))
            raise PolicyError(
                f"{where}:{line}: rule '{rule.id}': explanation placeholder '{{{name}}}' "
                "is not a signal kind of the enabled detectors"
            )
    for name in rule.rewrite.remove if rule.rewrite else []:
        if name not in kinds:
            line = _line(root, ("rules", index, "rewrite"))
            raise PolicyError(
                f"{where}:{line}: rule '{rule.id}': rewrite removes unknown signal kind '{name}'"
            )


_MAX_CHECKED_KINDS = 16


def _check_on_demand_kinds(
    where: str,
    root: yaml.Node | None,
    index: int,
    compiled: CompiledRule,
    detector: str,
    cls: type[Detector],
    environment: ConditionEnvironment,
) -> None:
    """`Policy.could_change` decides whether to run an on-demand detector by assuming all of
    its kinds present at once. That misses a condition needing one of them present and
    another absent ("a && !b"), so such a condition is a load error. Checked exhaustively:
    the condition is evaluated for every combination of the kinds it names, in each mode and
    with each language it compares with (when it uses them)."""
    rule = compiled.rule
    named = set(_NAME.findall(rule.when))
    own = sorted(named & set(cls.signals))
    if len(own) < 2:
        return
    others = sorted(named & set(environment.kinds) - set(own))
    if len(own) + len(others) > _MAX_CHECKED_KINDS:
        raise PolicyError(
            f"{where}:{_line(root, ('rules', index, 'when'))}: rule '{rule.id}': names more "
            f"than {_MAX_CHECKED_KINDS} signal kinds, too many to check how it combines the "
            f"on-demand detector '{detector}''s kinds; split it"
        )
    modes = MODES if "mode" in named else MODES[:1]
    literals = re.findall(r"""["']([^"']*)["']""", rule.when) if "lang" in named else []
    for mode, lang, present in product(modes, ["", *literals], _subsets(others)):
        value = {
            frozenset(kinds): compiled.condition.eval(
                environment.activation(
                    [Signal(kind=k, source="policy check") for k in (*present, *kinds)], mode, lang
                )
            ).value()
            is True
            for kinds in _subsets(own)
        }
        steps = [(kinds, kind) for kinds in value for kind in own if kind not in kinds]
        needed = [k for kinds, k in steps if not value[kinds] and value[kinds | {k}]]
        unwanted = [k for kinds, k in steps if value[kinds] and not value[kinds | {k}]]
        if needed and unwanted:
            absent = next((k for k in unwanted if k != needed[0]), unwanted[0])
            raise PolicyError(
                f"{where}:{_line(root, ('rules', index, 'when'))}: rule '{rule.id}': needs "
                f"'{needed[0]}' present and '{absent}' absent at once, but the on-demand "
                f"detector '{detector}' runs only when all its signals together could change "
                "the decision, so this rule could be missed; split it into rules that each "
                "need its signals present, or absent"
            )


def _subsets(kinds: list[str]) -> list[tuple[str, ...]]:
    """Every subset of `kinds`, each in the order of `kinds`."""
    return [c for size in range(len(kinds) + 1) for c in combinations(kinds, size)]


def _describe_validation(
    where: str, root: yaml.Node | None, data: dict[str, Any], error: ValidationError
) -> str:
    first = error.errors()[0]
    loc = tuple(first["loc"])
    rule = ""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules") or []
        rule_data = rules[loc[1]] if loc[1] < len(rules) else None
        rule_id = rule_data.get("id") if isinstance(rule_data, dict) else None
        rule = f" rule '{rule_id}'," if rule_id else f" rule #{loc[1] + 1},"
    field = ".".join(str(part) for part in loc) or "policy"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}:{_line(root, loc)}:{rule} {field}: {first['msg']}{more}"


def _line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest node found along `loc` in the YAML node tree."""
    node = root
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node = child
        line = child.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                return value if isinstance(value, yaml.Node) else None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None
