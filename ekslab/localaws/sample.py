"""The bundled sample fleet: seed a sandbox with ``SAMPLE``, scan it with the real scanner, write it.

    python -m ekslab.localaws.sample --write data/sample-fleet.json

Apart from ``fleets`` (the declarations) and ``server`` (the sandbox) so that neither imports the other.
Taught in notebooks/03_fleet_analysis.ipynb.
"""

from __future__ import annotations

from ekslab.fleet.scanner import scan
from ekslab.fleet.snapshot import save_snapshot
from ekslab.localaws.fleets import SAMPLE, SAMPLE_CREATED, SAMPLE_SOURCE
from ekslab.localaws.server import _environment, sandbox


def sample_snapshot(box=None) -> dict:
    """Seed a sandbox with SAMPLE (or use ``box``, a running sample sandbox), scan it with the real
    scanner, and fix the two run-dependent fields.

    ``created`` becomes SAMPLE_CREATED and ``source`` SAMPLE_SOURCE; nothing else is touched.
    Taught in notebooks/03_fleet_analysis.ipynb.
    """

    def run():
        return scan(org_role=SAMPLE.org_role, regions=list(SAMPLE.regions), progress=False, source=SAMPLE_SOURCE,
                    nodegroups=True)  # the node groups' subnets are the node subnets (spec 10.1)

    if box is None:
        with sandbox("sample"):  # sets AWS_ENDPOINT_URL and sandbox credentials while it runs
            result = run()
    else:
        if box.fleet is not SAMPLE:
            raise ValueError(f"sample_snapshot needs a sandbox of the sample fleet, got {box.fleet!r}")
        with _environment(box.env):
            result = run()
    snap = result.snapshot
    snap["metadata"]["created"] = SAMPLE_CREATED
    return snap


def write_sample(path) -> None:
    """Regenerate data/sample-fleet.json (byte for byte the same on every run).

    Taught in notebooks/03_fleet_analysis.ipynb.
    """
    save_snapshot(sample_snapshot(), path)


def main(argv=None) -> int:
    """``python -m ekslab.localaws.sample --write data/sample-fleet.json`` (notebooks/03_fleet_analysis.ipynb)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m ekslab.localaws.sample", description=main.__doc__)
    parser.add_argument("--write", metavar="PATH", required=True, help="where to write the sample snapshot")
    args = parser.parse_args(argv)
    write_sample(args.write)
    print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
