"""Benchmark: ekslab.findings over a synthetic fleet of 100,000 clusters (target: 0.5 s median).

The fleet comes from ``ekslab.localaws.synthetic.synthetic_fleet`` (repeating CIDR lists and NAT
gateways, as real fleets have). The first round is cold (the rule caches are empty);
the next rounds clear the caches too, so every round pays for the rules in full. It also
times ``compare_tools`` once for information. Prints wall times, the process's CPU times
(steadier on a shared machine) and the ratio to the target; nothing is asserted and
nothing is written.
Run: .venv/bin/python bench/findings.py [--clusters N] [--rounds N] [--seed S]
"""

from __future__ import annotations

import argparse
import statistics
import time

TARGET_S = 0.5  # issue 18: the spec-10 rules must add nothing measurable


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    import pandas  # noqa: F401  (imported before timing: the import is not the rules' cost)

    from ekslab.audit.crossref import compare_tools
    from ekslab.audit.rules import clear_caches, evaluate_fleet
    from ekslab.localaws.synthetic import synthetic_fleet

    imported = time.perf_counter() - start
    start = time.perf_counter()
    fleet = synthetic_fleet(args.clusters, seed=args.seed)
    generated = time.perf_counter() - start
    print(f"imports {imported:.2f} s; synthetic fleet of {len(fleet):,} clusters generated in {generated:.2f} s")

    times, cpu, found = [], [], 0
    for _ in range(args.rounds):
        clear_caches()
        start, start_cpu = time.perf_counter(), time.process_time()
        table, notes, _ = evaluate_fleet(fleet)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        found = len(table)
    print(f"findings: {found:,} rows, {len(notes):,} notes, {len(set(table['id']))} distinct rule ids")
    print("rounds (s): " + ", ".join(f"{t:.3f}" for t in times))
    print("rounds, CPU of this process (s): " + ", ".join(f"{t:.3f}" for t in cpu)
          + f" -> median {statistics.median(cpu):.3f} s, ratio {statistics.median(cpu) / TARGET_S:.2f}")
    best, median = min(times), statistics.median(times)
    print(f"findings for {len(fleet):,} clusters: best {best:.3f} s, median {median:.3f} s; "
          f"target {TARGET_S:.2f} s -> ratio best {best / TARGET_S:.2f}, median {median / TARGET_S:.2f} "
          f"({'within' if median <= TARGET_S else 'OVER'} target)")
    start = time.perf_counter()
    compare_tools(fleet)
    print(f"compare_tools (information, no target): {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
