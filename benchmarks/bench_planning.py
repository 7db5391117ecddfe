"""What a slider move costs: the planner's fast path and goal seek on the sample data.

    python benchmarks/bench_planning.py [--year 2021] [--runs 2000]

Imports sample_data/ once, computes the figures and the baseline (the page caches these), then
times, as the median of --runs runs in this process:
  evaluate        one scenario evaluated on the baseline (what a slider move reruns);
  slider move     evaluate + the side-by-side target table + the Figure 1 row + the placement table;
  goal seek       the fewest persons per scheme for every unmet target;
  placement plan  persons needed for each start month, for one target and scheme;
and, for comparison, the reference path (the plan written into the annual table and csr.shares rerun)
over fewer runs. The issue's budget is 30 ms for the computation behind a slider move.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from timing import median_ms  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent

BUDGET_MS = 30.0


def main() -> None:
    from csr.config import default_config
    from csr.importers import import_files
    from csr.planning import (
        Placement,
        Scenario,
        apply_scenario,
        build_baseline,
        compare_targets,
        evaluate,
        goal_seek,
        placement_options,
        placement_table,
    )
    from csr.shares import compute

    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2021, help="baseline year (2021: education target unmet)")
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()

    config = default_config()
    result = import_files(sorted((ROOT / "sample_data").glob("*.*")), config)
    assert result.ok, [str(f) for f in result.errors[:3]]
    start = time.perf_counter()
    figures = compute(result.data, result.placements, config)
    baseline = build_baseline(figures, config, args.year, data=result.data)
    setup_ms = (time.perf_counter() - start) * 1000
    year = baseline.year
    plan = Scenario(
        year,
        {"fleksjob": 10, "beredskab": 5, "elever": 3},
        -15,
        (Placement("elever", 8, (year, 8), (year, 12)), Placement("fgu", 2, (year - 1, 9), (year, 3))),
    )
    before = evaluate(baseline, config)

    def slider_move() -> None:
        after = evaluate(baseline, config, plan)
        compare_targets(before, after)
        after.years_frame()
        placement_table(plan, config)

    rows = [
        ("evaluate", median_ms(lambda: evaluate(baseline, config, plan), args.runs)),
        ("slider move", median_ms(slider_move, max(1, args.runs // 4))),
        ("goal seek", median_ms(lambda: goal_seek(baseline, config, plan), args.runs)),
        (
            "placement plan",
            median_ms(
                lambda: placement_options(baseline, config, "uddannelse_min", "elever", plan), max(1, args.runs // 4)
            ),
        ),
        ("reference path", median_ms(lambda: apply_scenario(figures, config, plan), max(1, min(30, args.runs)))),
    ]
    print(f"Sample data, baseline {year}: figures and baseline built once in {setup_ms:.1f} ms")
    print(f"Unmet targets and persons per scheme: {goal_seek(baseline, config, plan)}")
    print(f"{'':<16} {'median ms':>10}")
    for name, ms in rows:
        print(f"{name:<16} {ms:>10.3f}")
    move = rows[1][1] + rows[2][1]
    print(
        f"slider move with goal seek: {move:.3f} ms ({'within' if move < BUDGET_MS else 'OVER'} the "
        f"{BUDGET_MS:.0f} ms budget)"
    )


if __name__ == "__main__":
    main()
