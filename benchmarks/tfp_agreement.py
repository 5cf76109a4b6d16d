"""How far the two TFP rankings agree on the demo, and how well each ranks the demo's true
productivity (docs/evaluation.md). Reads an evaluated demo warehouse; the truth comes from the
demo generator (same seed), whose value added follows VA = A K^0.35 L^0.65.

    .venv/bin/zonestat demo && .venv/bin/zonestat evaluate --year 2023
    .venv/bin/python benchmarks/tfp_agreement.py [--db data/warehouse.duckdb] [--year 2023]
"""
from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import duckdb
import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from zonestat.cli.demo import DEMO_SEED  # noqa: E402
from demo.evaluation import EVALUATION_YEARS, EvaluationInputs  # noqa: E402
from demo.filings import Filings  # noqa: E402
from demo.zone import build_zone  # noqa: E402


def weighted(pairs: list[tuple[float, int]]) -> float:
    return sum(r * n for r, n in pairs) / sum(n for _, n in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "warehouse.duckdb"))
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args()
    zone = build_zone(DEMO_SEED)
    truth = dict(zip(zone.firms["enterprise_id"],
                     EvaluationInputs(Filings(zone), DEMO_SEED).tfp[:, EVALUATION_YEARS.index(args.year)]))
    with duckdb.connect(args.db, read_only=True) as con:
        rows = con.execute("select local_industry, enterprise_id, tfp_ga, tfp_acf, tfp_ga_rank_industry, "
                           "tfp_acf_rank_industry, va_method, acf_scope from marts.enterprise_evaluation "
                           "where year = ? and tfp_ga is not null and tfp_acf is not null", [args.year]).fetchall()
    by = collections.defaultdict(list)
    for row in rows:
        by[row[0]].append(row)
    pairs = collections.defaultdict(list)
    overlap = 0
    print(f"{'industry':16s} {'firms':>5s} {'GA~ACF':>7s} {'GA~true':>7s} {'ACF~true':>8s} top-3 overlap, ACF scope")
    for industry, rs in sorted(by.items()):
        ga, acf = np.array([r[2] for r in rs]), np.array([r[3] for r in rs])
        true = np.array([truth[r[1]] for r in rs])
        produced = [i for i, r in enumerate(rs) if r[6] == "production"]
        both = len({i for i, r in enumerate(rs) if r[4] <= 3} & {i for i, r in enumerate(rs) if r[5] <= 3})
        overlap += both
        stats = {"ga_acf": spearmanr(ga, acf).statistic, "ga_true": spearmanr(ga, true).statistic,
                 "acf_true": spearmanr(acf, true).statistic,
                 "ga_true_production": spearmanr(ga[produced], true[produced]).statistic}
        for key, value in stats.items():
            pairs[key].append((value, len(rs) if key != "ga_true_production" else len(produced)))
        print(f"{industry:16s} {len(rs):5d} {stats['ga_acf']:7.3f} {stats['ga_true']:7.3f} {stats['acf_true']:8.3f} "
              f"{both} of 3, {rs[0][7]}")
    print(f"within-industry Spearman, weighted by firms ({len(rows)} firms, {args.year}):")
    for key, label in (("ga_acf", "growth accounting vs ACF"), ("ga_true", "growth accounting vs true ln A"),
                       ("ga_true_production", "  ... firms with production-method VA"), ("acf_true", "ACF vs true ln A")):
        print(f"  {label:40s} {weighted(pairs[key]):.3f}  (median {np.median([v for v, _ in pairs[key]]):.3f})")
    print(f"  top-3 lists overlap in {overlap} of {3 * len(by)} places")


if __name__ == "__main__":
    main()
