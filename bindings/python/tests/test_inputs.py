"""Every accepted input type, for patterns and events, in every call that takes them; and the
types and values that must be refused, with the exception each raises."""

from __future__ import annotations

import array
import collections
import json
from typing import Any, Callable

import pytest

import ferruler

PATTERN = '{"detail": {"city": ["Zürich"], "n": [{"numeric": [">", 10]}]}}'
EVENT = '{"detail": {"city": "Zürich", "n": 12}, "id": "e-1"}'
OTHER_EVENT = '{"detail": {"city": "Zürich", "n": 3}}'


class StrSub(str):
    pass


class BytesSub(bytes):
    pass


class DictSub(dict):  # type: ignore[type-arg]
    pass


def _sliced_memoryview(text: bytes) -> memoryview:
    """A view into the middle of a larger buffer: its data does not start the buffer."""
    return memoryview(bytearray(b"xx" + text + b"yy"))[2:-2]


def _strided_memoryview(text: bytes) -> memoryview:
    """A non-contiguous view: every other byte of a buffer holding the text interleaved."""
    interleaved = bytearray(len(text) * 2)
    interleaved[::2] = text
    return memoryview(interleaved)[::2]


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "str": lambda s: s,
    "str-subclass": StrSub,
    "bytes": lambda s: s.encode(),
    "bytes-subclass": lambda s: BytesSub(s.encode()),
    "bytearray": lambda s: bytearray(s.encode()),
    "memoryview": lambda s: memoryview(s.encode()),
    "memoryview-slice": lambda s: _sliced_memoryview(s.encode()),
    "memoryview-strided": lambda s: _strided_memoryview(s.encode()),
    "dict": json.loads,
    "dict-subclass": lambda s: DictSub(json.loads(s)),
    "ordered-dict": lambda s: json.loads(s, object_pairs_hook=collections.OrderedDict),
}


@pytest.mark.parametrize("kind", CONVERTERS)
def test_patterns_of_every_type(kind: str) -> None:
    convert = CONVERTERS[kind]
    ferruler.check_pattern(convert(PATTERN))
    m = ferruler.Machine()
    m.add_rule("r", convert(PATTERN))
    assert m.matches_for_event(EVENT) == ["r"]
    assert m.matches_for_event(OTHER_EVENT) == []
    # The same pattern in another form is the same pattern: adding it again changes nothing,
    # and it deletes the one added as text.
    m.add_rule("r", PATTERN)
    assert m.stats()["patterns"] == 1
    assert m.delete_rule("r", convert(PATTERN)) is True
    assert len(m) == 0


@pytest.mark.parametrize("kind", CONVERTERS)
def test_events_of_every_type(kind: str) -> None:
    convert = CONVERTERS[kind]
    m = ferruler.Machine()
    m.add_rule("r", PATTERN)
    assert m.matches_for_event(convert(EVENT)) == ["r"]
    assert m.matches_for_event(convert(OTHER_EVENT)) == []
    assert ferruler.matches_rule(convert(EVENT), PATTERN) is True
    assert ferruler.matches_rule(convert(OTHER_EVENT), convert(PATTERN)) is False


def test_number_spelling_is_kept_for_text_inputs() -> None:
    # The text is handed over as written: 3.5e1 stays 3.5e1 (it equals 35 numerically).
    m = ferruler.Machine()
    m.add_rule("exact", b'{"size": [{"numeric": ["=", 3.5e1]}]}')
    assert m.matches_for_event(b'{"size": 35}') == ["exact"]
    assert m.matches_for_event('{"size": 3.5e1}') == ["exact"]
    assert m.matches_for_event(b'{"size": 35.000001}') == []


def test_a_bytearray_is_read_as_it_was_when_called() -> None:
    event = bytearray(b'{"k": "yes"}')
    m = ferruler.Machine()
    m.add_rule("r", {"k": ["yes"]})
    assert m.matches_for_event(event) == ["r"]
    event[7:10] = b"no!"
    assert m.matches_for_event(event) == []
    event[7:10] = b"yes"
    assert m.matches_for_event(memoryview(event)) == ["r"]


