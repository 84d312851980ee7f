"""Loading the shared conformance corpus with each pattern's and event's original JSON text.

The engine must be given the text as written (``3.5e1`` is not ``35.0``), and ``json.loads`` does
not keep it, so each line is cut into the spans of its top-level values by a small JSON scanner.
Every span is checked against ``json.loads`` of the whole line, so a scanner bug cannot pass
silently.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parents[3]
"""The repository root: tests/ -> python/ -> bindings/ -> repo."""


def ferruler_bin() -> Optional[str]:
    """The CLI to compare with: ``$FERRULER_BIN``, or the workspace's release or debug build, or
    ``None`` when none is built (the comparisons are then skipped)."""
    explicit = os.environ.get("FERRULER_BIN")
    if explicit:
        return explicit
    for profile in ("release", "debug"):
        path = REPO / "target" / profile / "ferruler"
        if path.is_file():
            return str(path)
    return None


def cases_path() -> Path:
    """``$FERRULER_CASES``, or ``shared/conformance/cases.jsonl`` beside the repository."""
    override = os.environ.get("FERRULER_CASES")
    return Path(override) if override else REPO.parent / "shared" / "conformance" / "cases.jsonl"


@dataclass(frozen=True)
class Case:
    """One line of the corpus."""

    name: str
    pattern: bytes
    """The pattern's original text: ``pattern_text`` when present, else the span of ``pattern``."""
    event: bytes
    """The span of ``event``, as written."""
    expect: str
    message: Optional[str]
    value: dict[str, Any]
    """The whole line, parsed."""

    @property
    def pattern_is_text(self) -> bool:
        """Whether the pattern came from ``pattern_text`` (it may be invalid JSON, or have duplicate keys)."""
        return "pattern_text" in self.value


def load_cases() -> list[Case]:
    """Every case of the corpus, in file order."""
    path = cases_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"conformance corpus not found at {path}; set FERRULER_CASES to its cases.jsonl"
        )
    cases = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if line:
                cases.append(_case(line, f"{path}:{number}"))
    return cases


def _case(line: str, where: str) -> Case:
    value = json.loads(line)
    spans = top_level_spans(line)
    for key, text in spans.items():
        if json.loads(text) != value[key]:
            raise AssertionError(f"{where}: span of {key!r} does not parse to its value: {text!r}")
    pattern = value["pattern_text"] if "pattern_text" in value else spans["pattern"]
    return Case(
        name=value["name"],
        pattern=pattern.encode("utf-8"),
        event=spans["event"].encode("utf-8"),
        expect=value["expect"],
        message=value.get("message"),
        value=value,
    )


def top_level_spans(text: str) -> dict[str, str]:
    """The text of each value of the JSON object ``text``, by key."""
    i = _skip_ws(text, 0)
    if text[i] != "{":
        raise ValueError("not a JSON object")
    spans = {}
    i = _skip_ws(text, i + 1)
    while text[i] != "}":
        key_end = _skip_value(text, i)
        key = json.loads(text[i:key_end])
        i = _skip_ws(text, key_end)
        if text[i] != ":":
            raise ValueError(f"expected ':' at {i}")
        start = _skip_ws(text, i + 1)
        end = _skip_value(text, start)
        spans[key] = text[start:end]
        i = _skip_ws(text, end)
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
    return spans


def _skip_ws(text: str, i: int) -> int:
    while text[i] in " \t\r\n":
        i += 1
    return i


def _skip_value(text: str, i: int) -> int:
    """The index just past the JSON value starting at ``i``."""
    if text[i] == '"':
        i += 1
        while text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        return i + 1
    if text[i] in "{[":
        depth = 0
        while True:
            c = text[i]
            if c == '"':
                i = _skip_value(text, i)
                continue
            if c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
    # A number, true, false or null: runs to the next delimiter.
    while i < len(text) and text[i] not in ",}] \t\r\n":
        i += 1
    return i
