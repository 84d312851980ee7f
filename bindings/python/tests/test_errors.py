"""The exceptions: their classes, fields, text, and that a failed call changes nothing."""

from __future__ import annotations

import copy
import pickle

import pytest

import ferruler


def test_the_classes() -> None:
    assert issubclass(ferruler.InvalidPatternError, ValueError)
    assert issubclass(ferruler.InvalidEventError, ValueError)
    assert not issubclass(ferruler.InvalidPatternError, ferruler.InvalidEventError)
    assert ferruler.InvalidPatternError.__module__ == "ferruler._errors"


def test_pattern_error_fields_point_at_the_mistake() -> None:
    pattern = '{\n  "source": ["shop"],\n  "detail": {\n    "n": [{"numeric": [">", "ten"]}]\n  }\n}'
    with pytest.raises(ferruler.InvalidPatternError) as caught:
        ferruler.check_pattern(pattern)
    e = caught.value
    assert (e.line, e.column) == (4, 29)
    assert pattern.splitlines()[e.line - 1][e.column - 1 :].startswith('"ten"')
    assert pattern.encode()[e.offset :].startswith(b'"ten"')
    assert e.message == "Value of > must be numeric"
    assert str(e) == "Value of > must be numeric at line 4, column 29"
    assert e.args == (e.message, 4, 29, e.offset)


def test_pattern_error_columns_count_characters() -> None:
    with pytest.raises(ferruler.InvalidPatternError) as caught:
        ferruler.check_pattern('{"città": ["é"], "x": 5}')
    e = caught.value
    assert e.message == '"x" must be an object or an array'
    assert e.column == len('{"città": ["é"], "x": ') + 1
    assert e.offset == len('{"città": ["é"], "x": '.encode())


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ('{"source": "shop"}', '"source" must be an object or an array'),
        ('{"a": [{"wildcard": "a**b"}]}', "Consecutive wildcard characters at pos"),
        ('{"a": [{"prefix": 5}]}', "prefix match pattern must be a string"),
        ('{"a": ["x"', ""),
        ("{}", ""),
    ],
)
def test_invalid_patterns_are_rejected_everywhere(pattern: str, message: str) -> None:
    with pytest.raises(ferruler.InvalidPatternError) as checked:
        ferruler.check_pattern(pattern)
    assert message in checked.value.message
    m = ferruler.Machine()
    m.add_rule("kept", {"k": ["v"]})
    with pytest.raises(ferruler.InvalidPatternError) as added:
        m.add_rule("new", pattern)
    with pytest.raises(ferruler.InvalidPatternError) as added_to_existing:
        m.add_rule("kept", pattern)
    with pytest.raises(ferruler.InvalidPatternError) as deleted:
        m.delete_rule("kept", pattern)
    with pytest.raises(ferruler.InvalidPatternError) as deleted_unknown:
        m.delete_rule("unknown", pattern)
    with pytest.raises(ferruler.InvalidPatternError) as matched:
        ferruler.matches_rule('{"k": "v"}', pattern)
    errors = [added, added_to_existing, deleted, deleted_unknown, matched]
    assert all(e.value.args == checked.value.args for e in errors)
    # A rejected pattern leaves the machine as it was.
    assert m.rule_names() == ["kept"]
    assert "new" not in m
    assert m.stats() == {"names": 1, "patterns": 1, "sub_rules": 1, "paths": 1}
    assert m.matches_for_event('{"k": "v"}') == ["kept"]


@pytest.mark.parametrize(
    ("event", "message", "offset"),
    [
        (b'{"k": "v"', "", 9),
        (b'{"k": tru}', "", 6),
        (b"[]", "an event must be a JSON object", 0),
        (b"", "an event must be a JSON object", 0),
        (b'{"k": "v"} {}', "unexpected text after the end of the event", 11),
    ],
)
def test_event_error_fields(event: bytes, message: str, offset: int) -> None:
    m = ferruler.Machine()
    m.add_rule("r", {"k": ["v"]})
    with pytest.raises(ferruler.InvalidEventError) as caught:
        m.matches_for_event(event)
    e = caught.value
    assert message in e.message
    assert e.offset == offset
    assert str(e) == f"invalid event: {e.message} at byte {offset}"
    assert e.args == (e.message, offset)
    with pytest.raises(ferruler.InvalidEventError) as again:
        ferruler.matches_rule(event, {"k": ["v"]})
    assert again.value.args == e.args


def test_matches_rule_reports_the_pattern_first() -> None:
    with pytest.raises(ferruler.InvalidPatternError):
        ferruler.matches_rule(b"not json", b"not a pattern")


def test_errors_pickle_and_copy() -> None:
    with pytest.raises(ferruler.InvalidPatternError) as p:
        ferruler.check_pattern('{"a": 1}')
    with pytest.raises(ferruler.InvalidEventError) as e:
        ferruler.matches_rule("{", '{"a": [1]}')
    for error in (p.value, e.value):
        for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
            assert type(clone) is type(error)
            assert clone.args == error.args
            assert str(clone) == str(error)
            assert vars(clone) == vars(error)


def test_errors_can_be_raised_by_users() -> None:
    # Test doubles and wrappers raise them too.
    e = ferruler.InvalidPatternError("bad", 1, 2, 1)
    assert (e.message, e.line, e.column, e.offset) == ("bad", 1, 2, 1)
    assert str(ferruler.InvalidEventError("bad", 3)) == "invalid event: bad at byte 3"


def test_check_pattern_returns_none_for_valid_patterns() -> None:
    assert ferruler.check_pattern('{"a": [{"exists": true}]}') is None
