"""The benchmarks' own machinery runs (not their timings: those live in `make bench`).

`make bench` is run by hand, so a benchmark broken by a change elsewhere (the smp batch after
the deal sections joined the arrays) would otherwise go unnoticed until someone needs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import detente
from detente import models

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _eum_parts, bench_smp


def test_the_smp_batch_is_a_valid_run_of_its_draws() -> None:
    base = detente.load_scenario("ktab-soe-competitive").to_arrays()
    batch = bench_smp.noisy_draws(base, 3)
    assert batch.draws == 3 and batch.deal is not None and batch.deal.no_deal.shape[0] == 3
    assert not np.allclose(batch.capability[0], batch.capability[1])  # the draws differ
    smp = models.get("smp")
    assert smp(batch, smp.make_params()).outcome.shape == (3, base.n_issues)


def test_the_eum_part_profile_runs_on_a_real_round() -> None:
    arrays = detente.load_scenario("emission-standards-1994").to_arrays()
    costs = _eum_parts.part_costs(arrays, repeat=1)
    assert len(costs) == len(_eum_parts.PARTS)
    assert sum(costs) > 0 and np.isfinite(costs).all()
