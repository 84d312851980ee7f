"""Machine.matches_for_events: one list per event, as matches_for_event gives them."""

import gc
import os
import subprocess
import sys
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


# A large batch makes its result's lists while the machine is locked (and the pool's threads
# match), with the garbage collector switched off meanwhile: a collection there could run a
# finalizer that changes the machine, which would wait for the lock this thread holds.


@pytest.mark.parametrize("enabled", [True, False])
def test_a_batch_leaves_the_garbage_collector_as_it_found_it(machine, enabled):
    events = [b'{"region": "eu-west-1"}'] * 3000
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        assert machine.matches_for_events(events) == [["eu"]] * 3000
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


FINALIZER_CHANGES_THE_MACHINE = """
import gc
import ferruler

machine = ferruler.Machine()
added = []

class Meddler:
    # Cyclic garbage, reclaimed only by a collection, whose finalizer adds a rule.
    def __init__(self):
        self.me = self

    def __del__(self):
        machine.add_rule(f"late-{len(added)}", {"total": [1]})
        added.append(True)

events = [b'{"total": 1}'] * 5000
gc.collect()
gc.set_threshold(100)  # a batch making 5,000 lists would start a collection
for _ in range(20):
    Meddler()
result = machine.matches_for_events(events)
assert all(names == result[0] for names in result), "the batch saw two states of the rules"
gc.collect()
assert len(added) == 20, added
assert sorted(machine.matches_for_events(events)[0]) == sorted(f"late-{i}" for i in range(20))
print("ok")
"""


def test_a_finalizer_changing_the_machine_runs_after_a_batch():
    # In a child process, so that a deadlock fails the test instead of hanging the suite.
    ran = subprocess.run(
        [sys.executable, "-c", FINALIZER_CHANGES_THE_MACHINE], capture_output=True, text=True, timeout=60
    )
    assert ran.stdout == "ok\n", ran.stderr


def test_batches_are_right_when_the_gc_module_was_replaced_before_import(tmp_path):
    # Without the built-in gc switches, the lists are made after the lock is let go.
    script = tmp_path / "replaced.py"
    script.write_text(
        "import gc\n"
        "gc.disable = lambda: print('called')\n"
        "import ferruler\n"
        "m = ferruler.Machine()\n"
        "m.add_rule('r', {'a': [1]})\n"
        "events = [b'{\"a\": 1}', b'{\"a\": 2}'] * 2000\n"
        "assert m.matches_for_events(events) == [['r'], []] * 2000\n"
        "print('ok')\n"
    )
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert ran.stdout == "ok\n", ran.stderr
