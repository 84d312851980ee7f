"""Threads: matching a large event runs without the GIL, and matches running while another thread
changes the rules, on events small enough to be matched holding the GIL or large enough to be
matched without it, see every rule either wholly or not at all, never lose one, and never
deadlock."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest

import ferruler


@pytest.fixture
def short_switch_interval() -> Iterator[None]:
    """Lets a waiting thread take the GIL within 0.5 ms of asking, instead of 5 ms."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    yield
    sys.setswitchinterval(old)


def _coverage_during(call: Callable[[], object], calls: int) -> float:
    """The fraction of the time another thread spent inside `call` during which this thread ran
    Python code too. A call that holds the GIL stops this thread for its whole length (coverage
    near 0); one that releases it does not (coverage near 1, less what the OS scheduler takes).

    The time is cut into 1 ms bins, each covered if this thread took a timestamp in it; the first
    and last 10 ms of each call are left out, where switching threads around the call blurs it."""
    intervals: list[tuple[float, float]] = []
    failures: list[BaseException] = []
    done = False

    def caller() -> None:
        nonlocal done
        try:
            for _ in range(calls):
                start = time.perf_counter()
                call()
                intervals.append((start, time.perf_counter()))
        except BaseException as e:  # reported below, in the main thread
            failures.append(e)
        finally:
            done = True

    stamps = []
    last = 0.0
    thread = threading.Thread(target=caller)
    thread.start()
    while not done:
        now = time.perf_counter()
        if now - last > 0.0002:
            stamps.append(now)
            last = now
    thread.join()
    assert failures == []
    covered = total = 0
    for start, end in intervals:
        assert end - start > 0.03, "the call is too short to measure"
        bins = int((end - start - 0.020) / 0.001)
        hit = {int((t - start - 0.010) / 0.001) for t in stamps if start + 0.010 <= t < end - 0.010}
        covered += len(hit & set(range(bins)))
        total += bins
    return covered / total


ITEM = b'{"id":"id-x","v":50,"pad":"xxxxxxxxxxxxxxxxxxxx"}'


def _event(items: int) -> bytes:
    return b'{"items":[' + b",".join([ITEM] * items) + b"]}"


def _big_event(slowest_call: Callable[[bytes], object]) -> bytes:
    """An event large enough that `slowest_call` on it takes 80 ms or more, so that the first and
    last 10 ms of each call, left out of the measurement, are a small part of it."""
    items = 100_000
    while True:
        event = _event(items)
        start = time.perf_counter()
        slowest_call(event)
        if time.perf_counter() - start >= 0.08 or len(event) > 28 << 20:
            return event
        items *= 2


@pytest.mark.usefixtures("short_switch_interval")
def test_matching_releases_the_gil() -> None:
    machine = ferruler.Machine()
    for i in range(20):
        machine.add_rule(i, {"items": {"id": ["id-x"], "v": [{"numeric": [">", i * 5]}]}})
    pattern = {"items": {"id": ["id-x"], "v": [{"numeric": [">", 1]}]}}
    # matches_rule on one rule is the fastest of the calls measured: size the event for it.
    event = _big_event(lambda e: ferruler.matches_rule(e, pattern))
    event_text = event.decode()
    assert sorted(machine.matches_for_event(event)) == list(range(10))

    # Scheduling noise (other processes) only ever lowers the coverage of a call that releases the
    # GIL, and only ever raises that of one that holds it, by letting threads overrun their turns
    # around the call: so a few tries are allowed for each. Alone on a machine, a call releasing
    # the GIL scores close to 1; on one shared with busy processes, 0.3 to 0.7.
    def coverage_reaches(call: Callable[[], object], above: bool, threshold: float) -> bool:
        for _ in range(3):
            if (_coverage_during(call, calls=2) > threshold) == above:
                return True
        return False

    # The control: json.loads holds the GIL, so this thread does not run while it does.
    text = _event(100_000).decode()
    assert coverage_reaches(lambda: json.loads(text), above=False, threshold=0.1)
    assert coverage_reaches(lambda: machine.matches_for_event(event), above=True, threshold=0.2)
    assert coverage_reaches(lambda: machine.matches_for_event(event_text), above=True, threshold=0.2)
    assert coverage_reaches(lambda: ferruler.matches_rule(event, pattern), above=True, threshold=0.2)


N_RULES = 600
SYNC_EVERY = 50


def _pattern(i: int) -> dict[str, Any]:
    # Two sub-rules ($or) of three conditions each: installing one takes several steps, any of
    # which a reader could see half done if changes were not exclusive.
    return {"k": [f"v{i}"], "z": ["yes"], "$or": [{"x": ["1"]}, {"y": ["1"]}]}


