"""Required growth (DOMAIN.md §5) and the probability of meeting an annual target from sample paths."""
from __future__ import annotations

import numpy as np
import pytest

from models.baselines import seasonal_naive
from models.target import (full_year_outlook, monthly_requirements, required_growth,
                           required_growth_from_levels)


def test_hand_worked_required_growth():
    # G = 8%, g1 = 11%, w = 0.48  ->  g2 = (0.08 - 0.48*0.11) / 0.52 = 5.23%
    assert required_growth(0.08, 0.11, 0.48) == pytest.approx(0.0523, abs=5e-5)
    assert round(100 * required_growth(0.08, 0.11, 0.48), 1) == 5.2
    # the same in levels: B = 100, B_h1 = 48, YTD = 48 * 1.11
    assert required_growth_from_levels(0.08, 100.0, 48.0, 53.28) == pytest.approx(required_growth(0.08, 0.11, 0.48))


def test_required_growth_guards():
    with pytest.raises(ValueError):
        required_growth(0.08, 0.1, 1.0)
    with pytest.raises(ValueError):
        required_growth_from_levels(0.08, 100.0, 120.0, 50.0)
    np.testing.assert_allclose(monthly_requirements([10.0, 20.0], 0.05), [10.5, 21.0])


def _paths(mean_total: float, sd: float, n: int = 20000, k: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return mean_total / k + rng.normal(0, sd / np.sqrt(k), size=(n, k))


def test_probability_is_about_half_when_paths_centre_on_the_requirement():
    # B = 100, B_h1 = 48, YTD = 53.28, target 8%: the rest must bring 108 - 53.28 = 54.72
    out = full_year_outlook(53.28, 100.0, 0.08, _paths(54.72, 2.0), base_ytd=48.0)
    assert out.prob_meet == pytest.approx(0.5, abs=0.02)
    assert out.required_growth == pytest.approx(0.0523, abs=5e-5)
    assert out.projected == pytest.approx(108.0, abs=0.05)
    assert out.growth == pytest.approx(0.08, abs=5e-4)
    lo95, hi95 = out.bounds[95]
    lo80, hi80 = out.bounds[80]
    assert lo95 < lo80 < out.projected < hi80 < hi95
    assert hi95 - lo95 == pytest.approx(2 * 1.96 * 2.0, rel=0.05)
    assert out.growth_bounds[80][0] == pytest.approx(lo80 / 100 - 1)


def test_probability_moves_the_right_way():
    paths = _paths(54.72, 2.0)
    probs = [full_year_outlook(53.28, 100.0, g, paths).prob_meet for g in (0.02, 0.07, 0.08, 0.09, 0.14)]
    assert probs == sorted(probs, reverse=True)
    assert probs[0] > 0.99 and probs[-1] < 0.01


def test_outlook_from_model_paths_and_december():
    y = 10 + np.tile(np.arange(12.0), 4)
    paths = seasonal_naive(12).fit(y).sample_paths(6, 2000, seed=1)
    out = full_year_outlook(ytd_actual=45.0, base_full_year=180.0, target_growth=0.0, remaining_paths=paths)
    assert out.n_paths == 2000 and out.required_growth is None
    assert out.projected == pytest.approx(45.0 + sum(range(10, 16)), abs=0.5)  # next six: 10..15
    done = full_year_outlook(190.0, 180.0, 0.05, np.zeros((10, 0)))  # the year is complete
    assert done.prob_meet == 1.0 and done.projected == 190.0
    with pytest.raises(ValueError):
        full_year_outlook(1.0, 0.0, 0.05, paths)
