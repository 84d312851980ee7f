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
    explain: why a pattern does or does not match an event (str() is the CLI's explain text).
    pattern_complexity: how complex a pattern is, in the unit of Machine.complexity().
    ferruler.testing: assert_matches / assert_no_match for tests, failing with the explanation.
    FilterCriteria: Lambda event-source and EventBridge Pipes filters (sqs, kinesis, dynamodb,
        kafka, mq), OR-ed, matched against the records those sources deliver.
    load_rules: the rules of a file, folder or template (CloudFormation, SAM, Serverless,
        Terraform), read as the ferruler CLI reads them, as Rule tuples.
    InvalidPatternError, InvalidEventError: what bad input raises (both are ValueError).
    InvalidFilterError, InvalidRecordError: their subclasses raised by FilterCriteria.
    InvalidRuleFileError: what load_rules raises, with the CLI's FILE:LINE:COLUMN message.
"""

from ._errors import InvalidEventError, InvalidFilterError, InvalidPatternError, InvalidRecordError
from ._explain import Alternative, Blocking, Condition, Conflict, Explanation, Value, explain
from ._rules import InvalidRuleFileError, Rule, load_rules
from ._ferruler import FilterCriteria, Limits, Machine, __version__, check_pattern, matches_rule, pattern_complexity

__all__ = [
    "Alternative",
    "Blocking",
    "Condition",
    "Conflict",
    "Explanation",
    "FilterCriteria",
    "InvalidEventError",
    "InvalidFilterError",
    "InvalidPatternError",
    "InvalidRecordError",
    "InvalidRuleFileError",
    "Limits",
    "Machine",
    "Rule",
    "__version__",
    "Value",
    "check_pattern",
    "explain",
    "load_rules",
    "matches_rule",
    "pattern_complexity",
]
