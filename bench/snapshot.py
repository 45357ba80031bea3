"""Benchmark: checking a 100,000-cluster snapshot against the ekslab-fleet/1 schema (target: under 2 s).

Also, for information: the depth check on the raw bytes, the whole ``load_snapshot`` of the file
(.json.gz, read as a capped stream), and the peak memory of loading it in a fresh process as a
multiple of the decompressed size (target: about 3x), and the same for ``stream_fleet`` (the frame
``ekslab findings`` builds while it reads). Prints times and ratios; asserts nothing.
Run: .venv/bin/python bench/snapshot.py [--clusters N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 2.0
TARGET_MEMORY = 3.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    from ekslab.fleet.snapshot import _validators, json_depth, validate
    from ekslab.localaws.synthetic import synthetic_snapshot

    snap = synthetic_snapshot(args.clusters)
    start = time.perf_counter()
    _validators()
    print(f"schema compiled in {time.perf_counter() - start:.2f} s (once per process)")
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        validate(snap)
        times.append(time.perf_counter() - start)
    best = min(times)
    print(f"validate {args.clusters:,} clusters: rounds " + ", ".join(f"{t:.3f}" for t in times)
          + f" s; target {TARGET_S:.1f} s -> ratio {best / TARGET_S:.2f} ({'within' if best <= TARGET_S else 'OVER'})")
    broken = dict(snap, clusters=list(snap["clusters"]))
    broken["clusters"][7] = dict(broken["clusters"][7], region={"not": "text"})
    start = time.perf_counter()
    repaired = validate(broken)
    slow = time.perf_counter() - start
    print(f"validate with one broken record (each record checked on its own): {slow:.3f} s, "
          f"{len(repaired['errors'])} error record; ratio {slow / TARGET_S:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        raw = json.dumps(snap, indent=1).encode()
        start = time.perf_counter()
        depth = json_depth(raw)
        print(f"depth check of {len(raw) / 1e6:.0f} MB: depth {depth} in {time.perf_counter() - start:.2f} s")
        path = Path(tmp) / "fleet.json.gz"
        path.write_bytes(gzip.compress(raw, compresslevel=1, mtime=0))
        del raw, snap, broken, repaired
        # /proc's VmHWM (peak) starts afresh at exec, unlike ru_maxrss, which a child inherits from this process
        code = ("import re, sys, time; from ekslab.fleet.snapshot import load_snapshot; import numpy, fastjsonschema\n"
                "kb = lambda k: int(re.search(k + r':\\s+(\\d+)', open('/proc/self/status').read())[1])\n"
                "before = kb('VmRSS'); t = time.perf_counter(); load_snapshot(sys.argv[1])\n"
                "print(time.perf_counter() - t, before, kb('VmHWM'))")
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
        seconds, before, after = (float(x) for x in out.stdout.split())
        size = len(gzip.decompress(path.read_bytes()))
        grew = (after - before) * 1024
        print(f"load_snapshot of {path.stat().st_size / 1e6:.0f} MB gzip ({size / 1e6:.0f} MB JSON): "
              f"{seconds:.2f} s; peak memory grew {grew / 1e6:.0f} MB = {grew / size:.1f}x the JSON "
              f"(target about {TARGET_MEMORY:.0f}x -> ratio {grew / size / TARGET_MEMORY:.2f})")
        # for information: the frame `ekslab findings` builds as the records stream in (fleet/framestream.py)
        code = code.replace("from ekslab.fleet.snapshot import load_snapshot", "import pandas; from "
                            "ekslab.fleet.framestream import stream_fleet").replace("load_snapshot(", "stream_fleet(")
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
        seconds, before, after = (float(x) for x in out.stdout.split())
        grew = (after - before) * 1024
        print(f"stream_fleet (the fleet frame `ekslab findings` reads) of the same file: {seconds:.2f} s; peak "
              f"memory grew {grew / 1e6:.0f} MB = {grew / size:.1f}x the JSON")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
