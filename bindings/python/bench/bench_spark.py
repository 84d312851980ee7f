"""Events per second on Spark (local mode) for the CityLots rule sets: ferruler.spark's Arrow path,
a plain Python UDF calling Machine.matches_for_event per row, and `ferruler filter` on the same
events (run by scripts/bench-spark.sh, which prepares the corpus and the binary).

Each contender does the whole job once per round and the fastest round is kept:

* **arrow**: ``match_rules(df, "value", rules)`` then ``sum(size(rules))``, so every batch is
  matched and nothing but one number reaches the driver;
* **udf**: the same aggregate over a ``pyspark.sql.functions.udf`` returning
  ``array<string>`` that calls ``Machine.matches_for_event`` on each row (the machine compiled once
  per worker process, as the Arrow path does);
* **floor**: a ``mapInArrow`` that returns each batch with an empty list column and
  matches nothing, the cost of Spark's own JVM-to-Python Arrow round trip that the Arrow path
  cannot go below;
* **filter -jN**: ``ferruler filter --rules R --jobs N EVENTS > /dev/null`` (it writes every
  event's rule names, which Spark does not).

The Spark contenders read the same plain JSON-lines file (``spark.read.text``), reading included.
Match counts are compared: every contender must find the same number of matches.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any, Callable, Dict


def best_of(rounds: int, run: Callable[[], int]) -> tuple[float, int]:
    best, found = float("inf"), -1
    for _ in range(rounds):
        start = time.perf_counter()
        found = run()
        best = min(best, time.perf_counter() - start)
    return best, found


_UDF_MACHINES: Dict[str, Any] = {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", required=True, help="plain JSON-lines file")
    parser.add_argument("--rules", required=True, help="citylots-rules.json")
    parser.add_argument("--ferruler", required=True, help="the ferruler binary")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sets", default="", help="comma-separated rule sets (default: all)")
    parser.add_argument("--no-udf", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, StringType

    import ferruler
    from ferruler.spark import match_rules

    spark = (
        SparkSession.builder.master(args.master)
        .appName("ferruler-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    cores = spark.sparkContext.defaultParallelism
    df = spark.read.text(args.events).cache()
    events = df.count()  # also loads the cache: reading the file is then out of the timings
    sets = json.loads(open(args.rules).read())
    chosen = [s for s in args.sets.split(",") if s] or list(sets)
    print(
        f"{events} events, {os.path.getsize(args.events) / events:.0f} bytes each, master {args.master} "
        f"({cores} cores), best of {args.rounds}",
        flush=True,
    )
    import pyarrow as pa

    def echo(batches: Any) -> Any:
        for b in batches:
            empty = pa.nulls(len(b), pa.list_(pa.string()))
            yield pa.RecordBatch.from_arrays(b.columns + [empty], names=b.schema.names + ["rules"])

    def floor() -> int:
        return int(df.mapInArrow(echo, "value string, rules array<string>").agg(F.count("rules")).first()[0])

    floor()  # warm-up: starts the Python workers
    header = (
        "| rule set | floor (no matching) | arrow | udf | filter --jobs 2 | filter --jobs 1 | arrow ÷ floor "
        "| arrow ÷ udf | arrow per core ÷ filter --jobs 1 |"
    )
    rows = []
    for name in chosen:
        rules = {f"{name}-{i}": p for i, p in enumerate(sets[name])}
        rules_file = os.path.join(os.path.dirname(args.events), f"rules-{name}.json")
        with open(rules_file, "w") as f:
            json.dump(rules, f)

        def arrow() -> int:
            out = match_rules(df, "value", rules)
            return int(out.agg(F.sum(F.size("rules"))).first()[0])

        texts = tuple((n, json.dumps(p)) for n, p in rules.items())

        def per_row(event: str) -> list:
            machine = _UDF_MACHINES.get(texts)
            if machine is None:
                machine = ferruler.Machine()
                for n, p in texts:
                    machine.add_rule(n, p)
                _UDF_MACHINES[texts] = machine
            return machine.matches_for_event(event)

        udf = F.udf(per_row, ArrayType(StringType()))

        def python_udf() -> int:
            return int(df.select(udf("value").alias("rules")).agg(F.sum(F.size("rules"))).first()[0])

        def cli(jobs: int) -> Callable[[], int]:
            def run() -> int:
                done = subprocess.run(
                    [args.ferruler, "filter", "--rules", rules_file, "--jobs", str(jobs), args.events],
                    stdout=subprocess.PIPE,
                    check=True,
                )
                return sum(len(json.loads(line)) for line in done.stdout.splitlines())

            return run

        arrow()  # warm-up: compiles the rules in the workers
        # The floor is measured beside each set: the machine's load changes over a run.
        t_floor, _ = best_of(args.rounds, floor)
        t_arrow, n_arrow = best_of(args.rounds, arrow)
        t_udf, n_udf = (float("nan"), n_arrow) if args.no_udf else best_of(args.rounds, python_udf)
        # The CLI's count is taken from its output, outside the timing.
        t_two = best_of_cli(
            args.rounds, [args.ferruler, "filter", "--rules", rules_file, "--jobs", "2", args.events]
        )
        t_one = best_of_cli(
            args.rounds, [args.ferruler, "filter", "--rules", rules_file, "--jobs", "1", args.events]
        )
        n_cli = cli(2)()
        if not n_arrow == n_udf == n_cli:
            raise SystemExit(f"{name}: match counts differ: arrow {n_arrow}, udf {n_udf}, filter {n_cli}")
        rate = lambda t: events / t  # noqa: E731
        per_core = rate(t_arrow) / cores
        row = (
            f"| {name} | {rate(t_floor):,.0f} | {rate(t_arrow):,.0f} | {rate(t_udf):,.0f} | {rate(t_two):,.0f} "
            f"| {rate(t_one):,.0f} | {t_floor / t_arrow:.2f} | {t_udf / t_arrow:.1f}× | {per_core / rate(t_one):.2f} |"
        )
        rows.append(row)
        print(row, f"({n_arrow} matches)", flush=True)
    print()
    print(header)
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(row)
    spark.stop()


def best_of_cli(rounds: int, command: list) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main()
