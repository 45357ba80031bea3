"""Benchmark: the three access-mode pictures, cold and cached (target: cold < 1 s together).

Run in a fresh interpreter so the first round is cold: it includes importing the
diagrams library, building the three graphs and running Graphviz for each PNG. It
times the three renders one after another and in parallel (separate ``dot``
processes), then the same calls again, which the cache answers. Prints wall times
and the cache speed-up; nothing is asserted and nothing is written to disk.
Run: .venv/bin/python bench/drawing.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time

TARGET_S = 1.0


def _three_pngs(parallel: bool) -> float:
    from ekslab.drawing.draw import mode_drawings, render_many

    start = time.perf_counter()
    drawings = mode_drawings()
    if parallel:
        render_many(drawings.values(), ("png",))
    else:
        for d in drawings.values():
            d.png()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="warm rounds (cache cleared) to average")
    args = parser.parse_args(argv)

    from ekslab.drawing.draw import cache_clear, cache_info

    cold_parallel = _three_pngs(parallel=True)  # first call in this process: imports diagrams too
    hit = _three_pngs(parallel=False)
    print(f"cold, first call in the process (import + build + 3 PNGs, parallel dot): {cold_parallel * 1000:7.1f} ms"
          f"   target {TARGET_S * 1000:.0f} ms, ratio {cold_parallel / TARGET_S:.2f}")
    print(f"same inputs again (cache hit):                                          {hit * 1000:7.3f} ms"
          f"   speed-up x{cold_parallel / hit:,.0f}")

    timings = {"sequential": [], "parallel": []}
    for _ in range(args.rounds):
        for kind in timings:
            cache_clear()
            timings[kind].append(_three_pngs(parallel=kind == "parallel"))
    for kind, values in timings.items():
        median = statistics.median(values)
        print(f"cache cleared, 3 PNGs {kind:10s} (median of {args.rounds}): {median * 1000:7.1f} ms"
              f"   min {min(values) * 1000:.1f}  max {max(values) * 1000:.1f}"
              f"   ratio to target {median / TARGET_S:.2f}")
    cache_clear()
    _three_pngs(parallel=True)
    warm_hit = _three_pngs(parallel=False)
    median = statistics.median(timings["parallel"])
    print(f"cache hit after a cleared render: {warm_hit * 1e6:.0f} us, speed-up x{median / warm_hit:,.0f}; "
          f"cache {cache_info()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
