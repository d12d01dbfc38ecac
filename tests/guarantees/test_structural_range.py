"""The headline of a guarantee assessment is the structural range in words (deal spec §7).

The Monte Carlo error of one run (± 0.001 at 100 000 draws) is far smaller than what the
choices the inputs cannot settle move: the reliability prior, a contested attribution and
correlated guarantors. These tests pin that the range spans exactly those variants.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import detente
from detente.cli import app
from detente.estimative import range_words
from detente.guarantees import CONTESTED_ATTRIBUTION, CORRELATED_SIGMA, GuaranteeParams

MINI = Path(__file__).parent.parent / "data" / "deal" / "ukraine-mini.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def paris() -> detente.GuaranteeAssessment:
    return detente.assess_guarantees(MINI, "paris-2026", draws=5000, seed=3)


def test_every_prior_attribution_and_correlation_combination_is_a_variant(
    paris: detente.GuaranteeAssessment,
) -> None:
    combos = {(v.prior, v.attribution, v.sigma_c) for v in paris.variants}
    assert combos == {
        (p, a, s)
        for p in ("default", "pessimistic", "optimistic")
        for a in (1.0, CONTESTED_ATTRIBUTION)
        for s in (0.0, CORRELATED_SIGMA)
    }
    # The first variant is the run itself, so the headline range always contains it.
    first = paris.variants[0]
    assert (first.prior, first.attribution, first.sigma_c) == ("default", 1.0, 0.0)
    assert first.p_deterrence == paris.p_deterrence


def test_the_range_spans_the_variants_and_is_worded_on_the_estimative_scale(
    paris: detente.GuaranteeAssessment,
) -> None:
    lo, hi = paris.range
    ps = [v.p_deterrence for v in paris.variants]
    assert (lo, hi) == (min(ps), max(ps))
    # The pessimistic prior with a contested attribution is the low end on this package.
    low = min(paris.variants, key=lambda v: v.p_deterrence)
    assert (low.prior, low.attribution) == ("pessimistic", CONTESTED_ATTRIBUTION)
    assert hi - lo > 50 * paris.result.standard_error
    assert paris.words == range_words(lo, hi)


def test_by_prior_keeps_the_packages_own_attribution_and_correlation(
    paris: detente.GuaranteeAssessment,
) -> None:
    assert list(paris.by_prior) == ["default", "pessimistic", "optimistic"]
    by = {(v.prior, v.attribution, v.sigma_c): v.p_deterrence for v in paris.variants}
    assert paris.by_prior["pessimistic"] == by[("pessimistic", 1.0, 0.0)]
    assert paris.by_prior["pessimistic"] <= paris.by_prior["default"]
    assert paris.by_prior["default"] <= paris.by_prior["optimistic"]


def test_a_contested_attribution_already_in_the_package_is_not_repeated(tmp_path: Path) -> None:
    raw = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    raw["guarantees"][1]["attribution"] = 0.7
    path = tmp_path / "slow.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    a = detente.assess_guarantees(path, "paris-2026", draws=2000)
    assert {v.attribution for v in a.variants} == {0.7}
    assert len(a.variants) == 6


def test_a_correlated_run_varies_towards_independence() -> None:
    params = GuaranteeParams(sigma_c=0.5, draws=2000)
    a = detente.assess_guarantees(MINI, "paris-2026", params=params)
    assert [v.sigma_c for v in a.variants[:2]] == [0.5, 0.0]


def test_without_sensitivity_the_range_is_the_one_run() -> None:
    a = detente.assess_guarantees(MINI, "paris-2026", draws=2000, sensitivity=False)
    assert len(a.variants) == 1
    assert a.range == (a.p_deterrence, a.p_deterrence)


def test_json_carries_the_range_the_words_and_every_variant(
    paris: detente.GuaranteeAssessment,
) -> None:
    data = json.loads(json.dumps(paris.to_json(), allow_nan=False))
    assert data["range"] == list(paris.range)
    assert data["words"] == paris.words
    assert len(data["variants"]) == 12
    assert set(data["variants"][0]) == {"prior", "attribution", "sigma_c", "p_deterrence"}


def test_cli_headline_is_the_worded_range_and_the_mc_error_a_detail_line() -> None:
    result = runner.invoke(
        app, ["guarantees", str(MINI), "--package", "paris-2026", "--draws", "5000", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    a = detente.assess_guarantees(MINI, "paris-2026", draws=5000, seed=3)
    assert (
        lines[0] == "Guarantee package 'paris-2026' (Paris Declaration package (6 January 2026)):"
    )
    assert lines[1] == (
        f"  deterrence of russia holds: {a.words} across reliability priors, attribution and "
        "independent vs correlated guarantors"
    )
    assert lines[2].startswith("  lowest with pessimistic prior, attribution 0.8")
    assert lines[3] == (
        f"  on the package's own inputs P(deterrence of russia holds) = {a.p_deterrence:.3f} "
        f"(Monte Carlo error ± {a.result.standard_error:.3f}, 5,000 draws)"
    )
    assert "±" not in lines[1]


def test_cli_json_adds_range_and_words() -> None:
    result = runner.invoke(
        app, ["guarantees", str(MINI), "--package", "paris-2026", "--draws", "2000", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    lo, hi = data["range"]
    assert lo <= data["p_deterrence"] <= hi
    assert data["words"] == range_words(lo, hi)


def test_one_draw_prints_no_probability() -> None:
    result = runner.invoke(app, ["guarantees", str(MINI), "--draws", "1"])
    assert result.exit_code == 0, result.output
    assert "one draw gives no probability: on it, russia is not deterred" in result.output
    assert "P(deterrence" not in result.output
    assert "by prior" not in result.output
