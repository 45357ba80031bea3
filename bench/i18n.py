"""Benchmark: what speaking a language costs (target: an English lookup < 1 µs, so toggles stay as fast).

Times, in one run: importing ekslab.i18n in a fresh interpreter (with and without
``import ekslab``), a message lookup in English (the message itself) and in Korean (the
catalog), and drawing the same picture's DOT source in English and in Korean, whose only
difference is the font. Prints wall times and ratios (the English lookup as a ratio to its
target); nothing is asserted, nothing written.
Run: .venv/bin/python bench/i18n.py [--calls N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

TARGET_LOOKUP_S = 1e-6


def _import_seconds(code: str) -> float:
    timed = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", timed], capture_output=True, text=True, check=True).stdout)
            for _ in range(5)]
    return min(runs)


def _per_call(fn, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn("options")
    return (time.perf_counter() - start) / calls


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000, help="lookups per language")
    args = parser.parse_args(argv)

    bare = _import_seconds("import ekslab")
    with_i18n = _import_seconds("import ekslab, ekslab.i18n; ekslab.get_language()")
    print(f"import ekslab: {bare * 1000:.1f} ms; with ekslab.i18n and the first language choice: "
          f"{with_i18n * 1000:.1f} ms (+{(with_i18n - bare) * 1000:.1f} ms, paid on first use only)")

    from ekslab.i18n import _, using_language

    plain = _per_call(str, args.calls)
    english = _per_call(_, args.calls)
    with using_language("ko"):
        _("options")  # load the catalog outside the timing
        korean = _per_call(_, args.calls)
    print(f"lookup per call: English {english * 1e9:.0f} ns, Korean {korean * 1e9:.0f} ns, "
          f"str() {plain * 1e9:.0f} ns; Korean/English {korean / english:.2f}x; "
          f"English / {TARGET_LOOKUP_S * 1e6:.0f} µs target = ratio {english / TARGET_LOOKUP_S:.3f} "
          f"({'within' if english < TARGET_LOOKUP_S else 'OVER'})")

    from ekslab.drawing.draw import cache_clear, draw, mode_config

    config = mode_config("public_and_private")
    draw(config)  # import diagrams outside the timing
    timings = {}
    for language in ("en", "ko"):
        with using_language(language):
            cache_clear()
            start = time.perf_counter()
            for _n in range(10):
                cache_clear()
                draw(config)
            timings[language] = (time.perf_counter() - start) / 10
    print(f"build one picture's DOT (uncached): English {timings['en'] * 1000:.1f} ms, Korean "
          f"{timings['ko'] * 1000:.1f} ms, Korean/English {timings['ko'] / timings['en']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
