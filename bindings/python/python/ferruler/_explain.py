"""``ferruler.explain``: why a pattern does or does not match an event, as Python objects.

The engine's explanation comes from the native module already written out as ``ferruler explain``
writes it: its text (which ``str()`` of the result returns, so that it reads exactly like the
CLI's) and its ``--json`` document, from which the dataclasses here are built. Event values are
the event's own JSON values (``json.loads`` of their text); matchers are in pattern syntax.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from ._ferruler import Limits, _explain

__all__ = ["Alternative", "Blocking", "Condition", "Conflict", "Explanation", "Value", "explain"]

_JSON = Union[str, bytes, bytearray, memoryview, "dict[str, Any]"]


@dataclass(frozen=True)
class Value:
    """A value of the event at a condition's path."""

    location: str
    """Where it is in the event, with array indexes: ``detail.items[1].sku``."""
    value: Any
    """The value (str, int, float, bool or None)."""
    accepted_by: list[str]
    """The condition's matchers that accept it, in pattern syntax; empty if none does."""


@dataclass(frozen=True)
class Condition:
    """One condition of an alternative, and the event's values at its path."""

    path: str
    """The field path, dotted: ``detail.state``."""
    matchers: list[str]
    """The matchers, in pattern syntax (any one must accept a value); empty for exists: false."""
    exists_false: bool
    """Whether the condition is ``{"exists": false}``."""
    holds: bool
    """Whether it holds on its own (before array consistency is considered)."""
    values: list[Value]
    """Every value at the path, in event order."""
    objects: int
    """How many objects sit at the path (objects never match)."""
    empty_arrays: int
    """How many empty arrays sit at the path."""
    chosen: Optional[int]
    """Index into ``values`` of the value the verdict used, if any."""


@dataclass(frozen=True)
class Conflict:
    """Two conditions whose accepted values lie only in different elements of one array."""

    first: str
    second: str
    array: str
    """Location of the array, e.g. ``detail.items``."""


@dataclass(frozen=True)
class Blocking:
    """An ``exists: false`` condition ruled out by a value that is there."""

    path: str
    location: str


@dataclass(frozen=True)
class Alternative:
    """One alternative of the pattern (one combination of its ``$or`` branches) and its verdict."""

    matched: bool
    reason: str
    """``"matched"``, ``"unsatisfied"`` (a condition has no accepted value),
    ``"array_conflict"`` (accepted values lie in different elements of an array) or
    ``"absent_violated"`` (an ``exists: false`` field is there)."""
    conditions: list[Condition]
    conflicts: list[Conflict] = field(default_factory=list)
    """For ``array_conflict``: the pairs of conditions kept apart, and the array."""
    blocking: list[Blocking] = field(default_factory=list)
    """For ``absent_violated``: the fields that must not exist but do."""


@dataclass(frozen=True)
class Explanation:
    """Why a pattern does or does not match an event; ``str()`` is the ``ferruler explain`` text."""

    matched: bool
    """Whether the pattern matches the event (some alternative matched)."""
    alternatives: list[Alternative]
    """One per ``$or`` combination of the pattern; one for a pattern without ``$or``."""
    text: str = field(repr=False)

    def __str__(self) -> str:
        return self.text


def explain(pattern: _JSON, event: _JSON, *, limits: Optional[Limits] = None) -> Explanation:
    """Why ``pattern`` does or does not match ``event``: every condition of every ``$or``
    alternative, the event's values at its path, which matchers accept them, and what decided.

    ``str()`` of the result is the text ``ferruler explain`` prints. Slower than matching (it
    walks the whole event); meant for one event at a time, as when a test fails.

    >>> why = explain({"detail": {"state": ["stopped"]}}, {"detail": {"state": "running"}})
    >>> why.matched, why.alternatives[0].conditions[0].values[0].value
    (False, 'running')

    Raises InvalidPatternError or InvalidEventError as matches_rule would (with ``limits``,
    default ``Limits()``).
    """
    text, document = _explain(pattern, event, limits=limits)
    parsed = json.loads(document)
    alternatives = [
        Alternative(
            matched=a["matched"],
            reason=a["reason"],
            conditions=[
                Condition(
                    path=c["path"],
                    matchers=c["matchers"],
                    exists_false=c["exists_false"],
                    holds=c["holds"],
                    values=[Value(**v) for v in c["values"]],
                    objects=c["objects"],
                    empty_arrays=c["empty_arrays"],
                    chosen=c["chosen"],
                )
                for c in a["conditions"]
            ],
            conflicts=[Conflict(**p) for p in a.get("conflicts", [])],
            blocking=[Blocking(**b) for b in a.get("blocking", [])],
        )
        for a in parsed["alternatives"]
    ]
    return Explanation(matched=parsed["matched"], alternatives=alternatives, text=text)
