"""Type stubs for the native module ``ferruler._ferruler`` (import ``ferruler`` instead)."""

from collections.abc import Hashable, Iterable, Sequence
from types import GenericAlias
from typing import Any, Generic, TypedDict, Union, final

from typing_extensions import Self, TypeAlias, TypeVar

__all__ = ["FilterCriteria", "_ArrowMatcher", "Limits", "Machine", "__version__", "_explain", "_load_rules", "check_pattern", "matches_rule", "pattern_complexity"]

__version__: str

_JSON: TypeAlias = Union[str, bytes, bytearray, memoryview, dict[str, Any]]
"""JSON text, or a dict to be serialised with the json module."""

_N = TypeVar("_N", bound=Hashable, default=Hashable)

class _Stats(TypedDict):
    """What Machine.stats() returns."""

    names: int
    patterns: int
    sub_rules: int
    paths: int

@final
class Limits:
    """Bounds on what a Machine accepts; exceeding one raises InvalidPatternError or
    InvalidEventError naming the limit. Immutable, comparable, hashable.

    Every argument is keyword-only and optional: an omitted one (or None) keeps the engine's
    default. A value must be an int of at least 1: TypeError for another type (bool included),
    ValueError for a value out of range.
    """

    def __new__(
        cls,
        *,
        max_pattern_bytes: Union[int, None] = None,
        max_pattern_depth: Union[int, None] = None,
        max_values_per_field: Union[int, None] = None,
        max_complexity: Union[int, None] = None,
        max_or_combinations: Union[int, None] = None,
        max_event_bytes: Union[int, None] = None,
        max_event_depth: Union[int, None] = None,
    ) -> Self: ...
    @property
    def max_pattern_bytes(self) -> int:
        """Largest pattern text, in bytes (default 4096, EventBridge's PutRule limit)."""
    @property
    def max_pattern_depth(self) -> int:
        """Deepest nesting of objects and arrays in a pattern (default 64)."""
    @property
    def max_values_per_field(self) -> int:
        """Most values in one list of a pattern (default 1000)."""
    @property
    def max_complexity(self) -> int:
        """Highest wildcard complexity of a rule, EventBridge's measure (default 10, EventBridge's)."""
    @property
    def max_or_combinations(self) -> int:
        """Most rule combinations one pattern's $or may expand to (default 1000)."""
    @property
    def max_event_bytes(self) -> int:
        """Largest event, in bytes (default 64 MiB)."""
    @property
    def max_event_depth(self) -> int:
        """Deepest nesting of objects and arrays in an event (default 1024)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, int]]: ...

@final
class Machine(Generic[_N]):
    """A set of named EventBridge event patterns, compiled together, matched against JSON events.

    Rule names can be any hashable object; matches_for_event returns the objects that were added.
    Annotate the machine (``Machine[str]()``) to type them. Thread-safe: matching releases the
    GIL and runs in parallel with other matches; changes are exclusive. ``limits`` bounds the
    patterns and events it accepts (default: ``Limits()``).
    """

    def __new__(cls, *, limits: Union[Limits, None] = None) -> Self: ...
    def __class_getitem__(cls, item: Any) -> GenericAlias:
        """``Machine[str]`` and the like, usable at run time as in annotations."""
    def add_rule(self, name: _N, pattern: _JSON) -> None:
        """Adds `pattern` under the rule `name`. Raises InvalidPatternError if it is invalid."""
    def delete_rule(self, name: _N, pattern: _JSON) -> bool:
        """Deletes `pattern` (recognised by meaning) from the rule `name`; returns whether it was there."""
    def delete_rules(self, name: _N) -> int:
        """Deletes every pattern of the rule `name`; returns how many there were."""
    def matches_for_event(self, event: _JSON) -> list[_N]:
        """The names of the rules `event` matches, each once. Raises InvalidEventError on bad JSON."""
    def matches_for_events(self, events: Iterable[_JSON]) -> list[list[_N]]:
        """One list of matching names per event, the batch matched with the GIL released once."""
    def complexity(self) -> int:
        """Wildcard complexity of the most complex rule, EventBridge's measure (0 without wildcards).

        On each field, the most wildcard rule prefixes one value could be matching at once; a rule
        above ``Limits.max_complexity`` (10 by default) is refused ("Rule is too complex").
        """
    def check_pattern(self, pattern: _JSON) -> None:
        """Raises InvalidPatternError if add_rule would reject `pattern` (this machine's limits)."""
    @property
    def limits(self) -> Limits:
        """The limits this machine enforces."""
    def rule_names(self) -> list[_N]:
        """The names of all rules, in no particular order."""
    def stats(self) -> _Stats:
        """Counts: names, patterns, sub_rules ($or alternatives), paths."""
    def __len__(self) -> int:
        """The number of distinct rule names."""
    def __contains__(self, key: object, /) -> bool:
        """Whether a rule named `key` exists."""
    def _core_seconds_per_match(self, events: Sequence[_JSON], iterations: int) -> float:
        """Benchmark support, not API: the engine's own time per event, timed in Rust."""
    def _matches_for_event_gil(self, event: _JSON, release: bool) -> list[_N]:
        """Benchmark support, not API: matches_for_event with the GIL released or held."""

@final
class FilterCriteria:
    """The filter criteria of a Lambda event-source mapping or an EventBridge Pipe: several filter
    patterns, OR-ed, matched against the records the event source delivers.

    ``source`` is "sqs", "kinesis", "dynamodb", "kafka" (or "msk"), "mq", or "eventbridge" (the
    event matched as it is); "lambda:SOURCE" and "pipes:SOURCE" are accepted too. ``pipes=True``
    applies Pipes' rules (at most 5 filters, ``$or`` allowed) instead of Lambda's (at most 10).
    Raises ValueError for an unknown source, InvalidFilterError for a filter the service refuses.
    """

    def __new__(cls, filters: Iterable[_JSON], source: str, *, pipes: bool = False) -> Self: ...
    def matches(self, record: _JSON) -> bool:
        """Whether `record` passes: any filter matches the event it carries (True with no filters).
        Raises InvalidRecordError if it is not a record of the event source."""
    def matching_filters(self, record: _JSON) -> list[int]:
        """The indexes, ascending, of the filters that match `record`."""
    def event(self, record: _JSON) -> str:
        """The event `record` carries, as the JSON text the filters are matched against."""
    @property
    def source(self) -> str:
        """"sqs", "kinesis", "dynamodb", "kafka", "mq" or "eventbridge"."""
    @property
    def pipes(self) -> bool:
        """Whether Pipes' rules apply."""
    @property
    def service(self) -> str:
        """"Lambda", "Pipes" or "EventBridge"."""
    @property
    def max_filters(self) -> Union[int, None]:
        """The most filters the service allows (10 Lambda, 5 Pipes); None for EventBridge."""
    def __len__(self) -> int: ...

@final
class _ArrowMatcher:
    """Rule patterns compiled once, matched against Arrow columns of JSON events; private, for
    ferruler.spark."""

    def __new__(cls, patterns: list[_JSON]) -> Self: ...
    @property
    def rules(self) -> int: ...
    def match_column(
        self, schema: Any, array: Any
    ) -> tuple[
        Union[bytes, None], bytes, bytes, Union[bytes, None], Union[bytes, None], Union[bytes, None]
    ]:
        """Matches the Arrow array exported as (schema, array) PyCapsules; flat buffers back."""

def matches_rule(event: _JSON, pattern: _JSON) -> bool:
    """Whether `event` matches `pattern`, like EventBridge's TestEventPattern."""

def check_pattern(pattern: _JSON) -> None:
    """Raises InvalidPatternError if `pattern` is not a valid EventBridge event pattern."""

def pattern_complexity(pattern: _JSON, *, limits: Union[Limits, None] = None) -> int:
    """The wildcard complexity of one pattern, EventBridge's measure (as Machine.complexity()).

    Raises InvalidPatternError if the pattern is invalid under ``limits``, including a complexity
    above ``limits.max_complexity`` (10 by default): "Rule is too complex".
    """

def _explain(
    pattern: _JSON, event: _JSON, *, limits: Union[Limits, None] = None
) -> tuple[str, str]:
    """Native half of ferruler.explain: the explanation's text and its JSON document."""

def _load_rules(
    path: str, params: Union[dict[str, str], None] = None, skip_unresolved: bool = False
) -> list[tuple[str, str, str, list[str], str, int, int]]:
    """The rules of a file or folder as ``(name, pattern, dialect, filters, file, line, column)``;
    see ``ferruler.load_rules``."""
