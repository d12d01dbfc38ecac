"""The DEU loader: absent values, capability by treaty regime, malformed rows reported."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente import ScenarioError
from detente.backtest import DeuData, DeuRules, load_deu


def _actor(data: DeuData, code: str) -> int:
    return data.arrays.actor_ids.index(code)


def _issue(data: DeuData, issue: str) -> int:
    return data.issues.index(issue)


def test_shipped_file_shape_and_counts(dev: DeuData) -> None:
    # shared/data/README.md: 257 issues from 99 proposals, 248 with an outcome, 180 with rp.
    assert dev.arrays.positions.shape == (1, 30, 257)
    assert dev.n_scored_issues == 248
    assert len(set(dev.proposals)) == 99
    assert int(np.isfinite(dev.arrays.status_quo).sum()) == 180
    assert dev.skipped_rows == 0 and dev.problems == ()
    assert dev.arrays.actor_ids[:4] == ("com", "ep", "at", "be")


def test_missing_position_is_absent_and_salience_scaled(dev: DeuData) -> None:
    j = _issue(dev, "d00032i1")
    # Row d00032i1: Bulgaria has no position (not yet a member), France 40 with salience 20.
    assert not dev.arrays.mask[_actor(dev, "bu"), j]
    assert np.isnan(dev.arrays.positions[0, _actor(dev, "bu"), j])
    assert dev.arrays.positions[0, _actor(dev, "fr"), j] == 40.0
    assert dev.arrays.salience[0, _actor(dev, "fr"), j] == pytest.approx(0.20)
    assert dev.arrays.status_quo[0, j] == 0.0 and dev.outcome[j] == 100.0


def test_capability_follows_the_wave_treaty_regime(dev: DeuData) -> None:
    # baselines.md §6.5: DEU I → eu15 votes, DEU II-new → Nice votes, DEU III-new → population;
    # the Commission and Parliament get the largest member-state value of the column.
    cap = dev.arrays.capability[0]
    first = {w: dev.waves.index(w) for w in ("DEU I", "DEU II-new", "DEU III-new")}
    fr, com, ep = _actor(dev, "fr"), _actor(dev, "com"), _actor(dev, "ep")
    de = _actor(dev, "de")
    assert cap[fr, first["DEU I"]] == 10.0 and cap[com, first["DEU I"]] == 10.0
    assert cap[fr, first["DEU II-new"]] == 29.0 and cap[ep, first["DEU II-new"]] == 29.0
    if dev.arrays.mask[de, first["DEU III-new"]]:
        assert cap[de, first["DEU III-new"]] == 820.0
    assert cap[com, first["DEU III-new"]] == 820.0


def test_rules_are_configurable(dev: DeuData) -> None:
    rules = DeuRules(institution_capability=0.5, parliament_by_procedure=(("CNS", 0.0),))
    data = load_deu(rules=rules)
    cap = data.arrays.capability[0]
    com, ep = _actor(data, "com"), _actor(data, "ep")
    cns = data.procedures.index("CNS")
    cod = data.procedures.index("COD")
    assert cap[com, 0] == pytest.approx(0.5 * dev.arrays.capability[0, com, 0])
    assert cap[ep, cns] == 0.0
    if data.arrays.mask[ep, cod]:
        assert cap[ep, cod] == pytest.approx(0.5 * dev.arrays.capability[0, ep, cod])


def test_any_file_of_the_layout_loads(data_dir: Path) -> None:
    data = load_deu(data_dir / "deu_small.csv")
    assert data.n_issues == 11
    assert set(data.waves) == {"DEU I", "DEU II-new", "DEU III-new"}
    assert data.issues[:4] == ("d00032i1", "d00032i2", "d00032i3", "d00032i4")


def test_malformed_rows_reported_and_skipped_with_count(data_dir: Path) -> None:
    data = load_deu(data_dir / "deu_malformed.csv")
    # Rows 3–7 carry one defect each (see tests/data/backtest/README.md); rows 8–9 only
    # sentinels, which are absent values, not defects.
    assert data.rows == 8 and data.skipped_rows == 5 and data.n_issues == 3
    found = {(p.line, p.column, p.code, p.given) for p in data.problems}
    assert found == {
        (3, "pfr", "not_a_number", "abc"),
        (4, "isnr", "missing_id", ""),
        (5, "isnr", "duplicate_issue", "d00032i1"),
        (6, "wave", "unknown_wave", "DEU IV"),
        (7, "(row)", "wrong_field_count", "40"),
    }
    assert data.absent_sentinels == 2
    j8, j9 = data.issues.index("d00184i1"), data.issues.index("d00184i2")
    assert not data.arrays.mask[data.arrays.actor_ids.index("de"), j8]
    assert np.isnan(data.outcome[j9])
    message = next(p.message for p in data.problems if p.line == 3)
    assert message == "pfr is not a number: 'abc'"


def test_missing_columns_name_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("isnr,prnr,wave\nx,y,DEU I\n")
    with pytest.raises(ScenarioError, match=r"not a DEU-layout file: missing column\(s\) proc"):
        load_deu(bad)


def test_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such DEU file"):
        load_deu(tmp_path / "nope.csv")


def test_file_with_only_bad_rows_is_an_error(tmp_path: Path, data_dir: Path) -> None:
    lines = (data_dir / "deu_malformed.csv").read_text().splitlines()
    only_bad = tmp_path / "bad_rows.csv"
    only_bad.write_text("\n".join([lines[0], lines[2]]) + "\n")
    with pytest.raises(ScenarioError, match=r"row 2, column pfr"):
        load_deu(only_bad)


def test_weights_file_missing_column_is_named(tmp_path: Path) -> None:
    weights = tmp_path / "w.csv"
    weights.write_text("name,eu15\nFrance,10\n")
    with pytest.raises(ScenarioError, match=r"lacks column\(s\) eu25_ap, eu25_av"):
        load_deu(weights=weights)


def test_take_restricts_every_per_issue_array(dev: DeuData) -> None:
    part = dev.take([2, 0])
    assert part.issues == (dev.issues[2], dev.issues[0])
    assert part.arrays.positions.shape == (1, 30, 2)
    assert part.outcome.tolist() == [dev.outcome[2], dev.outcome[0]]
    assert part.proposals == (dev.proposals[2], dev.proposals[0])
