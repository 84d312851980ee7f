"""Machine.complexity() and ferruler.pattern_complexity(): EventBridge's "Rule is too complex" measure.

A rule's wildcard complexity is, on each field, the most wildcard rule prefixes one value could be
matching at once, the largest over its fields; above Limits.max_complexity (10, as EventBridge)
the rule is refused. The figures are the README's.
"""

import pytest

import ferruler


def stacks(n):
    """n `*:stack/NAME/*` wildcards on one field."""
    return {"resources": [{"wildcard": f"*:stack/name{i}/*"} for i in range(n)]}


JSON_FILES = {"key": [{"wildcard": "*/*/*/*/*.json"}]}  # 9
DEEPER_JSON_FILES = {"key": [{"wildcard": "*/*/*/*/*/*.json"}]}  # 11


def test_no_wildcards_and_an_empty_machine_are_zero():
    assert ferruler.Machine().complexity() == 0
    assert ferruler.pattern_complexity({"a": ["x"], "b": [{"prefix": "y"}]}) == 0


def test_eventbridge_figures():
    assert ferruler.pattern_complexity(stacks(3)) == 9
    assert ferruler.pattern_complexity(JSON_FILES) == 9


def test_above_max_complexity_is_too_complex():
    assert ferruler.Limits().max_complexity == 10
    for pattern in (stacks(4), DEEPER_JSON_FILES):
        with pytest.raises(ferruler.InvalidPatternError, match="Rule is too complex"):
            ferruler.pattern_complexity(pattern)
        with pytest.raises(ferruler.InvalidPatternError, match="Rule is too complex"):
            ferruler.Machine().add_rule("r", pattern)


def test_the_limit_moves_with_max_complexity():
    assert ferruler.pattern_complexity(stacks(4), limits=ferruler.Limits(max_complexity=12)) == 12
    assert ferruler.pattern_complexity(DEEPER_JSON_FILES, limits=ferruler.Limits(max_complexity=11)) == 11
    with pytest.raises(ferruler.InvalidPatternError, match="Rule is too complex"):
        ferruler.pattern_complexity(stacks(3), limits=ferruler.Limits(max_complexity=8))
    machine = ferruler.Machine(limits=ferruler.Limits(max_complexity=12))
    machine.add_rule("four stacks", stacks(4))
    assert machine.complexity() == 12


def test_a_machine_is_its_most_complex_rule_counted_per_rule():
    machine = ferruler.Machine()
    machine.add_rule("json", JSON_FILES)
    assert machine.complexity() == 9
    # Counted per rule, never over the machine: three more stacks rules on the same field load,
    # although four stacks in one rule would not.
    for i in range(3):
        machine.add_rule(f"stacks{i}", stacks(3))
    assert machine.complexity() == 9
    machine.add_rule("one", {"a": [{"wildcard": "x*y"}]})
    assert machine.complexity() == 9
    machine.delete_rules("json")
    for i in range(3):
        machine.delete_rules(f"stacks{i}")
    assert machine.complexity() == ferruler.pattern_complexity({"a": [{"wildcard": "x*y"}]})


def test_invalid_patterns_are_rejected():
    with pytest.raises(ferruler.InvalidPatternError):
        ferruler.pattern_complexity('{"a": [{"wildcard": 1}]}')
