"""Commands that forecast: ``forecast``, ``compare``, and the listings ``models``, ``scenarios``,
``validate``."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from .. import models as model_registry
from .._compare import Comparison
from .._compare import compare as compare_models
from .._explain import convergence, events_in_words, nash_terms
from .._forecast import forecast_with_modes
from .._inputs import as_scenario, to_stability
from .._intervals import Intervals, calibration, forecast_json, intervals
from ..errors import ModelError
from ..scenario import Scenario, builtin_names, load_scenario, review_items
from ._app import app, console, handle_errors, print_json

ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario file (YAML, CSV, XLSX) or a built-in name.")
]


def _parse_value(text: str) -> Any:
    """A --param value: JSON when it parses (numbers, true/false, null, lists), else text."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _params(pairs: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ModelError(f"--param expects NAME=VALUE; got '{pair}'")
        name, value = pair.split("=", 1)
        out[name.strip()] = _parse_value(value.strip())
    return out


@app.command()
@handle_errors
def forecast(
    scenario: ScenarioArg,
    model: Annotated[
        str, typer.Option("--model", "-m", help="Model name (see `detente models`).")
    ] = "compromise",
    rounds: Annotated[
        int | None,
        typer.Option(
            help="Rounds to run (dynamic models only; default for eum and exchange: until "
            "nothing moves, at most 100)."
        ),
    ] = None,
    until_stable: Annotated[
        float | None,
        typer.Option(
            "--until-stable",
            help="Stop once no position moves more than TOL; --rounds is then the maximum.",
        ),
    ] = None,
    draws: Annotated[
        int, typer.Option(help="Monte Carlo draws of the uncertain inputs (1 = modes).")
    ] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the draws.")] = 0,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Model parameter NAME=VALUE (repeatable)."),
    ] = None,
    events: Annotated[
        bool,
        typer.Option(
            "--events", help="Print who moved, toward whom and why (the draw at the modes)."
        ),
    ] = False,
    all_draws: Annotated[
        bool,
        typer.Option(
            "--all-draws",
            help="With --json: every draw's outcomes and events, not the summary (large: it "
            "grows with --draws).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Forecast where the talks land on each issue with one model.

    Over many draws the JSON is a summary (quantiles, histogram, per-round medians, the events
    of the draw at the modes) whose size does not grow with --draws; --all-draws asks for all.
    """
    spec = model_registry.get(model)
    params = _params(param)
    if rounds is not None or until_stable is not None:
        if not spec.dynamic:
            raise ModelError(
                f"model '{model}' is static: it has no rounds (--rounds, --until-stable)"
            )
        if rounds is not None:
            params["rounds"] = rounds
        if until_stable is not None:
            params["until_stable"] = until_stable
    s = as_scenario(scenario)
    if "rounds" not in params and "until_stable" not in params:
        params = {**to_stability(s, model), **params}
    result, modes = forecast_with_modes(
        s, model, draws=draws, all_draws=all_draws, seed=seed, **params
    )
    if as_json:
        print_json(forecast_json(result, s, modes=modes, all_draws=all_draws))
        return
    # A model registered after the last `detente backtest calibrate` has no calibration yet.
    calibrated = intervals(result, s) if result.model in calibration()["models"] else None
    inputs = intervals(result, s, calibrated=False)
    _print_forecast(result, s, calibrated, inputs)
    _print_explanation(result, s, modes)
    if events:
        _print_events(modes or result)


def _print_explanation(result: Any, s: Scenario, modes: Any) -> None:
    """Convergence and the largest moves for dynamic models (the moves of the draw at the
    modes when the batch kept no events); players for nash."""
    settled = convergence(result, s)
    if settled is not None:
        for issue in result.issue_ids:
            console.print(f"{issue}: {settled.words(issue)}")
        for line in events_in_words(modes or result):
            console.print(f"  {escape(line)}")
    if terms := nash_terms(result, s):
        console.print(escape(terms))


def _print_forecast(
    result: Any, s: Scenario, calibrated: Intervals | None, inputs: Intervals
) -> None:
    table = Table(title=f"{result.model} forecast — {s.title}")
    table.add_column("issue")
    table.add_column("forecast", justify="right")
    table.add_column("80% calibrated", justify="right")
    if result.draws > 1:
        table.add_column("80% inputs only", justify="right")
    table.add_column("nearest anchor")
    for issue_id, value in result.outcomes.items():
        issue = s.issue(issue_id)
        unit = f" {issue.scale.unit}" if issue.scale.unit else ""
        row = [issue.name, f"{value:.4g}{unit}", "–"]
        if calibrated is not None:
            row[2] = "{:.4g} – {:.4g}".format(*calibrated.interval(issue_id))
        if result.draws > 1:
            row.append("{:.4g} – {:.4g}".format(*inputs.interval(issue_id)))
        row.append(issue.scale.words(value) or "")
        table.add_row(*row)
    console.print(table)
    console.print(
        "[dim]calibrated = this model's error on real outcomes (DEU backtest, at its default "
        "parameters) added to the forecast"
        + (", inputs only = the spread of the draws alone" if result.draws > 1 else "")
        + "; see docs/backtest.md"
        + (
            f". '{result.model}' has no calibration yet: run `detente backtest calibrate`.[/]"
            if calibrated is None
            else ".[/]"
        )
    )
    if result.rounds is not None:
        rounds = result.rounds
        # Mean and median per issue while they fit; medians only for many issues (--json has both).
        both = len(result.issue_ids) <= 2
        title = "per round: mean and median" if both else "per round: median position"
        per_round = Table(title=f"{title} ({rounds.stop_rule})")
        per_round.add_column("round", justify="right")
        for issue_id in result.issue_ids:
            if both:
                per_round.add_column(f"{issue_id} mean", justify="right")
            per_round.add_column(f"{issue_id} median" if both else issue_id, justify="right")
        mean = np.median(rounds.mean, axis=0)
        median = np.median(rounds.median, axis=0)
        digits = 6 if both else 2
        for r in _shown_rounds(mean.shape[0]):
            if r < 0:
                per_round.add_row("…", *["…"] * (len(per_round.columns) - 1))
                continue
            cells = [str(r)]
            for j in range(len(result.issue_ids)):
                if both:
                    cells.append(f"{mean[r, j]:.{digits}f}")
                cells.append(f"{median[r, j]:.{digits}f}")
            per_round.add_row(*cells)
        console.print(per_round)


def _shown_rounds(n: int, head: int = 11, tail: int = 5) -> list[int]:
    """Rows of the per-round table: every round of a short run; of a long one (a run to the
    100-round cap) the first ``head`` and the last ``tail``, -1 marking the gap (--json has all).

    >>> _shown_rounds(4)
    [0, 1, 2, 3]
    >>> _shown_rounds(101)[-7:]
    [10, -1, 96, 97, 98, 99, 100]
    """
    if n <= head + tail + 1:
        return list(range(n))
    return [*range(head), -1, *range(n - tail, n)]


def _print_events(result: Any) -> None:
    frame = result.events_frame()
    if frame.empty:
        console.print("no events recorded")
        return
    table = Table(title="events")
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.itertuples(index=False):
        table.add_row(*(f"{v:.4f}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)


@app.command()
@handle_errors
def compare(
    scenario: ScenarioArg,
    models: Annotated[
        str | None, typer.Option("--models", help="Comma-separated model names (default: all).")
    ] = None,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws (1 = modes).")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the draws.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Every model's forecast per issue, side by side."""
    names = [m.strip() for m in models.split(",")] if models else None
    result = compare_models(scenario, names, draws=draws, seed=seed)
    if as_json:
        print_json(result.to_json())
        return
    _print_comparison(result, as_scenario(scenario))


def _print_comparison(result: Comparison, s: Scenario) -> None:
    # Models as rows and issues as columns: fits 80 columns with every model registered.
    table = Table(title=f"Forecasts — {s.title}")
    table.add_column("model")
    for issue in s.issues:
        table.add_column(issue.id, justify="right")
    table.add_column("settled", justify="right")
    for name, fc in result.forecasts.items():
        c = result.convergence.get(name)
        cells = [escape(result.label(name))]
        for issue in s.issues:
            moving = c is not None and not c.converged[c.issue_ids.index(issue.id)]
            cells.append(f"{fc.outcomes[issue.id]:.1f}" + ("*" if moving else ""))
        if c is None:
            cells.append("static")
        else:
            cells.append(
                "yes" if c.all_converged else f"no {int((~c.converged).sum())}/{len(s.issues)}"
            )
        table.add_row(*cells)
    ens = result.ensemble
    if ens is not None:
        table.add_section()
        table.add_row(
            "[bold]ensemble[/]", *(f"[bold]{ens.outcomes[i.id]:.1f}[/]" for i in s.issues), ""
        )
        bounds = [ens.intervals.interval(i.id) for i in s.issues]
        table.add_row("80% calibrated", *(f"{lo:.0f}–{hi:.0f}" for lo, hi in bounds), "")
    console.print(table)
    if ens is not None:
        weights = ", ".join(f"{escape(result.label(k))} {w:.0%}" for k, w in ens.weights.items())
        console.print(
            f"Ensemble weights (∝ 1/MSE² on the DEU backtest; out-of-sample MAE {ens.mae:.1f} "
            f"on {ens.n} issues): {weights}"
        )
    for name, c in result.convergence.items():
        if not c.all_converged:
            late = ", ".join(
                f"{i} ({c.late_range(i)})" for k, i in enumerate(c.issue_ids) if not c.converged[k]
            )
            console.print(
                f"* {escape(result.label(name))} did not settle by round {c.rounds_run} "
                f"(the cap) on {late}; its last round is shown, one point of that range."
            )
    console.print("[bold]Why they disagree[/]")
    for sentence in result.why.values():
        if sentence:
            console.print(f"  {escape(sentence)}")
    console.print(
        "[dim]80% calibrated = the ensemble's error on real outcomes (DEU backtest) added to "
        "its forecast; every model's calibrated intervals: --json.[/]"
    )
    for name, reason in result.skipped.items():
        console.print(f"[dim]{name}: not run — {reason}[/]")


@app.command()
@handle_errors
def validate(
    path: Annotated[str, typer.Argument(help="A scenario file or built-in name.")],
) -> None:
    """Check a scenario file: what is wrong, or that it is sound (for a draft: what to review)."""
    s = load_scenario(path)
    n_uncertain = sum(
        q.is_uncertain
        for a in s.actors
        for st in a.issues.values()
        for q in (st.position, st.salience, st.capability, st.walk_away)
        if q is not None
    )
    console.print(
        f"[green]ok[/]: {s.id} — {len(s.actors)} actors, {len(s.issues)} issues, "
        f"{len(s.sources)} sources, {n_uncertain} uncertain positions/saliences"
    )
    if s.status == "draft":
        # A well-formed draft is valid (exit 0): what it lacks is a person's review, listed here.
        items = review_items(s)
        console.print(
            f"[yellow]draft[/]: {len(items)} items marked \\[I] need review; then set "
            "status: reviewed"
        )
        for item in items:
            console.print(f"  {escape(item.location)}\n    {escape(item.note)}")


@app.command("models")
@handle_errors
def list_models() -> None:
    """The registered models and their parameters with defaults."""
    for name in model_registry.names():
        spec = model_registry.get(name)
        kind = "dynamic" if spec.dynamic else "static"
        console.print(f"[bold]{name}[/] ({kind}) — {spec.summary}")
        for pname, default, doc in spec.parameters():
            console.print(f"    {pname} = {default!r}: {doc}")


@app.command("scenarios")
@handle_errors
def list_scenarios() -> None:
    """The built-in scenarios."""
    table = Table(title="built-in scenarios")
    for column in ("name", "title", "actors", "issues"):
        table.add_column(column)
    for name in builtin_names():
        s = load_scenario(name)
        table.add_row(name, s.title, str(len(s.actors)), str(len(s.issues)))
    console.print(table)
