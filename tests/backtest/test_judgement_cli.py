"""``detente backtest calibrate`` and ``detente backtest fair``, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app

runner = CliRunner()


def test_calibrate_refuses_a_file_too_small_to_calibrate(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "calibration.json"
    result = runner.invoke(
        app, ["backtest", "calibrate", "--data", str(data_dir / "deu_small.csv"), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "calibration needs at least 40 scored issues; got " in result.stderr
    assert not out.exists()


def test_fair_test_reports_every_candidate_against_compromise(tmp_path: Path) -> None:
    doc = tmp_path / "backtest.md"
    result = runner.invoke(
        app, ["backtest", "fair", "--resamples", "1000", "--doc", str(doc), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    rows = data["candidates"]
    assert data["compromise_mae"] == pytest.approx(25.46, abs=0.005)
    assert set(rows) == {
        "search (nested: candidate and grid point chosen by CV)",
        "institutions by procedure + presidency bonus",
        "snap near-binary issues",
        "½ compromise + ½ smp",
        "½ compromise + ½ exchange",
    }
    # The figures docs/backtest.md reports (the intervals move a little with the resamples).
    assert rows["institutions by procedure + presidency bonus"]["cv_mae"] == pytest.approx(
        25.85, abs=0.005
    )
    assert rows["snap near-binary issues"]["cv_mae"] == pytest.approx(27.42, abs=0.005)
    assert rows["½ compromise + ½ exchange"]["cv_mae"] == pytest.approx(25.26, abs=0.005)
    assert all(r["mde"] > 0 for r in rows.values())
    # Each candidate's held-out forecasts with calibrated intervals: they cover as promised.
    for row in rows.values():
        assert 0.75 <= row["calibration"]["coverage"]["0.8"] <= 0.85
        assert 0.45 <= row["calibration"]["coverage"]["0.5"] <= 0.55
    assert rows["½ compromise + ½ exchange"]["calibration"]["interval_score"]["0.8"] == (
        pytest.approx(105.8, abs=0.05)
    )
    assert "Regenerate with `detente backtest fair`" in doc.read_text(encoding="utf-8")
