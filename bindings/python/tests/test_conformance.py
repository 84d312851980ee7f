"""The shared EventBridge conformance corpus, run through the Python binding.

Each case compiles its pattern (an error means ``error``) and matches its event (the rule's name
coming back means ``match``, nothing means ``nomatch``). The corpus runs once per case through a
fresh ``Machine`` and through the module functions, then whole through every input type, and all
at once in one shared machine.
"""

from __future__ import annotations

from typing import Callable

import pytest

import ferruler
from corpus import Case, load_cases

CASES = load_cases()


def outcome(machine: ferruler.Machine, name: str, pattern: object, event: object) -> str:
    """``error``, ``match`` or ``nomatch`` for one case on an empty machine."""
    try:
        machine.add_rule(name, pattern)
    except ferruler.InvalidPatternError:
        return "error"
    found = machine.matches_for_event(event)
    assert found in ([], [name]), found
    return "match" if found else "nomatch"


def test_the_whole_corpus_is_loaded() -> None:
    names = [case.name for case in CASES]
    assert len(names) >= 399
    assert len(set(names)) == len(names)
    assert {case.expect for case in CASES} == {"match", "nomatch", "error"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_through_a_machine(case: Case) -> None:
    assert outcome(ferruler.Machine(), case.name, case.pattern, case.event) == case.expect


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_through_the_functions(case: Case) -> None:
    try:
        ferruler.check_pattern(case.pattern)
    except ferruler.InvalidPatternError as e:
        assert case.expect == "error", f"{case.name}: rejected: {e}"
        if case.message is not None:
            assert case.message in e.message
        with pytest.raises(ferruler.InvalidPatternError) as again:
            ferruler.matches_rule(case.event, case.pattern)
        assert again.value.args == e.args
        return
    assert case.expect != "error", f"{case.name}: accepted an invalid pattern"
    assert ferruler.matches_rule(case.event, case.pattern) is (case.expect == "match")


def _in_a_larger_buffer(text: bytes) -> memoryview:
    """A memoryview of `text` that is a slice of a larger buffer, as zero-copy readers produce."""
    buffer = bytearray(b"#" * 7 + text + b"#" * 5)
    return memoryview(buffer)[7 : 7 + len(text)]


INPUT_TYPES: dict[str, Callable[[bytes], object]] = {
    "bytes": bytes,
    "str": lambda text: text.decode("utf-8"),
    "bytearray": bytearray,
    "memoryview": _in_a_larger_buffer,
    "readonly-memoryview": memoryview,
}


@pytest.mark.parametrize("kind", INPUT_TYPES)
def test_the_corpus_through_each_input_type(kind: str) -> None:
    convert = INPUT_TYPES[kind]
    failures = [
        case.name
        for case in CASES
        if outcome(ferruler.Machine(), case.name, convert(case.pattern), convert(case.event))
        != case.expect
    ]
    assert failures == []


def test_the_corpus_as_dicts() -> None:
    """Patterns and events given as dicts, serialised by the binding. Cases whose pattern is raw
    text (malformed JSON, duplicate keys, escapes) or not an object cannot be written as a dict and
    are left out; dicts lose number spelling (3.5e1 becomes 35.0), which no case's outcome depends on."""
    as_dicts = [
        case for case in CASES if not case.pattern_is_text and isinstance(case.value["pattern"], dict)
    ]
    failures = [
        case.name
        for case in as_dicts
        if outcome(ferruler.Machine(), case.name, case.value["pattern"], case.value["event"]) != case.expect
    ]
    assert failures == []
    assert len(as_dicts) >= len(CASES) - 15


def test_the_corpus_in_one_machine() -> None:
    """Every valid pattern in one machine: each event matches its own case's rule exactly when
    the case expects it. Rules of other cases share paths and values, so this checks that the
    compiled machine keeps rules apart."""
    machine: ferruler.Machine[str] = ferruler.Machine()
    valid = [case for case in CASES if case.expect != "error"]
    for case in valid:
        machine.add_rule(case.name, case.pattern)
    assert len(machine) == len(valid)
    wrong = []
    for case in valid:
        matched = case.name in machine.matches_for_event(case.event)
        if matched != (case.expect == "match"):
            wrong.append(case.name)
    assert wrong == []
    # Deleting every rule by its pattern leaves nothing behind.
    for case in valid:
        assert machine.delete_rule(case.name, case.pattern) is True
    assert len(machine) == 0
    assert machine.stats() == {"names": 0, "patterns": 0, "sub_rules": 0, "paths": 0}
