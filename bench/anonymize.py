"""Benchmark: anonymize one 220 KB error message (target: well under 1 s), and 22 KB -> 220 KB (target ~10x).

The message repeats pieces that made a pattern quadratic before (``oidc.eks.`` without an id, long
word runs, ARN prefixes, addresses, host names); a linear anonymizer takes about 10x the time for 10x
the text. Prints times and ratios; asserts nothing.
Run: .venv/bin/python bench/anonymize.py
"""

from __future__ import annotations

import time

TARGET_S = 1.0
PIECES = ("oidc.eks.", "arn:aws", "a" * 40 + ".", "0123456789abcdef" * 2, "::", "ip-1-2-3-", "https://x",
          "payments-prod ", "10.0.0.", "5a0c2b6e-3f1d-4c2a-", "ip-10-1-2-3.ec2.internal ", "2001:db8::7 ")


def _seconds(anon, text: str) -> float:
    best = float("inf")
    for _round in range(3):
        start = time.perf_counter()
        anon.text(text, "message")
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    from ekslab.fleet.snapshot import _Anonymizer

    anon = _Anonymizer(b"bench", {f"payments-prod-{i}" for i in range(1000)} | {"payments-prod"})
    worst = 0.0
    for piece in PIECES:
        small, large = piece * (22_000 // len(piece)), piece * (220_000 // len(piece))
        t_small, t_large = _seconds(anon, small), _seconds(anon, large)
        worst = max(worst, t_large)
        print(f"{piece[:24]!r:28} 22 KB {t_small * 1000:7.1f} ms, 220 KB {t_large * 1000:7.1f} ms: "
              f"ratio {t_large / max(t_small, 1e-9):5.1f} (linear ~10)")
    mixed = "".join(PIECES) * (220_000 // len("".join(PIECES)))
    t_mixed = _seconds(anon, mixed)
    print(f"a 220 KB message of every piece: {t_mixed:.3f} s; the slowest single piece {worst:.3f} s; "
          f"target {TARGET_S:.1f} s -> ratio {max(t_mixed, worst) / TARGET_S:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
