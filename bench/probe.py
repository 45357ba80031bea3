"""Benchmark: the probe over loopback (targets: a reachable endpoint < 100 ms; a black-holed one within --timeout's
budget).

Times, in one run, against the local stand-in (ekslab.localaws.standin): a probe of a reachable
endpoint (DNS, TCP to both addresses, TLS and GET /version), best of --runs, as a ratio to 100 ms;
and a probe whose every address is black-holed (TCP connect times out), as a ratio to its budget
(4 x --timeout by default). Prints wall times and ratios; nothing is asserted, nothing written.
Run: .venv/bin/python bench/probe.py [--timeout S] [--runs N]
"""

from __future__ import annotations

import argparse
import time

TARGET_REACHABLE_S = 0.100


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=0.5, help="seconds per step (default 0.5)")
    parser.add_argument("--runs", type=int, default=20, help="reachable probes; the best is kept")
    args = parser.parse_args(argv)

    import ekslab
    from ekslab.localaws.standin import standin

    budget = 4 * args.timeout
    with standin("private") as lab:
        def once(place):
            start = time.perf_counter()
            result = ekslab.probe(lab.cluster, vpc_cidrs=lab.vpc_cidrs, network=place, timeout=args.timeout,
                                  budget=budget)
            return time.perf_counter() - start, result

        reachable = lab.place("vpc", private="api")
        once(reachable)  # warm: imports, the first TLS context
        best, result = min((once(reachable) for _ in range(args.runs)), key=lambda pair: pair[0])
        assert result.answered, result
        holed, result = once(lab.place("vpc", private="blackhole"))
        assert result.layer == "path" and result.outcome == "timeout", result
    print(f"reachable probe (DNS, 2 x TCP, TLS, GET /version): {best * 1000:.1f} ms "
          f"= {best / TARGET_REACHABLE_S:.2f} x the 100 ms target (best of {args.runs})")
    print(f"black-holed probe: {holed:.2f} s = {holed / budget:.2f} x its {budget:g} s budget "
          f"(--timeout {args.timeout:g} s per step)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
