"""The exceptions ferruler raises for bad patterns and events.

They are defined in Python rather than in the native module so that they behave like any other
exception class: readable attributes, a helpful ``str()``, and pickling that round-trips (their
``args`` hold every field, so ``copy``/``pickle``/``multiprocessing`` rebuild them unchanged).
"""

from __future__ import annotations

__all__ = ["InvalidEventError", "InvalidFilterError", "InvalidPatternError", "InvalidRecordError"]


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


class InvalidFilterError(InvalidPatternError):
    """A Lambda or Pipes filter was rejected, as the service would reject it.

    Raised by ``FilterCriteria(...)`` for a filter that is not a valid pattern, uses an operator
    the service does not support (e.g. ``wildcard``, or ``$or`` in Lambda), or filters on a field
    the event source does not allow, and for too many filters.

    Attributes (besides InvalidPatternError's ``message``, ``line``, ``column``, ``offset``, which
    refer to the text of that filter):
        filter: 0-based index of the offending filter, or None when the criteria as a whole are
            at fault (too many filters; then line and column are 1 and offset 0).
    """

    filter: int | None

    def __init__(self, message: str, line: int, column: int, offset: int, filter: int | None) -> None:
        ValueError.__init__(self, message, line, column, offset, filter)
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
        self.filter = filter

    def __str__(self) -> str:
        if self.filter is None:
            return self.message
        return f"filter {self.filter}: {self.message} at line {self.line}, column {self.column}"


class InvalidRecordError(InvalidEventError):
    """A record is not one of the event source's records (e.g. not base64 where it must be),
    or is not valid JSON.

    Attributes are InvalidEventError's: ``message`` and ``offset`` (0-based byte offset in the
    record's UTF-8 text, 0 when the record as a whole is at fault).
    """

    def __str__(self) -> str:
        return f"invalid record: {self.message} at byte {self.offset}"
