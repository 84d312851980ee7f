"""ferruler.Limits and Machine(limits=...): the engine's limits, set from Python."""

from __future__ import annotations

import copy
import json
import pickle
import re
from pathlib import Path

import pytest

import ferruler
from ferruler import Limits

FIELDS = [
    "max_pattern_bytes",
    "max_pattern_depth",
    "max_values_per_field",
    "max_complexity",
    "max_or_combinations",
    "max_event_bytes",
    "max_event_depth",
]

# The defaults as documented (README, stubs, docstrings).
DOCUMENTED = {
    "max_pattern_bytes": 4096,
    "max_pattern_depth": 64,
    "max_values_per_field": 1000,
    "max_complexity": 10,
    "max_or_combinations": 1000,
    "max_event_bytes": 64 << 20,
    "max_event_depth": 1024,
}


def core_defaults() -> dict[str, int]:
    """The defaults in the engine's source (`impl Default for Limits` in core/src/limits.rs)."""
    source = (Path(__file__).resolve().parents[3] / "core" / "src" / "limits.rs").read_text()
    body = source.split("impl Default for Limits", 1)[1]
    found = dict(re.findall(r"(max_\w+): ([0-9_ <]+),", body))
    # The values are integer literals, possibly with `_` separators or a shift (`64 << 20`).
    return {name: eval(value.replace("_", ""), {}) for name, value in found.items()}  # noqa: S307


def pattern_of_size(size: int) -> str:
    """A valid pattern of exactly `size` bytes: one long value."""
    pattern = '{"k": ["%s"]}'
    return pattern % ("v" * (size - len(pattern % "")))


def nested_event(depth: int) -> str:
    """An event whose objects nest `depth` deep."""
    return '{"a": ' * (depth - 1) + "{}" + "}" * (depth - 1)


def test_defaults_equal_the_core() -> None:
    assert core_defaults() == DOCUMENTED
    limits = Limits()
    assert {name: getattr(limits, name) for name in FIELDS} == DOCUMENTED
    assert ferruler.Machine().limits == limits


def test_fields_are_set_by_keyword_and_the_rest_keep_their_defaults() -> None:
    limits = Limits(max_pattern_bytes=8192, max_event_depth=16)
    assert limits.max_pattern_bytes == 8192
    assert limits.max_event_depth == 16
    others = {name: getattr(limits, name) for name in FIELDS if name not in ("max_pattern_bytes", "max_event_depth")}
    assert others == {name: DOCUMENTED[name] for name in others}
    every = Limits(**{name: i + 1 for i, name in enumerate(FIELDS)})
    assert [getattr(every, name) for name in FIELDS] == list(range(1, 8))


def test_the_machine_keeps_its_limits() -> None:
    limits = Limits(max_pattern_bytes=8192, max_or_combinations=5)
    m = ferruler.Machine(limits=limits)
    assert m.limits == limits
    assert ferruler.Machine(limits=None).limits == Limits()
    m.add_rule("r", {"k": ["v"]})
    assert m.limits.max_or_combinations == 5
    assert m.limits is not m.limits  # a fresh object, equal each time


def test_repr_round_trips() -> None:
    limits = Limits(max_pattern_bytes=8192)
    text = repr(limits)
    assert text == (
        "Limits(max_pattern_bytes=8192, max_pattern_depth=64, max_values_per_field=1000, "
        "max_complexity=10, max_or_combinations=1000, max_event_bytes=67108864, "
        "max_event_depth=1024)"
    )
    assert eval(text, {"Limits": Limits}) == limits  # noqa: S307


def test_equality_and_hash() -> None:
    assert Limits() == Limits()
    assert Limits(max_event_depth=1024) == Limits()
    assert Limits(max_event_depth=10) != Limits()
    assert Limits(max_event_depth=10) != Limits(max_pattern_depth=10)
    assert Limits() != DOCUMENTED
    assert Limits().__eq__(object()) is NotImplemented
    assert hash(Limits(max_event_depth=10)) == hash(Limits(max_event_depth=10))
    assert len({Limits(), Limits(), Limits(max_event_depth=10)}) == 2


def test_frozen() -> None:
    limits = Limits()
    with pytest.raises(AttributeError):
        limits.max_pattern_bytes = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ferruler.Machine().limits = limits  # type: ignore[misc]


def test_copy_and_pickle() -> None:
    limits = Limits(max_pattern_bytes=8192, max_or_combinations=2**40)
    for clone in (copy.copy(limits), copy.deepcopy(limits), pickle.loads(pickle.dumps(limits))):
        assert type(clone) is Limits
        assert clone == limits


