"""Ferruler from Python against the pure-Python EventBridge matchers, in one run.

Two measurements:

* Per-call overhead: ``Machine.matches_for_event`` on a small ``bytes`` event, timed from Python,
  minus the engine's own time for the same event and rules timed from Rust
  (``Machine._core_seconds_per_match``). What is left is what the binding adds per call (argument
  handling, releasing and retaking the GIL, the lock, building the result list) plus the Python
  loop that makes the calls. Target: under 1 µs.
* CityLots throughput, following event-ruler's harness (shared/bench/README.md): for each of the 14
  rule sets, build a fresh matcher with its 5 patterns and time one pass handing every event's JSON
  text to it, parsing included. Ferruler gets the text as ``bytes``; the pure-Python matchers get
  it parsed once per event with ``json.loads`` (their best case) and test each pattern. Target:
  Ferruler at least 50 times the events per second of the best of them on every rule set.
* Batch matching: ``Machine.matches_for_events`` on the CityLots events of one rule set (EXACT by
  default), in batches of 1,000 and as one batch, against a loop of ``matches_for_event`` over
  the same events; both build every event's list of names. Target: at least 1.5 times the loop's
  events per second.

* Threads (``--sections threads``): events per second with 1, 2 and 4 Python threads sharing one
  Machine, each matching its share of the CityLots events of EXACT, ANYTHING_BUT and
  COMPLEX_ARRAYS, through the per-call API and through the batch API (batches of 128 events, which
  the binding matches on the calling thread: larger ones it splits across the cores itself), and
  one ~200 KB event matched over and over. Targets on a 2-core machine, 2 threads against 1:
  per-call at least x1.0, batches at least x1.6, the large event at least x1.6. For reference, the
  same per-call loop with two calls of CPython's own that hold the GIL (``bytes.upper`` on each
  event, ``json.loads`` of a 7-byte text): what two threads taking turns on the GIL get.
* Where releasing the GIL pays (``--sections gil-threshold``): one event of each size from 200 B
  to 200 KB matched in a loop with the GIL held and released (``Machine._matches_for_event_gil``),
  by one thread and by two; the figures behind the binding's ``RELEASE_GIL_ABOVE``.

The pure-Python matchers are the ones Python users have today: moto's (``EventPattern`` from
``moto.events.models``) and LocalStack's (``EventPatternCompiler`` and ``EventRuleEngine`` from
``localstack.services.events.event_rule_engine``). Their match counts are printed beside
Ferruler's on the same events; they are not exact EventBridge implementations, so counts may
differ.

Run through scripts/bench-python.sh, which makes the venv, builds the extension in release mode
and generates the corpus. Directly: ``python bench/bench.py --corpus citylots.jsonl.gz``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import json
import platform
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable, Protocol

import ferruler

REPO = Path(__file__).resolve().parents[3]
RULES = REPO.parent / "shared" / "bench" / "citylots-rules.json"

SMALL_EVENT = (
    b'{"source":"com.shop","detail-type":"Order Placed","region":"eu-west-1",'
    b'"detail":{"total":1250,"currency":"EUR"}}'
)
SMALL_RULES: list[dict[str, Any]] = [
    {"source": ["com.shop"], "detail-type": ["Order Placed"]},
    {"detail": {"total": [{"numeric": [">=", 1000]}]}},
    {"region": [{"prefix": "eu-"}]},
    {"detail": {"currency": [{"anything-but": ["USD", "GBP"]}]}},
    {"source": [{"wildcard": "com.*.internal"}]},
]


class Matcher(Protocol):
    """A competitor: built from a rule set, counts the matches of one event's JSON text."""

    label: str

    def count(self, text: str) -> int: ...


class Moto:
    def __init__(self, patterns: Sequence[dict[str, Any]]) -> None:
        # Looked up here, not at import, so that the thread sections run without the competitors.
        self.label = "moto " + importlib.metadata.version("moto")
        from moto.events.models import EventPattern

        self.patterns = [EventPattern.load(json.dumps(p)) for p in patterns]

    def count(self, text: str) -> int:
        event = json.loads(text)
        return sum(p.matches_event(event) for p in self.patterns)


class LocalStack:
    def __init__(self, patterns: Sequence[dict[str, Any]]) -> None:
        self.label = "localstack " + importlib.metadata.version("localstack-core")
        from localstack.services.events.event_rule_engine import (
            EventPatternCompiler,
            EventRuleEngine,
        )

        compiler = EventPatternCompiler()
        self.patterns = [compiler.compile_event_pattern(json.dumps(p)) for p in patterns]
        self.engine = EventRuleEngine()

    def count(self, text: str) -> int:
        event = json.loads(text)
        return sum(bool(self.engine.evaluate_pattern_on_event(p, event)) for p in self.patterns)


