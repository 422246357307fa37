"""CEL conditions: compiled once when the policy loads, evaluated per request.

Every signal kind the enabled detectors can emit is declared as a boolean variable
(``sexual``, ``context.history``), so a misspelt kind is a load error, not a rule that
silently never fires. ``score["kind"]`` gives the highest score, ``mode`` and ``lang`` the
request mode and detected language, ``params.X`` the policy's operator switches (each typed
from its value, so a misspelt switch is a load error too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cel_expr_python import cel

from depiction.decision import Signal
from depiction.errors import PolicyError

_CEL_ERROR = re.compile(r"<input>:(\d+):(\d+): ([^\n]*)")


class ConditionError(ValueError):
    """A condition does not compile; carries the position inside the condition text."""

    def __init__(self, message: str, row: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


class ConditionEnvironment:
    """The CEL environment for one set of signal kinds."""

    def __init__(
        self, kinds: Iterable[str], params: Mapping[str, bool | int | float | str]
    ) -> None:
        self.kinds = tuple(sorted(set(kinds)))
        variables = {kind: cel.Type.BOOL for kind in self.kinds}
        variables.update(
            score=cel.Type.Map(cel.Type.STRING, cel.Type.DOUBLE),
            mode=cel.Type.STRING,
            lang=cel.Type.STRING,
        )
        self._constants = {f"params.{name}": value for name, value in params.items()}
        variables.update({name: _cel_type(value) for name, value in self._constants.items()})
        self._env = cel.NewEnv(variables=variables)

    def compile(self, condition: str) -> Any:
        """Compile a boolean condition or raise `ConditionError` with its position."""
        try:
            expression = self._env.compile(condition)
        except RuntimeError as error:
            found = _CEL_ERROR.search(str(error))
            if found is None:
                raise ConditionError(str(error).splitlines()[0]) from error
            row, column, message = found.groups()
            message = message.replace(" (in container '')", "")
            raise ConditionError(message, int(row), int(column)) from error
        returned = expression.return_type().name()
        if returned != "BOOL":
            raise ConditionError(f"condition must be boolean, but it gives {returned}")
        return expression

    def activation(self, signals: Iterable[Signal], mode: str, lang: str) -> Any:
        """The variables one request binds: every kind present or absent, plus context.
        Raises `PolicyError` for a kind no detector declared (no variable stands for it)."""
        scores = dict.fromkeys(self.kinds, 0.0)
        present: set[str] = set()
        for signal in signals:
            if signal.kind not in scores:
                raise PolicyError(f"signal kind '{signal.kind}' is not declared by any detector")
            present.add(signal.kind)
            scores[signal.kind] = max(signal.score, scores[signal.kind])
        data: dict[str, Any] = {kind: kind in present for kind in self.kinds}
        data.update(self._constants, score=scores, mode=mode, lang=lang)
        return self._env.Activation(data)


def _cel_type(value: bool | int | float | str) -> Any:
    if isinstance(value, bool):
        return cel.Type.BOOL
    if isinstance(value, int):
        return cel.Type.INT
    if isinstance(value, float):
        return cel.Type.DOUBLE
    return cel.Type.STRING
