"""Machine.complexity() and ferruler.pattern_complexity(): the size of the largest wildcard automaton."""

import pytest

import ferruler

SIMPLE = {"a": [{"wildcard": "x*y"}]}
COMPLEX = {"b": [{"wildcard": "ab*cd*ef*gh"}]}


def test_an_empty_machine_is_zero():
    assert ferruler.Machine().complexity() == 0


def test_wildcards_with_more_stars_are_more_complex():
    assert ferruler.pattern_complexity({"a": ["x"]}) <= ferruler.pattern_complexity(SIMPLE)
    assert ferruler.pattern_complexity(SIMPLE) < ferruler.pattern_complexity(COMPLEX)


def test_a_machine_is_its_most_complex_field():
    machine = ferruler.Machine()
    machine.add_rule("simple", SIMPLE)
    assert machine.complexity() == ferruler.pattern_complexity(SIMPLE)
    machine.add_rule("complex", COMPLEX)
    assert machine.complexity() == ferruler.pattern_complexity(COMPLEX)
    machine.delete_rules("complex")
    machine.add_rule("simple-again", SIMPLE)
    assert machine.complexity() >= ferruler.pattern_complexity(SIMPLE)


def test_invalid_or_too_complex_patterns_are_rejected():
    with pytest.raises(ferruler.InvalidPatternError):
        ferruler.pattern_complexity('{"a": [{"wildcard": 1}]}')
    with pytest.raises(ferruler.InvalidPatternError, match="complex"):
        ferruler.pattern_complexity(COMPLEX, limits=ferruler.Limits(max_wildcard_states=3))
