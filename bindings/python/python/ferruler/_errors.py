"""The exceptions ferruler raises for bad patterns and events.

They are defined in Python rather than in the native module so that they behave like any other
exception class: readable attributes, a helpful ``str()``, and pickling that round-trips (their
``args`` hold every field, so ``copy``/``pickle``/``multiprocessing`` rebuild them unchanged).
"""

from __future__ import annotations

__all__ = ["InvalidEventError", "InvalidPatternError"]


class InvalidPatternError(ValueError):
    """An event pattern was rejected, as EventBridge's PutRule would reject it.

    Attributes:
        message: EventBridge's (event-ruler's) reason, without the position, e.g.
            ``'"source" must be an object or an array'``.
        line: 1-based line of the offending token in the pattern's JSON text.
        column: 1-based column, in characters, of that token.
        offset: 0-based byte offset of that token in the UTF-8 pattern text.

    For a pattern given as a dict, positions refer to the JSON text the dict was serialised to
    (``json.dumps`` with compact separators and ``ensure_ascii=False``).
    """

    message: str
    line: int
    column: int
    offset: int

    def __init__(self, message: str, line: int, column: int, offset: int) -> None:
        super().__init__(message, line, column, offset)
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset

    def __str__(self) -> str:
        return f"{self.message} at line {self.line}, column {self.column}"


class InvalidEventError(ValueError):
    """An event could not be read: it is not valid JSON, not UTF-8, or too large or too deep.

    Attributes:
        message: the reason, without the position, e.g. ``'expected a value'``.
        offset: 0-based byte offset in the UTF-8 event text where reading stopped.
    """

    message: str
    offset: int

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return f"invalid event: {self.message} at byte {self.offset}"
