"""The news commands end to end: draft → validate → refused forecast; update → stored version →
timeline (in-process, real files and a real SQLite store)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_draft_then_validate_lists_what_to_review_and_forecast_exits_2(
    news: Path, tmp_path: Path
) -> None:
    out = tmp_path / "draft.yaml"
    code, stdout, err = invoke("draft", news / "paris-analysis.md", "-o", out)
    assert code == 0, err
    assert "coalition_of_the_willing, ukraine, russia" in stdout
    assert "status: draft" in out.read_text()
    code, stdout, err = invoke("validate", out)
    assert code == 0, err
    assert "items marked [I] need review; then set status: reviewed" in stdout
    assert "actors[russia].issues[territory].position" in stdout
    code, stdout, err = invoke("forecast", out)
    assert code == 2
    assert "is a draft: review the items marked [I]" in err
    assert "then set status: reviewed" in err
    assert "Traceback" not in err


def test_draft_without_output_prints_the_yaml(news: Path) -> None:
    code, stdout, _ = invoke("draft", news / "attribution.txt")
    assert code == 0
    assert stdout.startswith("id: attribution-patterns\n")


def test_llm_needs_a_model_name(news: Path) -> None:
    code, _, err = invoke("draft", news / "attribution.txt", "--llm", "http://127.0.0.1:9")
    assert code == 2
    assert "--llm URL and --llm-model NAME go together" in err


def test_a_user_gazetteer_and_lexicon_extend_the_shipped_ones(news: Path, tmp_path: Path) -> None:
    gaz = tmp_path / "g.yaml"
    gaz.write_text("actors:\n  - {id: brazil, name: Brazil, names: [Lula]}\n")
    lex = tmp_path / "l.yaml"
    lex.write_text("issues:\n  - {id: weather, name: Weather, terms: [sunny]}\n")
    article = tmp_path / "a.txt"
    article.write_text('T\n\n"It is sunny," Lula said.\n')
    code, stdout, err = invoke("draft", article, "--gazetteer", gaz, "--lexicon", lex)
    assert code == 0, err
    assert "- id: brazil" in stdout and "- id: weather" in stdout


def test_a_malformed_gazetteer_is_named(news: Path, tmp_path: Path) -> None:
    gaz = tmp_path / "g.yaml"
    gaz.write_text("actors:\n  - {name: Brazil}\n")
    code, _, err = invoke("draft", news / "attribution.txt", "--gazetteer", gaz)
    assert code == 2
    assert "g.yaml: actors.0.id: Field required" in err


def test_update_lists_changes_with_quotes_and_needs_a_destination(news: Path) -> None:
    code, stdout, _ = invoke("update", "ukraine-2026", news / "moscow-freeze.txt")
    assert code == 0
    assert "C2 position_moved: russia on TERR: from 75–100 (mode 85) to 20–60" in stdout
    assert '"Russia could accept a plain freeze on the current line everywhere' in stdout
    code, _, err = invoke("update", "ukraine-2026", news / "moscow-freeze.txt", "--accept", "all")
    assert code == 2
    assert "give -o FILE or --db URL" in err


def test_update_accepted_into_a_store_is_a_new_version_on_the_timeline(
    news: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    args = ("update", "ukraine-2026", news / "moscow-freeze.txt", "--db", db)
    code, stdout, err = invoke(*args, "--accept", "all", "--reject", "C3", "--author", "ana")
    assert code == 0, err
    assert (
        "saved scenario 1 (ukraine-2026) version 2: accepted C1, C2 from 'Moscow signals" in stdout
    )
    code, stdout, err = invoke("timeline", "ukraine-2026", "--db", db, "--json", "--no-deal")
    assert code == 0, err
    data = json.loads(stdout)
    assert [(p["label"], p["as_of"]) for p in data["points"]] == [
        ("v1", "2026-02-26"),
        ("v2", "2026-03-02"),
    ]
    assert "moscow-freeze.txt" in data["points"][1]["note"]
    [terr] = [s for s in data["shifts"] if s["metric"] == "compromise TERR"]
    assert terr["contributions"][0]["edit"] == "actors[russia].issues[TERR]"
    assert terr["after"] < terr["before"]


def test_update_to_a_file(news: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.yaml"
    code, _, err = invoke(
        "update", "ukraine-2026", news / "moscow-freeze.txt", "--accept", "C3", "-o", out
    )
    assert code == 0, err
    code, stdout, _ = invoke("validate", out)
    assert code == 0 and "11 actors" in stdout


def test_timeline_of_the_builtin_shows_both_dates(news: Path) -> None:
    code, stdout, err = invoke("timeline", "ukraine-2026", "--no-deal")
    assert code == 0, err
    assert "2026-01-06" in stdout and "2026-02-26" in stdout
    assert (
        "compromise GUAR 42.5 → 44.4 (+1.94); largest: actors[russia].issues[GUAR] +1.17" in stdout
    )


def test_interactive_update_asks_about_each_change(news: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.yaml"
    result = runner.invoke(
        app,
        [
            "update",
            "ukraine-2026",
            str(news / "moscow-freeze.txt"),
            "--interactive",
            "-o",
            str(out),
        ],
        input="n\ny\nn\n",
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "accept C2 (position_moved:" in result.stdout
    assert "accepted C2 from 'Moscow signals a freeze'" in result.stdout
    assert "brazil" not in out.read_text()


def test_update_json_keeps_stdout_for_the_json(news: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.yaml"
    code, stdout, err = invoke(
        "update", "ukraine-2026", news / "moscow-freeze.txt", "--json", "--accept", "C1", "-o", out
    )
    assert code == 0, err
    assert [c["kind"] for c in json.loads(stdout)] == ["new_source", "position_moved", "new_actor"]
    assert "written" in err
