"""Run every benchmark in this folder and print one table of figures, baselines and goals.

Usage: ``python -m benchmarks.run_all [--quick] [--only NAME] [--markdown FILE]``

Each ``bench_*.py`` module exposes ``run(quick: bool) -> list[dict]``; a row has ``name``,
``value`` and ``unit``, and where it applies ``baseline`` (measured in the same run),
``ratio`` and ``goal`` (a sentence such as "within 3x" or "< 1 s").
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import benchmarks

COLUMNS = ("benchmark", "figure", "value", "baseline", "ratio", "goal", "met")


def discover(only: str | None = None) -> list[str]:
    names = sorted(
        info.name for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_")
    )
    return [n for n in names if only is None or only in n]


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def collect(quick: bool, only: str | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in discover(only):
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.perf_counter()
        try:
            results = module.run(quick=quick)
        except Exception as exc:  # one failing benchmark must not hide the others
            traceback.print_exc()
            rows.append({"module": name, "name": "FAILED", "value": str(exc), "unit": ""})
            continue
        for result in results:
            rows.append({"module": name, **result})
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return rows


def render(rows: list[dict[str, Any]]) -> list[list[str]]:
    table = []
    for row in rows:
        met = row.get("met")
        table.append([
            row["module"].removeprefix("bench_"),
            str(row.get("name", "")),
            _fmt(row.get("value"), row.get("unit", "")),
            _fmt(row.get("baseline"), row.get("unit", "")),
            _fmt(row.get("ratio"), "x") if row.get("ratio") is not None else "-",
            str(row.get("goal") or "-"),
            "-" if met is None else ("yes" if met else "NO"),
        ])
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", help="run only benchmarks whose name contains this")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    args = parser.parse_args(argv)

    table = render(collect(args.quick, args.only))
    widths = [max(len(c), *(len(r[i]) for r in table)) if table else len(c)
              for i, c in enumerate(COLUMNS)]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))

    if args.markdown:
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(r) + " |" for r in table]
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
