"""Machine.matches_for_events: one list per event, as matches_for_event gives them."""

import os
import threading
import time

import pytest

import ferruler


@pytest.fixture
def machine():
    m = ferruler.Machine()
    m.add_rule("eu", {"region": [{"prefix": "eu-"}]})
    m.add_rule("big", {"total": [{"numeric": [">=", 1000]}]})
    return m


def test_one_list_per_event_in_order(machine):
    events = [
        b'{"region": "eu-west-1", "total": 5}',
        '{"region": "us-east-1"}',
        {"region": "eu-north-1", "total": 1000},
        bytearray(b"{}"),
        memoryview(b'{"total": 2000}'),
    ]
    assert [sorted(r) for r in machine.matches_for_events(events)] == [
        ["eu"], [], ["big", "eu"], [], ["big"],
    ]
    assert machine.matches_for_events(events) == [machine.matches_for_event(e) for e in events]


def test_any_iterable(machine):
    generated = (f'{{"total": {n}}}' for n in (1, 1000, 5000))
    assert machine.matches_for_events(generated) == [[], ["big"], ["big"]]
    assert machine.matches_for_events([]) == []
    assert machine.matches_for_events(iter(())) == []


def test_names_are_the_objects_added():
    name = ("handler", 1)
    m = ferruler.Machine()
    m.add_rule(name, {"a": [1]})
    (result,) = m.matches_for_events([{"a": 1}])
    assert result[0] is name


def test_an_invalid_event_raises(machine):
    with pytest.raises(ferruler.InvalidEventError) as raised:
        machine.matches_for_events(['{"a": 1}', '{"a": ', "{}"])
    assert raised.value.offset == 6
    with pytest.raises(TypeError, match="event must be"):
        machine.matches_for_events(["{}", 3])
    with pytest.raises(TypeError):
        machine.matches_for_events(7)


def test_large_lists_and_tuples_of_every_type(machine):
    # A list or tuple of bytes and str is matched while it is still being read; any other item
    # sends the whole batch the general way. Both must give what single calls give.
    plain = [
        b'{"region": "eu-west-1", "total": 5}',
        '{"region": "eu-ü", "total": 1000}',
        '{"region": "us-east-1", "note": "\udc80"}',  # a lone surrogate: encoded the general way
        b'{"total": 2000}',
    ] * 200
    mixed = plain[:500] + [{"region": "eu-north-1"}, bytearray(b"{}"), memoryview(b'{"total": 1e4}')] + plain
    for events in (plain, tuple(plain), mixed, tuple(mixed)):
        assert machine.matches_for_events(events) == [machine.matches_for_event(e) for e in events]


def test_errors_in_large_batches(machine):
    events = [b'{"total": 1}'] * 1000
    with pytest.raises(ferruler.InvalidEventError) as raised:
        machine.matches_for_events(events[:300] + [b'{"a": '] + events + [b"["])
    assert raised.value.offset == 6
    # A wrong type anywhere is reported before any invalid event, as the batch is read first.
    with pytest.raises(TypeError, match="event must be"):
        machine.matches_for_events(events[:300] + [b'{"a": '] + events + [3])


def test_a_list_subclass_is_iterated_as_it_says(machine):
    class Reversed(list):
        def __iter__(self):
            return reversed(self[:])

    events = Reversed([b'{"total": 5000}'] + [b"{}"] * 999)
    assert machine.matches_for_events(events)[-1] == ["big"]


def test_the_gil_is_released_during_a_batch():
    m = ferruler.Machine()
    m.add_rule("r", {"a": [{"wildcard": "*x*y*"}]})
    events = [b'{"a": "' + b"q" * 2000 + b'"}'] * 20000
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(1)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        m.matches_for_events(events)
    finally:
        done.set()
        counter.join()
    assert ticks, "no Python code ran in another thread while the batch was matched"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_batches_work_in_a_forked_child(machine):
    # multiprocessing forks on Linux: a thread pool started before the fork would be missing in
    # the child, and a batch handed to it would never finish.
    events = [b'{"region": "eu-west-1"}'] * 2000
    assert machine.matches_for_events(events)[0] == ["eu"]
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if the batch came back right
        os._exit(0 if machine.matches_for_events(events) == [["eu"]] * 2000 else 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.01)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("a batch in a forked child did not finish")
