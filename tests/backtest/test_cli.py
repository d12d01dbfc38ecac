"""``detente backtest deu`` and ``detente backtest search``, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_on_the_shared_file_reproduces_compromise(tmp_path: Path) -> None:
    code, out, err = _run(
        "backtest", "deu", "--json", "--resamples", "500", "--doc", str(tmp_path / "b.md")
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["n_issues"] == 248
    c = data["models"]["compromise"]
    # Issue 4 acceptance: compromise MAE 25.46 ± 0.05 on 248 issues (baselines.md §6.6).
    assert c["mae"] == pytest.approx(25.46, abs=0.005)
    assert c["mae_diff_vs_compromise"] == 0.0 and c["ci_vs_compromise"] == [0.0, 0.0]
    for entry in data["models"].values():
        assert {
            "mae",
            "rmse",
            "median_ae",
            "within_10",
            "mae_diff_vs_compromise",
            "ci_vs_compromise",
        } <= set(entry)
    assert data["models"]["mean"]["mae"] == pytest.approx(25.42, abs=0.005)


def test_table_and_doc_with_the_regenerating_command(tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "backtest.md"
    doc.parent.mkdir()
    doc.write_text(
        "# Backtest\n\nhand-written\n\n<!-- leaderboard:start -->\nold\n"
        "<!-- leaderboard:end -->\n\ntail\n"
    )
    code, out, err = _run(
        "backtest",
        "deu",
        "--models",
        "compromise,mean[weights=equal]",
        "--resamples",
        "200",
        "--doc",
        str(doc),
    )
    assert code == 0, err
    assert "compromise" in out and "mean[weights=equal]" in out and "25.46" in out
    text = doc.read_text()
    assert "hand-written" in text and "tail" in text and "old" not in text
    assert (
        "Regenerate with `detente backtest deu --models 'compromise,mean[weights=equal]' "
        f"--resamples 200 --doc {doc}`"
    ) in text
    assert "| `mean[weights=equal]` | 248 | 26.03 |" in text


def test_other_file_of_the_same_layout(data_dir: Path) -> None:
    code, out, err = _run(
        "backtest",
        "deu",
        "--data",
        str(data_dir / "deu_small.csv"),
        "--json",
        "--resamples",
        "100",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["n_issues"] == 11 and data["n_proposals"] == 5
    assert data["models"]["compromise"]["n"] == 11


def test_malformed_rows_are_reported_on_stderr(data_dir: Path) -> None:
    code, _, err = _run(
        "backtest",
        "deu",
        "--data",
        str(data_dir / "deu_malformed.csv"),
        "--resamples",
        "100",
        "--models",
        "compromise",
    )
    assert code == 0
    assert "5 malformed row(s) skipped" in err
    assert "row 3, column pfr: pfr is not a number: 'abc'" in err
    assert "row 6, column wave: wave 'DEU IV' has no Council-weights rule" in err


def test_bad_input_exits_2_with_a_message(tmp_path: Path) -> None:
    code, _, err = _run("backtest", "deu", "--data", str(tmp_path / "none.csv"))
    assert code == 2 and "no such DEU file" in err
    code, _, err = _run("backtest", "deu", "--models", "compromize")
    assert code == 2 and "did you mean 'compromise'" in err
    code, _, err = _run("backtest", "deu", "--unit", "draw")
    assert code == 2 and "--unit must be 'proposal' or 'issue'; got 'draw'" in err


def test_search_command(tmp_path: Path) -> None:
    doc = tmp_path / "backtest.md"
    code, out, err = _run(
        "backtest", "search", "--folds", "5", "--resamples", "200", "--doc", str(doc), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["compromise_mae"] == pytest.approx(25.46, abs=0.005)
    assert data["search"]["n"] == 248
    assert "anchored compromise" in data["candidates"]
    assert "tuned expected utility" in data["candidates"]
    assert f"Regenerate with `detente backtest search --folds 5 --resamples 200 --doc {doc}`" in (
        doc.read_text()
    )


def test_nothing_is_written_without_doc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = _run("backtest", "deu", "--models", "compromise", "--resamples", "100")
    assert code == 0, err
    assert list(tmp_path.iterdir()) == []
