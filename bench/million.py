"""Benchmark: `ekslab findings` on a snapshot of 1,000,000 clusters (target: under 2.5 GB peak memory).

The snapshot is generated synthetically (``ekslab.localaws.synthetic.synthetic_snapshot``'s records,
written one by one into a .json.gz, so the generator never holds the whole text), then `ekslab
findings` runs in a fresh process whose peak memory (/proc's VmHWM) is printed as a ratio to the JSON
size and to the 2.5 GB target. `ekslab findings` and `ekslab report` build the frame's rows as the records
stream in (ekslab/fleet/framestream.py); up to 0.3 GB of JSON each command runs again with the whole
snapshot read first (the reading before), for comparison in the same run: the peaks' ratio is printed and
the two outputs are compared. `ekslab report` (the page and its CSV exports) is measured up to 0.3 GB of
JSON, or with --report. Prints; asserts nothing.
Run: .venv/bin/python bench/million.py [--clusters N] [--keep FILE] [--snapshot FILE] [--report]
The default (100,000 clusters) takes about three minutes (one for findings, two for report); the target's
own case, ``--clusters 1000000``, writes 1.35 GB of JSON (165 MB gzip) and takes 5-7 minutes on two busy cores.
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

TARGET_BYTES = 2.5e9
COMPARE_UP_TO = 0.3e9  # bytes of JSON up to which the old reading runs beside (it peaks near 6x)
RUN = """
import re, sys, time
from ekslab.cli import main
if sys.argv[2] == "whole":  # the reading before framestream (both commands' before): every record, then the frame
    from ekslab.audit import cli
    from ekslab.fleet.frame import fleet_frame

    def load_whole(source, max_bytes=None):
        snapshot = cli.read_snapshot(source, max_bytes)
        frame = fleet_frame(snapshot)
        frame.attrs["metadata"] = dict(snapshot["metadata"])
        return frame, snapshot["errors"]
    cli.load_for_cli = load_whole
start = time.perf_counter()
if sys.argv[3] == "findings":
    code = main(["findings", sys.argv[1], "--format", "json", "--min-severity", "critical", "--allow-partial",
                 "--max-bytes", str(1 << 40)])
else:  # the report and its CSV exports, written under the folder given
    code = main(["report", sys.argv[1], "-o", sys.argv[4] + "/report.html", "--csv", sys.argv[4] + "/csv",
                 "--allow-partial", "--max-bytes", str(1 << 40)])
hwm = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) * 1024
print(f"EKSLAB-BENCH {code} {time.perf_counter() - start:.1f} {hwm}", file=sys.stderr)
"""


def write_snapshot(path: Path, n: int) -> int:
    """A snapshot of ``n`` clusters written record by record; returns the JSON size in bytes."""
    from ekslab.localaws.synthetic import synthetic_snapshot

    step = 50_000
    first = synthetic_snapshot(min(n, step))
    size = 0
    with gzip.open(path, "wb", compresslevel=1) as out:
        def put(text: str) -> None:
            nonlocal size
            data = text.encode("utf-8")
            size += len(data)
            out.write(data)

        put('{"clusters": [')
        for start in range(0, n, step):
            part = synthetic_snapshot(min(step, n - start), seed=start)["clusters"] if start else first["clusters"]
            for i, record in enumerate(part):
                name = f"{record['cluster']['name']}-{start + i:07d}"
                record = dict(record, cluster=dict(record["cluster"], name=name))
                put(("," if start or i else "") + json.dumps(record, sort_keys=True, separators=(",", ":")))
        meta = dict(first["metadata"], source=f"bench/million.py ({n:,} clusters)", api_calls=3 * n)
        put('], "errors": [], "format": ' + json.dumps(first["format"]) + ', "metadata": ' + json.dumps(meta)
            + ', "vpcs": ' + json.dumps(first["vpcs"]) + "}")
    return size


def _measure(command: str, path: Path, size: int, tmp: Path) -> int:
    """Run ``command`` streamed, then (up to COMPARE_UP_TO) with the whole snapshot read first; print both peaks,
    their ratio and whether the outputs are the same. Returns 1 when a run failed."""
    outputs, peaks = [], []
    for how in ("stream", "whole"):
        if how == "whole" and size > COMPARE_UP_TO:
            print(f"(the whole-snapshot reading is compared up to {COMPARE_UP_TO / 1e9:.2f} GB of JSON: it "
                  "would need about 6x the JSON)")
            break
        folder = tmp / f"{command}-{how}"
        folder.mkdir()
        done = subprocess.run([sys.executable, "-c", RUN, str(path), how, command, str(folder)], capture_output=True,
                              text=True)
        line = [x for x in done.stderr.splitlines() if x.startswith("EKSLAB-BENCH ")]
        if not line:
            print(f"the {command} run failed:\n{done.stderr[-2000:]}")
            return 1
        code, seconds, peak = line[-1].split()[1:]
        peak = int(peak)
        peaks.append(peak)
        if command == "findings":
            found = len(json.loads(done.stdout)["findings"]) if done.stdout.strip() else 0  # ekslab-findings/1
            what, output = f"{found:,} critical findings shown", done.stdout
        else:  # the page and the exports, with the folder's own name taken out
            files = sorted(p for p in folder.rglob("*") if p.is_file())
            what = f"{(folder / 'report.html').stat().st_size / 1e6:.1f} MB page + {len(files) - 1} exports"
            output = [p.read_bytes().replace(str(folder).encode(), b"") for p in files]
        outputs.append(output)
        label = f"ekslab {command}" if how == "stream" else "the same with the whole snapshot read first (before)"
        target = (f"; target 2.5 GB -> ratio {peak / TARGET_BYTES:.2f} ({'within' if peak <= TARGET_BYTES else 'OVER'})"
                  if command == "findings" else "")
        print(f"{label}: exit {code}, {what}, in {seconds} s; peak memory {peak / 1e9:.2f} GB = {peak / size:.2f}x "
              f"the JSON{target}")
    if len(outputs) == 2:
        print(f"ekslab {command}: streamed peak / whole-snapshot peak = {peaks[0] / peaks[1]:.2f}; the two readings' "
              f"outputs {'are the same' if outputs[0] == outputs[1] else 'DIFFER'}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="write the snapshot here and keep it")
    parser.add_argument("--snapshot", type=Path, default=None, help="a snapshot --keep wrote (not written again)")
    parser.add_argument("--report", action="store_true",
                        help="measure `ekslab report` too above 0.3 GB of JSON (it always is below)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = args.snapshot or args.keep or Path(tmp) / "million.json.gz"
        start = time.perf_counter()
        if args.snapshot:
            with gzip.open(path, "rb") as f:
                size = sum(len(chunk) for chunk in iter(lambda: f.read(1 << 24), b""))
        else:
            size = write_snapshot(path, args.clusters)
        print(f"snapshot of {'the given' if args.snapshot else format(args.clusters, ',')} clusters: "
              f"{size / 1e9:.2f} GB of JSON, {path.stat().st_size / 1e6:.0f} MB gzip, "
              f"{'measured' if args.snapshot else 'written'} in {time.perf_counter() - start:.0f} s")
        for command in ("findings", "report") if args.report or size <= COMPARE_UP_TO else ("findings",):
            if _measure(command, path, size, Path(tmp)):
                return 1
        if not args.snapshot and args.clusters != 1_000_000:
            print("(the 2.5 GB target is for 1,000,000 clusters: run with --clusters 1000000)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
