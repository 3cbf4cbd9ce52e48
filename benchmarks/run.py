"""Run the benchmarks and print one JSON object.

Usage: ``python benchmarks/run.py [--only NAME[,NAME...]] [--json]``

Each entry is ``{"value", "unit", "goal", "baseline", "ratio"}``; baselines are
measured in the same run. Benchmarks live in ``benchmarks/bench_*.py``, each
exposing ``BENCHMARKS: dict[str, Callable[[], dict]]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def collect() -> dict:
    found = {}
    for path in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        module = importlib.import_module(f"benchmarks.{path.stem}")
        found.update(module.BENCHMARKS)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    benchmarks = collect()
    names = args.only.split(",") if args.only else list(benchmarks)
    unknown = [n for n in names if n not in benchmarks]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; known: {sorted(benchmarks)}", file=sys.stderr)
        return 2
    results = {}
    for name in names:
        if not args.json:
            print(f"running {name}…", file=sys.stderr)
        try:
            results[name] = benchmarks[name]()
        except Exception as exc:  # report and go on with the others
            traceback.print_exc(file=sys.stderr)
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(results, indent=2))
    return 0 if all("error" not in r for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