def test_dicts_are_serialised_like_json_dumps() -> None:
    m = ferruler.Machine()
    m.add_rule("unicode", {"name": ["café ✓"]})
    m.add_rule("nested", {"a": {"b": {"c": [True]}}})
    m.add_rule("null", {"x": [None]})
    m.add_rule("big-int", {"n": [{"numeric": [">", 10**15]}]})
    assert m.matches_for_event({"name": "café ✓"}) == ["unicode"]
    assert m.matches_for_event({"a": {"b": {"c": True}}}) == ["nested"]
    assert m.matches_for_event({"x": None}) == ["null"]
    assert m.matches_for_event({"n": 10**15 + 1}) == ["big-int"]
    # Tuples serialise as arrays, as json.dumps writes them.
    assert m.matches_for_event({"a": {"b": {"c": (False, True)}}}) == ["nested"]


def _type_error_message(call: Callable[[], object]) -> str:
    with pytest.raises(TypeError) as e:
        call()
    return str(e.value)


@pytest.mark.parametrize("bad", [None, 42, 4.2, ["a"], ("a",), {"a"}, object(), array.array("b", b"{}")])
def test_unsupported_types_are_type_errors(bad: object) -> None:
    m = ferruler.Machine()
    m.add_rule("r", PATTERN)
    type_name = type(bad).__name__
    message = _type_error_message(lambda: m.matches_for_event(bad))  # type: ignore[arg-type]
    assert message == f"event must be str, bytes, bytearray, memoryview or dict, not {type_name}"
    message = _type_error_message(lambda: m.add_rule("s", bad))  # type: ignore[arg-type]
    assert message == f"pattern must be str, bytes, bytearray, memoryview or dict, not {type_name}"
    for call in (
        lambda: m.delete_rule("r", bad),
        lambda: ferruler.check_pattern(bad),
        lambda: ferruler.matches_rule(EVENT, bad),
        lambda: ferruler.matches_rule(bad, PATTERN),
    ):
        assert "must be str, bytes, bytearray, memoryview or dict" in _type_error_message(call)  # type: ignore[arg-type]
    assert m.rule_names() == ["r"]


def test_values_json_cannot_serialise_raise_its_type_error() -> None:
    m = ferruler.Machine()
    with pytest.raises(TypeError, match="not JSON serializable"):
        m.add_rule("r", {"a": [{1, 2}]})
    with pytest.raises(TypeError, match="not JSON serializable"):
        m.matches_for_event({"when": object()})
    assert len(m) == 0


def test_non_finite_floats_in_dicts_are_rejected_with_a_position() -> None:
    with pytest.raises(ferruler.InvalidPatternError) as p:
        ferruler.check_pattern({"n": [{"numeric": [">", float("inf")]}]})
    # The dict is written as {"n":[{"numeric":[">",Infinity]}]}; the position is Infinity's.
    assert (p.value.line, p.value.column) == (1, len('{"n":[{"numeric":[">",') + 1)
    with pytest.raises(ferruler.InvalidEventError) as e:
        ferruler.Machine().matches_for_event({"n": float("nan")})
    assert e.value.offset == len('{"n":')


def test_circular_dicts_raise_value_error() -> None:
    event: dict[str, Any] = {}
    event["self"] = event
    with pytest.raises(ValueError, match="Circular reference"):
        ferruler.Machine().matches_for_event(event)


def test_invalid_utf8_is_an_error_with_its_position() -> None:
    m = ferruler.Machine()
    m.add_rule("r", {"a": ["x"]})
    with pytest.raises(ferruler.InvalidEventError) as e:
        m.matches_for_event(b'{"a": "\xff"}')
    assert e.value.message == "string is not valid UTF-8"
    assert e.value.offset == 7
    with pytest.raises(ferruler.InvalidPatternError) as p:
        m.add_rule("s", b'{"a": ["\xc3"]}')
    assert p.value.message == "Pattern is not valid UTF-8"
    assert (p.value.line, p.value.column, p.value.offset) == (1, 9, 8)


def test_lone_surrogates_in_str_are_reported_like_invalid_utf8() -> None:
    m = ferruler.Machine()
    m.add_rule("r", {"a": ["x"]})
    with pytest.raises(ferruler.InvalidEventError) as e:
        m.matches_for_event('{"a": "\udc80"}')
    assert (e.value.message, e.value.offset) == ("string is not valid UTF-8", 7)
    with pytest.raises(ferruler.InvalidPatternError) as p:
        ferruler.check_pattern('{\n "a": ["é\ud800"]}')
    assert p.value.message == "Pattern is not valid UTF-8"
    assert p.value.line == 2
    with pytest.raises(ferruler.InvalidEventError):
        m.matches_for_event({"a": "\ud800"})
