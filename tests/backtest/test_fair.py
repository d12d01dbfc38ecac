"""The fair test of the published candidates: presidency rule, snapping, and the test's record."""

from __future__ import annotations

import numpy as np
import pytest

from detente.backtest import DeuData, DeuRules, load_deu
from detente.backtest._bootstrap import PairedBootstrap
from detente.backtest._candidates import SNAPPED, SnappedParams
from detente.backtest._fair import FairRow
from detente.backtest._presidency import presidency
from detente.scenario import ScenarioArrays


@pytest.mark.parametrize(
    ("date", "holder"),
    [
        ("30-05-01", "se"),
        ("01-07-01", "be"),
        ("15-09-08", "fr"),
        ("30-06-13", "ie"),
        ("999", None),
        ("01-01-95", None),
    ],
)
def test_presidency_by_half_year(date: str, holder: str | None) -> None:
    assert presidency(date) == holder


def test_presidency_bonus_multiplies_only_the_presidency_capability(dev: DeuData) -> None:
    bonus = load_deu(rules=DeuRules(presidency_bonus=2.0))
    j = dev.issues.index("d00032i1")  # final act 30-05-01: Sweden presides
    ratio = bonus.arrays.capability[0, :, j] / np.where(
        dev.arrays.capability[0, :, j] > 0, dev.arrays.capability[0, :, j], 1.0
    )
    changed = {
        bonus.arrays.actor_ids[i]
        for i in np.flatnonzero(~np.isclose(ratio, 1.0) & (dev.arrays.capability[0, :, j] > 0))
    }
    assert changed <= {"se"}
    se = dev.arrays.actor_ids.index("se")
    assert bonus.arrays.capability[0, se, j] == pytest.approx(2 * dev.arrays.capability[0, se, j])


def test_snapping_moves_a_near_binary_issue_to_the_likelier_pole() -> None:
    # Issue 0: everyone at a pole, more weight at 100 → 100. Issue 1: spread out → compromise.
    a = ScenarioArrays.build([[0.0, 30.0], [100.0, 50.0], [100.0, 90.0]], salience=[[1.0, 1.0]] * 3)
    f = SNAPPED(a, SnappedParams(threshold=0.9))
    assert f.outcomes["i0"] == 100.0
    assert f.outcomes["i1"] == pytest.approx((30.0 + 50.0 + 90.0) / 3)


def test_minimum_detectable_effect_is_read_off_the_interval() -> None:
    boot = PairedBootstrap(
        delta=0.1,
        low=-1.96,
        high=1.96,
        n=100,
        n_proposals=40,
        resamples=10,
        unit="proposal",
        seed=0,
    )
    row = FairRow("x", 1, 100, 25.0, boot)
    assert row.mde == pytest.approx(2.8)
    assert row.verdict == "no detectable difference"
