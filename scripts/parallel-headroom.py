#!/usr/bin/env python3
"""How much of a second core this machine gives right now: the work of two processes running a
pure-Python busy loop at once, against one alone, in the same time (2.0 on two idle cores, 1.0
when other work takes the second core).

The binding benchmarks' 2-thread and batch ratios can be no better than this: run it beside them
(scripts/bench-python.sh, scripts/bench-node.sh) on a shared machine to tell a slow figure from a
busy machine. Usage: scripts/parallel-headroom.py [rounds]
"""

import multiprocessing
import sys
import time


def spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def headroom(n: int = 10_000_000) -> float:
    with multiprocessing.Pool(2) as pool:
        pool.map(spin, [1000, 1000])  # both workers started
        start = time.perf_counter()
        pool.map(spin, [n])
        one = time.perf_counter() - start
        start = time.perf_counter()
        pool.map(spin, [n, n])
        two = time.perf_counter() - start
    return 2 * one / two


if __name__ == "__main__":
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 1):
        print(f"parallel headroom: x{headroom():.2f}", flush=True)
