"""A quick smoke run of every benchmark: each runs and reports well-formed rows.

The real measurements run with ``python -m benchmarks.run_all``; this only proves the
benchmarks still work against the current code.
"""

from __future__ import annotations

import importlib

import pytest

from benchmarks.run_all import discover, render


@pytest.mark.slow
@pytest.mark.parametrize("name", discover())
def test_benchmark_runs_in_quick_mode(name: str) -> None:
    module = importlib.import_module(f"benchmarks.{name}")
    rows = module.run(quick=True)
    assert rows, f"{name} reported nothing"
    for row in rows:
        assert row["name"] and row["unit"] is not None
        assert isinstance(row["value"], int | float) and row["value"] >= 0
        if row.get("baseline") is not None:
            assert row["baseline"] > 0 and row["ratio"] is not None
    assert render([{"module": name, **r} for r in rows])