COMPETITORS: list[Callable[[Sequence[dict[str, Any]]], Matcher]] = [Moto, LocalStack]


def best_seconds_per_call(call: Callable[[Any], object], arg: object, calls: int, repeats: int) -> float:
    """The fastest of `repeats` timed loops of `calls` calls, per call (as timeit advises)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            call(arg)
        best = min(best, time.perf_counter() - start)
    return best / calls


def per_call(calls: int, repeats: int) -> dict[str, float]:
    machine: ferruler.Machine[str] = ferruler.Machine()
    for i, pattern in enumerate(SMALL_RULES):
        machine.add_rule(f"rule-{i}", pattern)
    assert sorted(machine.matches_for_event(SMALL_EVENT)) == ["rule-0", "rule-1", "rule-2", "rule-3"]
    text = SMALL_EVENT.decode()
    as_dict = json.loads(text)
    match = machine.matches_for_event
    result = {
        "python_bytes": best_seconds_per_call(match, SMALL_EVENT, calls, repeats),
        "core": min(machine._core_seconds_per_match([SMALL_EVENT], calls) for _ in range(repeats)),
        "python_str": best_seconds_per_call(match, text, calls, repeats),
        "python_dict": best_seconds_per_call(match, as_dict, calls // 10, repeats),
        "python_loop": best_seconds_per_call(len, SMALL_EVENT, calls, repeats),
    }
    result["overhead_bytes"] = result["python_bytes"] - result["core"]
    return result


def load_corpus(path: Path) -> list[bytes]:
    with gzip.open(path, "rb") as lines:
        return [line.rstrip(b"\n") for line in lines if line.strip()]


def ferruler_pass(patterns: Sequence[dict[str, Any]], events: Sequence[bytes]) -> tuple[float, int, float]:
    """Seconds for one pass from Python, matches counted, and seconds for the engine alone."""
    machine = ferruler.Machine()
    for i, pattern in enumerate(patterns):
        machine.add_rule(i, pattern)
    match = machine.matches_for_event
    count = 0
    start = time.perf_counter()
    for event in events:
        count += len(match(event))
    elapsed = time.perf_counter() - start
    return elapsed, count, machine._core_seconds_per_match(events, 1) * len(events)


def competitor_pass(matcher: Matcher, events: Sequence[str]) -> tuple[float, int]:
    count = 0
    start = time.perf_counter()
    for event in events:
        count += matcher.count(event)
    return time.perf_counter() - start, count


def citylots(events: list[bytes], competitor_events: int, rounds: int) -> list[dict[str, Any]]:
    """One row per rule set. Each pass runs `rounds` times, the matchers taking turns, and the
    fastest round of each is kept: on a busy machine that is the least disturbed one."""
    rule_sets: dict[str, list[dict[str, Any]]] = json.loads(RULES.read_text())
    slice_bytes = events[:competitor_events]
    slice_text = [e.decode() for e in slice_bytes]
    rows = []
    for name, patterns in rule_sets.items():
        competitors = [make(patterns) for make in COMPETITORS]
        best_ferruler = best_engine = float("inf")
        best_competitor = [float("inf")] * len(competitors)
        counts = [0] * len(competitors)
        for _ in range(rounds):
            elapsed, count, engine = ferruler_pass(patterns, events)
            best_ferruler, best_engine = min(best_ferruler, elapsed), min(best_engine, engine)
            for i, matcher in enumerate(competitors):
                elapsed, counts[i] = competitor_pass(matcher, slice_text)
                best_competitor[i] = min(best_competitor[i], elapsed)
        row: dict[str, Any] = {
            "rule_set": name,
            "ferruler_events_per_s": len(events) / best_ferruler,
            "engine_events_per_s": len(events) / best_engine,
            "ferruler_matches": count,
            "ferruler_matches_on_slice": ferruler_pass(patterns, slice_bytes)[1],
        }
        row["competitors"] = {
            matcher.label: {"events_per_s": len(slice_text) / elapsed, "matches": matches}
            for matcher, elapsed, matches in zip(competitors, best_competitor, counts)
        }
        best = max(len(slice_text) / elapsed for elapsed in best_competitor)
        row["ratio_vs_best"] = row["ferruler_events_per_s"] / best
        rows.append(row)
        print_row(row)
    return rows


def batch(events: list[bytes], rule_set: str, rounds: int) -> dict[str, float]:
    """Events per second of a loop of single calls and of batches, the best of `rounds` each,
    taking turns."""
    machine = ferruler.Machine()
    for i, pattern in enumerate(json.loads(RULES.read_text())[rule_set]):
        machine.add_rule(i, pattern)
    single, many = machine.matches_for_event, machine.matches_for_events
    chunks = [events[i : i + 1000] for i in range(0, len(events), 1000)]
    contenders: dict[str, Callable[[], int]] = {
        "loop of matches_for_event": lambda: sum(len(single(e)) for e in events),
        "matches_for_events, batches of 1,000": lambda: sum(len(n) for c in chunks for n in many(c)),
        "matches_for_events, one batch": lambda: sum(len(n) for n in many(events)),
    }
    best = dict.fromkeys(contenders, float("inf"))
    counts = set()
    for _ in range(rounds):
        for label, run in contenders.items():
            start = time.perf_counter()
            counts.add(run())
            best[label] = min(best[label], time.perf_counter() - start)
    assert len(counts) == 1, f"the contenders disagree on the matches: {counts}"
    rates = {label: len(events) / seconds for label, seconds in best.items()}
    loop = rates["loop of matches_for_event"]
    print(f"Batch matching, CityLots {rule_set}, {len(events)} events (bytes), {counts.pop()} matches:")
    for label, rate in rates.items():
        print(f"  {label:<38} {rate:>11,.0f} ev/s  x{rate / loop:.2f}")
    return rates


THREAD_SETS = ["EXACT", "ANYTHING_BUT", "COMPLEX_ARRAYS"]
THREAD_COUNTS = [1, 2, 4]
BATCH_CHUNK = 128


def timed_in_threads(work: Callable[[int, int], object], threads: int) -> float:
    """Seconds from the moment `threads` threads all start `work(index, threads)` until the last
    one ends."""
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            work(index, threads)
        except BaseException as e:  # reported below
            errors.append(e)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    assert not errors, errors
    return elapsed


def share_of(events: list[bytes], index: int, threads: int) -> list[bytes]:
    """Thread `index`'s own part of the events, in one piece, as a thread consuming its own stream
    would have them."""
    size = -(-len(events) // threads)
    return events[index * size : (index + 1) * size]


def big_event(size: int) -> bytes:
    """A CityLots-shaped event of about `size` bytes: a lot whose polygon has many points."""
    head = b'{"type":"Feature","properties":{"MAPBLKLOT":"0001001","BLKLOT":"0001001","STREET":"UNKNOWN",'
    head += b'"FROM_ST":"0","TO_ST":"0","ODD_EVEN":"E","BLOCK_NUM":"0001","LOT_NUM":"001"},'
    head += b'"geometry":{"type":"Polygon","coordinates":[['
    point = b"[-122.422003528252475,37.808480096967251,0.0],"
    points = max(1, (size - len(head) - 4) // len(point))
    return head + (point * points)[:-1] + b"]]}}"


def threads_section(events: list[bytes], rounds: int, large_calls: int, passes: int) -> dict[str, Any]:
    """A pass over 20,000 small events takes a few milliseconds, the GIL's switch interval (5 ms):
    the events are gone through `passes` times, so that handing over the GIL at the start and the
    end of a run is a small part of it."""
    rule_sets: dict[str, list[dict[str, Any]]] = json.loads(RULES.read_text())
    figures: dict[str, Any] = {}
    print(
        f"Threads sharing one Machine, CityLots {len(events)} events x {passes} passes, events/s"
        f" (best of {rounds}):"
    )
    print(f"  {'':<40}" + "".join(f"{f'{n} thread' + ('s' if n > 1 else ''):>14}" for n in THREAD_COUNTS)
          + "   2 vs 1")

    def report(label: str, total: int, work: Callable[[int, int], object]) -> dict[int, float]:
        best = dict.fromkeys(THREAD_COUNTS, float("inf"))
        for _ in range(rounds):
            for n in THREAD_COUNTS:
                best[n] = min(best[n], timed_in_threads(work, n))
        rates = {n: total / seconds for n, seconds in best.items()}
        print(f"  {label:<40}" + "".join(f"{rates[n]:>14,.0f}" for n in THREAD_COUNTS)
              + f"   x{rates[2] / rates[1]:.2f}", flush=True)
        return rates

    for name in THREAD_SETS:
        machine = ferruler.Machine()
        for i, pattern in enumerate(rule_sets[name]):
            machine.add_rule(i, pattern)
        single, many = machine.matches_for_event, machine.matches_for_events

        def per_call(index: int, threads: int, single: Any = single) -> None:
            share = share_of(events, index, threads)
            for _ in range(passes):
                for event in share:
                    single(event)

        def batches(index: int, threads: int, many: Any = many) -> None:
            share = share_of(events, index, threads)
            chunks = [share[i : i + BATCH_CHUNK] for i in range(0, len(share), BATCH_CHUNK)]
            for _ in range(passes):
                for chunk in chunks:
                    many(chunk)

        total = len(events) * passes
        figures[name] = {
            "per_call": report(f"{name} matches_for_event", total, per_call),
            "batch": report(f"{name} matches_for_events({BATCH_CHUNK})", total, batches),
        }

    # Calls of CPython's own that hold the GIL, made the same way over the same events: two threads
    # can only take turns on them too, so their ratio is what turn-taking alone gives on this
    # machine at this moment, the ceiling for a per-call API that holds the GIL.
    tiny = b'{"a":1}'
    references: dict[str, Callable[[bytes], object]] = {
        "bytes.upper (reference)": bytes.upper,
        "json.loads, 7 bytes (reference)": lambda _event: json.loads(tiny),
    }
    for label, call in references.items():

        def reference(index: int, threads: int, call: Any = call) -> None:
            share = share_of(events, index, threads)
            for _ in range(passes):
                for event in share:
                    call(event)

        figures[label] = {"per_call": report(label, len(events) * passes, reference)}

    machine = ferruler.Machine()
    for i, pattern in enumerate(rule_sets["COMPLEX_ARRAYS"]):
        machine.add_rule(i, pattern)
    large = big_event(200_000)
    single = machine.matches_for_event

    def large_calls_work(index: int, threads: int) -> None:
        for _ in range(index, large_calls, threads):
            single(large)

    figures["large_event"] = report(f"one {len(large) // 1000} KB event, per call", large_calls, large_calls_work)
    ratios = {
        "per-call": min(f["per_call"][2] / f["per_call"][1] for k, f in figures.items() if k in THREAD_SETS),
        "batch": min(f["batch"][2] / f["batch"][1] for k, f in figures.items() if k in THREAD_SETS),
        "large event": figures["large_event"][2] / figures["large_event"][1],
    }
    targets = {"per-call": 1.0, "batch": 1.6, "large event": 1.6}
    for label, ratio in ratios.items():
        verdict = "met" if ratio >= targets[label] else "NOT met"
        print(f"Threads target, {label}: 2 threads x{ratio:.2f} of one (target x{targets[label]}): {verdict}.")
    references = [f["per_call"][2] / f["per_call"][1] for k, f in figures.items() if "reference" in k]
    print(f"  (CPython's own GIL-holding calls, the same way: x{min(references):.2f} to x{max(references):.2f})")
    return figures


def gil_threshold(rounds: int) -> list[dict[str, Any]]:
    """Per size: µs per call by one thread with the GIL held and released, and events/s of two
    threads each way."""
    machine = ferruler.Machine()
    for i, pattern in enumerate(json.loads(RULES.read_text())["COMPLEX_ARRAYS"]):
        machine.add_rule(i, pattern)
    match = machine._matches_for_event_gil
    rows = []
    print("GIL held or released per call, COMPLEX_ARRAYS rules (best of", rounds, "rounds):")
    print(f"  {'size':>8} {'held µs':>10} {'released µs':>12} {'cost':>7}"
          f" {'2 thr held ev/s':>16} {'2 thr released':>15} {'gain':>6}")
    for size in [200, 1000, 2000, 4000, 8000, 16_000, 64_000, 200_000]:
        event = big_event(size)
        calls = max(20, int(4_000_000 / size))
        best: dict[tuple[bool, int], float] = {}
        for _ in range(rounds):
            for release in (False, True):
                for threads in (1, 2):

                    def work(index: int, n: int, release: bool = release) -> None:
                        for _ in range(index, calls, n):
                            match(event, release)

                    key = (release, threads)
                    best[key] = min(best.get(key, float("inf")), timed_in_threads(work, threads))
        row = {
            "size": len(event),
            "held_us": best[(False, 1)] / calls * 1e6,
            "released_us": best[(True, 1)] / calls * 1e6,
            "two_held_per_s": calls / best[(False, 2)],
            "two_released_per_s": calls / best[(True, 2)],
        }
        rows.append(row)
        print(
            f"  {row['size']:>8} {row['held_us']:>10.2f} {row['released_us']:>12.2f}"
            f" {row['released_us'] / row['held_us']:>6.2f}x {row['two_held_per_s']:>16,.0f}"
            f" {row['two_released_per_s']:>15,.0f} {row['two_released_per_s'] / row['two_held_per_s']:>5.2f}x",
            flush=True,
        )
    return rows


def print_row(row: dict[str, Any]) -> None:
    """One rule set's figures, on one line."""
    competitors = "  ".join(
        f"{label.split()[0]} {result['events_per_s']:>7,.0f} ev/s ({result['matches']:>5})"
        for label, result in row["competitors"].items()
    )
    print(
        f"  {row['rule_set']:<26} ferruler {row['ferruler_events_per_s']:>9,.0f} ev/s"
        f" (engine alone {row['engine_events_per_s']:>9,.0f})"
        f" ({row['ferruler_matches']:>6}; {row['ferruler_matches_on_slice']:>5} on slice)  {competitors}"
        f"  x{row['ratio_vs_best']:,.0f}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="CityLots .jsonl.gz (gen_citylots.py)")
    parser.add_argument(
        "--competitor-events",
        type=int,
        default=2000,
        help="events given to the pure-Python matchers (the first N of the corpus; default 2000)",
    )
    parser.add_argument("--calls", type=int, default=200_000, help="calls per timed per-call loop")
    parser.add_argument(
        "--rounds", type=int, default=3, help="CityLots passes per matcher and rule set (fastest kept)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed loops per measurement (best kept)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--sections",
        default="per-call,citylots,batch,threads",
        help="what to measure, comma-separated, of per-call, citylots, batch, threads and"
        " gil-threshold (default: per-call,citylots,batch,threads)",
    )
    parser.add_argument("--batch-set", default="EXACT", help="rule set of the batch comparison")
    parser.add_argument("--large-calls", type=int, default=2000, help="calls on the large event (threads)")
    parser.add_argument("--passes", type=int, default=10, help="passes over the events (threads)")
    args = parser.parse_args()
    sections = args.sections.split(",")
    figures: dict[str, Any] = {}

    print(f"Python {platform.python_version()} on {platform.machine()}, ferruler {ferruler.__version__}")
    if "per-call" in sections:
        calls = figures["per_call_seconds"] = per_call(args.calls, args.repeats)
        us = {k: v * 1e6 for k, v in calls.items()}
        print("Per call, small event (119 bytes, 5 rules, 4 match), best of", args.repeats, "loops:")
        print(f"  matches_for_event(bytes) from Python  {us['python_bytes']:6.3f} µs")
        print(f"  engine alone, timed in Rust           {us['core']:6.3f} µs")
        print(f"  overhead of the binding (target < 1)  {us['overhead_bytes']:6.3f} µs")
        print(f"  (of which the Python loop: a call of len() costs {us['python_loop']:.3f} µs)")
        print(f"  matches_for_event(str)                {us['python_str']:6.3f} µs")
        print(f"  matches_for_event(dict)               {us['python_dict']:6.3f} µs (json serialisation)")
        print(f"Per-call overhead target (< 1 µs): {'met' if calls['overhead_bytes'] < 1e-6 else 'NOT met'}.")

    events = load_corpus(args.corpus)
    if "citylots" in sections:
        slice_events = min(args.competitor_events, len(events))
        print(
            f"CityLots: {len(events)} events ({sum(map(len, events)) / len(events):.0f} bytes on average) for"
            f" ferruler, the first {slice_events} for the pure-Python matchers; matches in brackets:"
        )
        rows = figures["citylots"] = citylots(events, slice_events, args.rounds)
        worst = min(rows, key=lambda r: r["ratio_vs_best"])
        print(
            f"Slowest ratio to the best pure-Python matcher: x{worst['ratio_vs_best']:,.0f} ({worst['rule_set']});"
            f" target x50: {'met' if worst['ratio_vs_best'] >= 50 else 'NOT met'}."
        )
    if "batch" in sections:
        rates = figures["batch"] = batch(events, args.batch_set, max(args.rounds, 5))
        ratio = rates["matches_for_events, batches of 1,000"] / rates["loop of matches_for_event"]
        print(f"Batch target (x1.5 the loop, batches of 1,000): {'met' if ratio >= 1.5 else 'NOT met'}.")
    if "threads" in sections:
        figures["threads"] = threads_section(events, args.rounds, args.large_calls, args.passes)
    if "gil-threshold" in sections:
        figures["gil_threshold"] = gil_threshold(args.rounds)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
