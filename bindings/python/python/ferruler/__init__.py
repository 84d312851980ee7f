"""Ferruler: Amazon EventBridge event-pattern matching, compiled, in Rust.

Match JSON events against EventBridge event patterns with EventBridge's exact semantics (prefix,
suffix, wildcard, anything-but, numeric, cidr, exists, equals-ignore-case, $or, array-consistent
matching), many rules at once, in time that does not grow with the number of rules.

>>> import ferruler
>>> m = ferruler.Machine()
>>> m.add_rule("orders", {"source": ["com.shop"], "detail": {"total": [{"numeric": [">", 100]}]}})
>>> m.matches_for_event('{"source": "com.shop", "detail": {"total": 250}}')
['orders']
>>> ferruler.matches_rule({"region": "eu-west-1"}, {"region": [{"prefix": "eu-"}]})
True

Names:
    Machine: many named patterns, matched together; thread-safe, matches without the GIL.
    Limits: bounds on pattern and event size and complexity, given to Machine(limits=...).
    matches_rule: one event against one pattern (EventBridge's TestEventPattern).
    check_pattern: validate a pattern.
    InvalidPatternError, InvalidEventError: what bad input raises (both are ValueError).
"""

from ._errors import InvalidEventError, InvalidPatternError
from ._ferruler import Limits, Machine, __version__, check_pattern, matches_rule

__all__ = [
    "InvalidEventError",
    "InvalidPatternError",
    "Limits",
    "Machine",
    "__version__",
    "check_pattern",
    "matches_rule",
]