def test_a_long_pattern_is_rejected_by_default_and_accepted_under_a_raised_limit() -> None:
    assert len(pattern_of_size(4096)) == 4096
    ferruler.check_pattern(pattern_of_size(4096))
    big = pattern_of_size(5000)
    default = ferruler.Machine()
    with pytest.raises(ferruler.InvalidPatternError) as caught:
        default.add_rule("big", big)
    assert caught.value.message == (
        "Pattern is 5000 bytes long, more than the limit of 4096 bytes (Limits.max_pattern_bytes)"
    )
    with pytest.raises(ferruler.InvalidPatternError):
        default.check_pattern(big)
    assert "big" not in default

    raised = ferruler.Machine(limits=Limits(max_pattern_bytes=8192))
    assert raised.check_pattern(big) is None
    raised.add_rule("big", big)
    value = json.loads(big)["k"][0]
    assert raised.matches_for_event({"k": value}) == ["big"]
    # Deleting checks the pattern with the machine's limits too, known name or not.
    assert raised.delete_rule("unknown", big) is False
    assert raised.delete_rule("big", big) is True
    with pytest.raises(ferruler.InvalidPatternError, match="Limits.max_pattern_bytes"):
        default.delete_rule("unknown", big)


def test_a_lowered_limit_refuses_what_the_default_accepts() -> None:
    m = ferruler.Machine(limits=Limits(max_pattern_bytes=100, max_values_per_field=3))
    with pytest.raises(ferruler.InvalidPatternError, match=r"limit of 100 bytes \(Limits.max_pattern_bytes\)"):
        m.add_rule("r", pattern_of_size(101))
    with pytest.raises(ferruler.InvalidPatternError, match=r"limit of 3 \(Limits.max_values_per_field\)"):
        m.add_rule("r", {"k": ["a", "b", "c", "d"]})
    m.add_rule("r", {"k": ["a", "b", "c"]})
    assert len(m) == 1


def test_an_event_deeper_than_a_lowered_limit_is_rejected() -> None:
    m = ferruler.Machine(limits=Limits(max_event_depth=4))
    m.add_rule("r", {"a": {"a": {"a": ["x"]}}})
    assert m.matches_for_event(nested_event(3)) == []
    assert m.matches_for_event('{"a": {"a": {"a": "x"}}}') == ["r"]
    assert m.matches_for_event(nested_event(4)) == []
    with pytest.raises(ferruler.InvalidEventError) as caught:
        m.matches_for_event(nested_event(5))
    assert caught.value.message == "event is nested more than 4 levels deep (Limits.max_event_depth)"
    # The default machine reads the same event.
    default = ferruler.Machine()
    default.add_rule("r", {"a": {"a": {"a": ["x"]}}})
    assert default.matches_for_event(nested_event(5)) == []


def test_a_larger_event_than_a_lowered_limit_is_rejected() -> None:
    m = ferruler.Machine(limits=Limits(max_event_bytes=32))
    m.add_rule("r", {"k": ["v"]})
    assert m.matches_for_event(b'{"k": "v"}') == ["r"]
    with pytest.raises(ferruler.InvalidEventError, match=r"limit of 32 bytes \(Limits.max_event_bytes\)"):
        m.matches_for_event(json.dumps({"k": "v", "pad": "x" * 40}))


def test_or_combinations() -> None:
    pattern = {"$or": [{"a": ["1"]}, {"b": ["2"]}, {"c": ["3"]}]}
    ferruler.Machine().add_rule("r", pattern)
    with pytest.raises(ferruler.InvalidPatternError, match="more than the limit of 2"):
        ferruler.Machine(limits=Limits(max_or_combinations=2)).add_rule("r", pattern)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", [0, -1, -(2**70), 2**64])
def test_out_of_range_values_are_value_errors(field: str, value: int) -> None:
    with pytest.raises(ValueError, match=rf"^Limits\.{field} must be an int from 1 to \d+, not {value}$"):
        Limits(**{field: value})


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("value", "type_name"), [("8192", "str"), (8192.0, "float"), (True, "bool"), (None, "NoneType")])
def test_values_of_other_types_are_type_errors(field: str, value: object, type_name: str) -> None:
    if value is None:
        # None means "the default", as when the argument is left out.
        assert getattr(Limits(**{field: value}), field) == DOCUMENTED[field]
        return
    with pytest.raises(TypeError, match=rf"^Limits\.{field} must be an int, not {type_name}$"):
        Limits(**{field: value})


def test_int_subclasses_are_ints() -> None:
    class Size(int):
        pass

    assert Limits(max_pattern_bytes=Size(8192)).max_pattern_bytes == 8192


def test_bad_arguments() -> None:
    with pytest.raises(TypeError):
        Limits(8192)  # type: ignore[misc]
    with pytest.raises(TypeError, match="max_pattern_byte"):
        Limits(max_pattern_byte=8192)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ferruler.Machine(Limits())  # type: ignore[misc]
    with pytest.raises(TypeError, match="Limits"):
        ferruler.Machine(limits={"max_pattern_bytes": 8192})  # type: ignore[arg-type]
