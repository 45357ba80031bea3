"""Benchmark: how fast the endpoint explorer refreshes every output after a toggle (target: median < 50 ms).

Runs in-process, no browser: builds an EndpointExplorer, renders once, then flips 200
randomly chosen switches (seeded) and times each full refresh (table, diagram,
warnings and findings, command). Prints wall times and the ratio of the median to
the 50 ms target, split into diagram cache hits and misses. Not a test: nothing is
asserted. Run: .venv/bin/python bench/explorer.py [--toggles N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

TARGET_MS = 50.0
SWITCHES = ("public", "private", "dns_support", "dns_hostnames", "amazon_provided_dns", "hybrid", "sg_allows_443")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toggles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)

    import ekslab
    from ekslab.drawing import draw as drawing

    drawing.cache_clear()
    t0 = time.perf_counter()
    ex = ekslab.EndpointExplorer()
    first = (time.perf_counter() - t0) * 1000
    rng = random.Random(args.seed)
    timings = {"hit": [], "miss": [], "refused": []}
    for _ in range(args.toggles):
        name = rng.choice(SWITCHES)
        misses = drawing.cache_info()["misses"]
        t = time.perf_counter()
        ex.controls[name].value = not ex.controls[name].value
        ms = (time.perf_counter() - t) * 1000
        kind = "refused" if ex.scene.config is None else ("miss" if drawing.cache_info()["misses"] > misses else "hit")
        timings[kind].append(ms)

    every = [ms for values in timings.values() for ms in values]
    median = statistics.median(every)
    print(f"first render (imports, widgets, cold diagram): {first:.1f} ms")
    print(f"{len(every)} toggles: median {median:.2f} ms, p95 {percentile(every, 95):.2f} ms, "
          f"max {max(every):.1f} ms; median / {TARGET_MS:.0f} ms target = {median / TARGET_MS:.3f}")
    for kind, label in (("hit", "diagram cached"), ("miss", "diagram rendered (cold)"),
                        ("refused", "both off: refusal shown")):
        values = timings[kind]
        if values:
            print(f"  {label}: {len(values)} toggles, median {statistics.median(values):.2f} ms, "
                  f"p95 {percentile(values, 95):.2f} ms")
    print(f"drawing cache: {drawing.cache_info()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
