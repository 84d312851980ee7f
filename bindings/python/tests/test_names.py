"""Rule names as arbitrary hashable objects, and the Machine's container methods."""

from __future__ import annotations

import enum
import gc
import weakref
from typing import Any

import pytest

import ferruler

EVENT = '{"k": "v"}'
PATTERN = {"k": ["v"]}


class Handler:
    """A name with identity hashing, as a handler object would have."""

    def __init__(self, label: str) -> None:
        self.label = label


class Color(enum.Enum):
    RED = 1


class Key:
    """A name with value hashing: equal keys are one rule."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __hash__(self) -> int:
        return hash(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Key) and other.value == self.value


NAMES: list[Any] = [
    "orders",
    "",
    "ünïcode ✓",
    0,
    -(2**100),
    3.25,
    None,
    ("tuple", 1, ("nested",)),
    frozenset({"a", "b"}),
    b"bytes",
    Color.RED,
    Handler("h"),
    Key(7),
    Handler,
    print,
]


def test_names_come_back_as_the_same_objects() -> None:
    m = ferruler.Machine()
    for name in NAMES:
        m.add_rule(name, PATTERN)
    assert len(m) == len(NAMES)
    found = m.matches_for_event(EVENT)
    assert len(found) == len(NAMES)
    assert {id(name) for name in found} == {id(name) for name in NAMES}
    assert {id(name) for name in m.rule_names()} == {id(name) for name in NAMES}
    for name in NAMES:
        assert name in m


def test_equal_names_are_one_rule_and_keep_the_first_object() -> None:
    m = ferruler.Machine()
    first, second = Key(1), Key(1)
    m.add_rule(first, {"a": ["1"]})
    m.add_rule(second, {"b": ["2"]})
    assert len(m) == 1
    assert m.stats()["patterns"] == 2
    assert m.matches_for_event('{"b": "2"}')[0] is first
    # 1, 1.0 and True are equal in Python, so they name one rule, as dict keys do.
    m.add_rule(1, PATTERN)
    m.add_rule(True, {"c": ["3"]})
    assert 1.0 in m
    assert [type(n) for n in m.matches_for_event('{"c": "3"}')] == [int]
    assert m.delete_rules(1.0) == 2


def test_unhashable_names_are_type_errors() -> None:
    m = ferruler.Machine()
    with pytest.raises(TypeError, match="unhashable"):
        m.add_rule(["a", "list"], PATTERN)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unhashable"):
        m.delete_rule({"a": 1}, PATTERN)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unhashable"):
        m.delete_rules({1})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unhashable"):
        [] in m  # noqa: B015
    assert len(m) == 0


def test_a_raising_hash_leaves_the_machine_unchanged() -> None:
    class Broken:
        def __hash__(self) -> int:
            raise RuntimeError("no hash today")

    m = ferruler.Machine()
    m.add_rule("ok", PATTERN)
    with pytest.raises(RuntimeError, match="no hash today"):
        m.add_rule(Broken(), PATTERN)
    assert m.rule_names() == ["ok"]
    assert m.stats()["patterns"] == 1


def test_container_methods() -> None:
    m: ferruler.Machine[str] = ferruler.Machine()
    assert len(m) == 0 and m.rule_names() == [] and "a" not in m
    m.add_rule("a", {"x": ["1"]})
    m.add_rule("a", {"y": ["2"]})
    m.add_rule("a", '{"y": ["2"]}')  # the same pattern again: no change
    m.add_rule("b", {"x": ["1"]})
    assert len(m) == 2
    assert sorted(m.rule_names()) == ["a", "b"]
    assert m.stats() == {"names": 2, "patterns": 3, "sub_rules": 3, "paths": 2}
    assert repr(m) == "<ferruler.Machine: 2 rule names, 3 patterns>"
    assert sorted(m.matches_for_event('{"x": "1", "y": "2"}')) == ["a", "b"]

    assert m.delete_rule("a", '{"x": ["1"]}') is True
    assert m.delete_rule("a", {"x": ["1"]}) is False  # already gone
    assert m.delete_rule("nobody", {"x": ["1"]}) is False
    assert m.matches_for_event('{"x": "1"}') == ["b"]
    assert "a" in m
    # Deleting the last pattern of a name deletes the name.
    assert m.delete_rule("a", '{ "y" : [ "2" ] }') is True
    assert "a" not in m and len(m) == 1
    assert m.delete_rules("b") == 1
    assert m.delete_rules("b") == 0
    assert len(m) == 0
    assert m.stats() == {"names": 0, "patterns": 0, "sub_rules": 0, "paths": 0}
    # A name can come back after being deleted.
    m.add_rule("a", {"z": [True]})
    assert m.matches_for_event('{"z": true}') == ["a"]


def test_keyword_arguments() -> None:
    m = ferruler.Machine()
    m.add_rule(name="n", pattern=PATTERN)
    assert m.matches_for_event(event=EVENT) == ["n"]
    assert ferruler.matches_rule(event=EVENT, pattern=PATTERN) is True
    assert m.delete_rule(name="n", pattern=PATTERN) is True


def test_names_are_released_when_their_rules_go() -> None:
    m = ferruler.Machine()
    handlers = [Handler(str(i)) for i in range(3)]
    refs = [weakref.ref(h) for h in handlers]
    m.add_rule(handlers[0], PATTERN)
    m.add_rule(handlers[1], PATTERN)
    m.add_rule(handlers[1], {"other": ["x"]})
    m.add_rule(handlers[2], PATTERN)
    m.matches_for_event(EVENT)
    m.delete_rule(handlers[0], PATTERN)
    m.delete_rules(handlers[1])
    del handlers
    gc.collect()
    assert [r() is None for r in refs] == [True, True, False]
    del m
    gc.collect()
    assert refs[2]() is None


def test_cycles_through_names_are_collected() -> None:
    class Route:
        machine: Any

    m = ferruler.Machine()
    route = Route()
    route.machine = m  # the name refers to the machine holding it
    m.add_rule(route, PATTERN)
    machine_ref, route_ref = weakref.ref(m), weakref.ref(route)
    del m, route
    gc.collect()
    assert machine_ref() is None
    assert route_ref() is None


def test_changing_the_machine_from_a_names_hash_is_refused() -> None:
    m = ferruler.Machine()

    class Meddler:
        def __hash__(self) -> int:
            m.add_rule("inner", PATTERN)
            return 1

    with pytest.raises(RuntimeError, match="changed from inside one of its own changes"):
        m.add_rule(Meddler(), PATTERN)
    assert len(m) == 0
    # Reading the machine from a name's __hash__ is fine.

    seen: list[int] = []

    class Reader:
        def __hash__(self) -> int:
            seen.append(len(m.matches_for_event(EVENT)) + len(m) + len(m.rule_names()))
            return 1

    m.add_rule(Reader(), PATTERN)
    assert len(m) == 1
    assert seen and seen[0] == 0


def test_generic_alias_at_run_time() -> None:
    alias = ferruler.Machine[str]
    assert alias.__origin__ is ferruler.Machine  # type: ignore[attr-defined]
    assert isinstance(alias(), ferruler.Machine)
