"""Sensitivity: the tornado against hand algebra, Sobol indices against the linear closed form."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pytest import approx

from detente import ModelError, sensitivity
from detente.scenario import Scenario
from detente.uncertainty import SobolIndices, Tornado, save_figure, sobol_figure, tornado_figure

# Modal capability × salience weights on TERR in the test scenario (ukraine, russia, usa, france,
# germany, poland, china) and the modal positions: the compromise is Σ w x / Σ w.
W_TERR = np.array([60 * 0.95, 85 * 0.95, 100 * 0.60, 30 * 0.55, 35 * 0.55, 15 * 0.60, 25 * 0.20])
X_TERR = np.array([30, 85, 62, 38, 42, 33, 55.0])
# NATO: saliences are points, so only positions vary and the compromise is linear in them.
W_NATO = np.array([60 * 0.60, 85 * 0.90, 100 * 0.40, 30 * 0.40, 35 * 0.45, 15 * 0.55, 25 * 0.45])
RANGES_NATO = [(40, 50, 60), (85, 95, 100), (70, 80, 88), (35, 42, 55), (38, 45, 60), (20, 30, 45)]
RANGES_NATO.append((85, 92, 100))


def test_tornado_swings_are_the_weighted_mean_algebra(mini: Scenario) -> None:
    result = sensitivity(mini, "compromise", method="tornado")
    assert isinstance(result, Tornado)
    terr = result.issue_ids.index("TERR")
    assert result.base[terr] == approx((W_TERR @ X_TERR) / W_TERR.sum(), abs=1e-12)
    # Russia's TERR position at its low (75): the compromise moves by w_ru * (75 - 85) / Σw.
    ru = [r.label for r in result.inputs].index("russia.position[TERR]")
    expected = result.base[terr] + W_TERR[1] * (75 - 85) / W_TERR.sum()
    assert result.at_low[ru, terr] == approx(expected, abs=1e-12)
    # Swings of positions are w_i (high - low) / Σw: Russia 8.157, Ukraine 5.758, US 4.121.
    top = [result.inputs[k].label for k in result.ranking("TERR")[:3]]
    assert top == ["russia.position[TERR]", "ukraine.position[TERR]", "usa.position[TERR]"]
    assert result.swing[ru, terr] == approx(80.75 * 25 / 247.5, abs=1e-12)
    # A NATO position does not move TERR.
    fr_nato = [r.label for r in result.inputs].index("france.position[NATO]")
    assert result.swing[fr_nato, terr] == 0.0


def test_tornado_table_and_json(mini: Scenario) -> None:
    result = sensitivity(mini, "median")
    frame = result.to_frame()
    assert {"issue", "input", "at_low", "at_high", "swing"} <= set(frame.columns)
    data = result.to_json()
    assert data["method"] == "tornado" and set(data["issues"]) == {"TERR", "NATO"}
    first = data["issues"]["NATO"]["inputs"][0]
    assert first["swing"] == max(row["swing"] for row in data["issues"]["NATO"]["inputs"])


def _triangular_var(low: float, mode: float, high: float) -> float:
    return (low**2 + mode**2 + high**2 - low * mode - low * high - mode * high) / 18


def test_sobol_indices_match_the_linear_closed_form(mini: Scenario) -> None:
    result = sensitivity(mini, "compromise", method="sobol", samples=1024, seed=3)
    assert isinstance(result, SobolIndices)
    nato = result.issue_ids.index("NATO")
    # Outcome = Σ (w_i/W) x_i with independent x_i: S_i = (w_i/W)² Var x_i / Σ_k (w_k/W)² Var x_k,
    # and without interactions first-order = total.
    share = (W_NATO / W_NATO.sum()) ** 2 * np.array([_triangular_var(*r) for r in RANGES_NATO])
    exact = share / share.sum()
    labels = [r.label for r in result.inputs]
    actors = ["ukraine", "russia", "usa", "france", "germany", "poland", "china"]
    rows = [labels.index(f"{a}.position[NATO]") for a in actors]
    assert result.first[rows, nato] == approx(exact, abs=0.05)
    assert result.total[rows, nato] == approx(exact, abs=0.05)
    assert result.ranking("NATO")[0] == labels.index("russia.position[NATO]")
    # TERR inputs play no part in NATO.
    assert result.total[labels.index("russia.position[TERR]"), nato] == approx(0, abs=1e-9)
    assert result.varies.tolist() == [True, True]


def test_sobol_is_reproducible_for_a_seed(mini: Scenario) -> None:
    a = sensitivity(mini, "median", method="sobol", samples=64, seed=1)
    b = sensitivity(mini, "median", method="sobol", samples=64, seed=1)
    assert a.to_json() == b.to_json()


def test_sensitivity_needs_uncertain_inputs_and_sound_settings(mini: Scenario) -> None:
    with pytest.raises(ModelError, match="'emission-standards-1994' has no uncertain inputs"):
        sensitivity("emission-standards-1994")
    with pytest.raises(ModelError, match=r"samples must be a power of two .* got 100"):
        sensitivity(mini, method="sobol", samples=100)
    with pytest.raises(ModelError, match="method must be 'tornado' or 'sobol'; got 'morris'"):
        sensitivity(mini, method="morris")  # type: ignore[arg-type]


def test_figures_are_saved_on_request(mini: Scenario, tmp_path: Path) -> None:
    tornado = sensitivity(mini)
    assert isinstance(tornado, Tornado)
    path = save_figure(tornado_figure(tornado), tmp_path / "tornado.png")
    assert path.read_bytes()[:4] == b"\x89PNG"
    sobol = sensitivity(mini, method="sobol", samples=32)
    assert isinstance(sobol, SobolIndices)
    assert len(sobol_figure(sobol).axes) == 2  # one panel per issue
    with pytest.raises(ModelError, match=r"must end in .png, .svg or .pdf; got 'x.gif'"):
        save_figure(tornado_figure(tornado), tmp_path / "x.gif")