ALL_KEYS = [f"v{i}" for i in range(N_RULES)]
EVENT_X = json.dumps({"k": ALL_KEYS, "z": "yes", "x": "1"}).encode()
EVENT_Y = json.dumps({"k": ALL_KEYS, "z": "yes", "y": "1"})
# Matches no rule wholly, but every rule partly: a half-installed rule would show up here.
EVENT_PARTIAL = json.dumps({"k": ALL_KEYS, "x": "1", "y": "1"}).encode()
# Above the size up to which the binding matches holding the GIL (2 KiB, RELEASE_GIL_ABOVE).
assert min(len(EVENT_X), len(EVENT_Y), len(EVENT_PARTIAL)) > 2048


def _small_pattern(i: int) -> dict[str, Any]:
    # As _pattern, but every rule matches the same small event: n=0 is above -1-i for every i.
    return {"n": [{"numeric": [">", -1 - i]}], "z": ["yes"], "$or": [{"x": ["1"]}, {"y": ["1"]}]}


# Small events, matched holding the GIL (the path taken by most real events).
SMALL_EVENTS = (b'{"n":0,"z":"yes","x":"1"}', '{"n":0,"z":"yes","y":"1"}', b'{"n":0,"x":"1","y":"1"}')
LARGE_EVENTS = (EVENT_X, EVENT_Y, EVENT_PARTIAL)


class Observer:
    """A matching thread's record: what it saw, checked as it goes."""

    def __init__(
        self,
        machine: ferruler.Machine,
        check: Callable[[list[int]], int],
        events: tuple[bytes | str, bytes | str, bytes | str] = LARGE_EVENTS,
    ) -> None:
        self.machine = machine
        self.events = events
        self.check = check
        self.seen: list[int] = []
        self.errors: list[BaseException] = []
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            events = self.events
            turn = 0
            while True:
                stopping = self.stop.is_set()
                event = events[turn % 3]
                turn += 1
                found = self.machine.matches_for_event(event)
                if turn % 3 == 0:  # the partial event
                    assert found == [], f"half-installed rules matched: {found}"
                else:
                    self.seen.append(self.check(sorted(found)))
                if stopping and turn % 3 == 0:
                    return
        except BaseException as e:  # reported by the test
            self.errors.append(e)


def _run(
    machine: ferruler.Machine,
    change: Callable[[int], object],
    check: Callable[[list[int]], int],
    done_at: Callable[[int], bool],
    events: tuple[bytes | str, bytes | str, bytes | str] = LARGE_EVENTS,
) -> list[Observer]:
    """Two observers match `events` while this thread applies `change` to 0..N_RULES-1, pausing
    every SYNC_EVERY changes until both have seen the machine as it then is (`done_at`), so that
    matches and changes interleave for certain. An observer that stops making progress (a
    deadlock) fails the test after 30 s."""
    observers = [Observer(machine, check, events), Observer(machine, check, events)]
    threads = [threading.Thread(target=o.run) for o in observers]
    for t in threads:
        t.start()
    try:
        for i in range(N_RULES):
            change(i)
            if (i + 1) % SYNC_EVERY == 0:
                deadline = time.monotonic() + 30
                while not all(o.seen and done_at(o.seen[-1]) for o in observers):
                    if any(o.errors for o in observers):
                        break  # reported below
                    assert time.monotonic() < deadline, "observers stopped making progress"
                    time.sleep(0.0005)
    finally:
        for o in observers:
            o.stop.set()
        for t in threads:
            t.join()
    for o in observers:
        assert o.errors == []
    return observers


@pytest.mark.parametrize("size", ["small events, GIL held", "large events, GIL released"])
def test_two_threads_match_while_a_third_adds_rules(size: str) -> None:
    machine: ferruler.Machine[int] = ferruler.Machine()
    small = size.startswith("small")
    pattern = _small_pattern if small else _pattern
    events = SMALL_EVENTS if small else LARGE_EVENTS

    def check(found: list[int]) -> int:
        # Rules are added in order 0, 1, 2...: a match must see exactly the first k of them.
        assert found == list(range(len(found))), f"a rule is missing: {found[:10]}..."
        return len(found)

    added = 0

    def add(i: int) -> None:
        nonlocal added
        machine.add_rule(i, pattern(i) if i % 2 else json.dumps(pattern(i)).encode())
        added = i + 1

    observers = _run(machine, add, check, done_at=lambda k: k >= added, events=events)
    for o in observers:
        # No rule is ever lost: the count each thread sees never goes down...
        assert o.seen == sorted(o.seen)
        # ...it saw the machine part-way through (changes and matches interleaved)...
        assert any(0 < k < N_RULES for k in o.seen)
        # ...and it ends with every rule.
        assert o.seen[-1] == N_RULES
    assert len(machine) == N_RULES
    assert sorted(machine.matches_for_event(events[1])) == list(range(N_RULES))


