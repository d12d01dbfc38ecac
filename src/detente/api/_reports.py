"""A stored run's report: its result tables and its scenario version, as report input, and the
HTML document a download gives (the one-page brief for a brief run)."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from ..report import ReportInput, brief_html, render_html, scenario_tables
from ..store import NotFoundError, get_result, get_run
from ._deps import Scenarios, resolve_scenario

__all__ = ["report_document", "report_for_run"]


def _table(session: Session, run_id: int, name: str) -> pd.DataFrame:
    try:
        _media, body = get_result(session, run_id=run_id, name=name)
    except NotFoundError:
        return pd.DataFrame()
    if not body.strip():
        return pd.DataFrame()
    return pd.read_csv(io.StringIO(body))


def _result(session: Session, run_id: int) -> dict[str, Any]:
    try:
        _media, body = get_result(session, run_id=run_id, name="result")
    except NotFoundError:
        return {}
    result: dict[str, Any] = json.loads(body) if body.strip() else {}
    return result


def report_for_run(
    session: Session, run_id: int, *, scenarios: Scenarios | None = None
) -> ReportInput:
    """The report input of a finished run (the scenario at the version the run used)."""
    run = get_run(session, run_id=run_id)
    if run.status != "done":
        raise NotFoundError(f"run {run_id} has no result to report (its status is '{run.status}')")
    scenario, _ref, _version = resolve_scenario(
        session, run.scenario_ref, run.scenario_version, scenarios=scenarios
    )
    issues, positions, sources = scenario_tables(scenario)
    outcome = _table(session, run_id, "outcome")
    result = _result(session, run_id)
    draws = int(outcome["draw"].nunique()) if "draw" in outcome.columns else 1
    if "draw" not in outcome.columns and isinstance(result.get("draws"), int):
        draws = result["draws"]  # panel kinds (deal, guarantees, levers) say how many they drew
    return ReportInput(
        title=f"{scenario.title} — run {run.id}",
        run={
            "run": run.id,
            "kind": run.kind,
            "scenario": run.scenario_ref,
            "scenario_version": run.scenario_version,
            "model": run.model,
            "params": run.params,
            "seed": run.seed,
            "draws": draws,
            "input_hash": run.input_hash,
            "package_version": run.package_version,
            "created_at": run.created_at.isoformat(timespec="seconds"),
        },
        outcome=outcome,
        rounds=_table(session, run_id, "rounds"),
        result=result,
        issues=issues,
        positions=positions,
        sources=sources,
    )


def report_document(session: Session, run_id: int, *, scenarios: Scenarios | None = None) -> str:
    """The HTML report of a finished run: for a brief run the page ``detente brief -o`` writes
    (from the stored brief JSON), for any other the report of its tables and panels."""
    data = report_for_run(session, run_id, scenarios=scenarios)
    if data.run["kind"] == "brief":
        return brief_html(data.result)
    return render_html(data)