def test_small_matches_and_large_changes_mix_without_deadlock() -> None:
    """Small events are matched holding the GIL and take the machine's lock only if it is free at
    once; a pattern over 2 KiB is added with the GIL released, taking the lock for writing. Both
    at once, from several threads, must neither deadlock nor show a half-added rule."""
    machine: ferruler.Machine[int] = ferruler.Machine()
    # One rule per name, each a large pattern (> 2 KiB) that the small event matches.
    filler = [f"no-{j:04d}" for j in range(300)]

    def large_pattern(i: int) -> str:
        return json.dumps({"n": [{"numeric": [">", -1 - i]}], "z": ["yes", *filler], "x": ["1"]})

    assert len(large_pattern(0)) > 2048

    def check(found: list[int]) -> int:
        assert found == list(range(len(found))), f"a rule is missing: {found[:10]}..."
        return len(found)

    added = 0

    def add(i: int) -> None:
        nonlocal added
        # Large patterns (GIL released) and small ones (GIL held) in turn.
        machine.add_rule(i, large_pattern(i) if i % 2 else _small_pattern(i))
        added = i + 1

    events = (SMALL_EVENTS[0], SMALL_EVENTS[0], SMALL_EVENTS[2])
    observers = _run(machine, add, check, done_at=lambda k: k >= added, events=events)
    for o in observers:
        assert o.seen == sorted(o.seen)
        assert o.seen[-1] == N_RULES


def test_two_threads_match_while_a_third_deletes_rules() -> None:
    machine: ferruler.Machine[int] = ferruler.Machine()
    for i in range(N_RULES):
        machine.add_rule(i, _pattern(i))

    def check(found: list[int]) -> int:
        # Rules are deleted in order 0, 1, 2...: a match must see exactly the last k of them.
        assert found == list(range(N_RULES - len(found), N_RULES)), f"wrong rules: {found[:10]}..."
        return len(found)

    deleted = 0

    def delete(i: int) -> None:
        nonlocal deleted
        pattern: object = _pattern(i) if i % 2 else json.dumps(_pattern(i), indent=1)
        assert machine.delete_rule(i, pattern) is True
        deleted = i + 1

    observers = _run(machine, delete, check, done_at=lambda k: k <= N_RULES - deleted)
    for o in observers:
        assert o.seen == sorted(o.seen, reverse=True)
        assert any(0 < k < N_RULES for k in o.seen)
        assert o.seen[-1] == 0
    assert len(machine) == 0
    assert machine.stats() == {"names": 0, "patterns": 0, "sub_rules": 0, "paths": 0}


def test_concurrent_writers_lose_nothing() -> None:
    machine: ferruler.Machine[tuple[int, int]] = ferruler.Machine()
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for i in range(300):
                machine.add_rule((w, i), {"w": [w], "i": [i]})
                if i % 3 == 0:
                    assert machine.delete_rules((w, i)) == 1
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = {(w, i) for w in range(4) for i in range(300) if i % 3}
    assert set(machine.rule_names()) == expected
    assert len(machine) == len(expected)
    for w, i in [(0, 1), (3, 299), (2, 150)]:
        found = machine.matches_for_event({"w": w, "i": i})
        assert found == ([(w, i)] if i % 3 else [])


def test_a_batch_sees_one_state_of_the_rules_while_a_thread_adds_them() -> None:
    machine: ferruler.Machine[int] = ferruler.Machine()
    # Large enough to be split across threads, so that every part must see the same rules.
    batch = [EVENT_X, EVENT_PARTIAL] * 300
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def match_batches() -> None:
        try:
            while not stop.is_set():
                results = machine.matches_for_events(batch)
                full = {tuple(sorted(found)) for found in results[0::2]}
                assert len(full) == 1, f"one batch saw {len(full)} states of the rules"
                (found,) = full
                assert list(found) == list(range(len(found))), f"a rule is missing: {found[:10]}..."
                assert all(found == [] for found in results[1::2]), "half-installed rules matched"
                seen.append(len(found))
        except BaseException as e:  # reported below
            errors.append(e)

    matcher = threading.Thread(target=match_batches)
    matcher.start()
    try:
        for i in range(N_RULES):
            machine.add_rule(i, _pattern(i))
            if i % SYNC_EVERY == 0:
                time.sleep(0.002)
    finally:
        stop.set()
        matcher.join()
    assert errors == []
    assert seen == sorted(seen)
    assert machine.matches_for_events(batch)[0] == machine.matches_for_event(EVENT_X)
