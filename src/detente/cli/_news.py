"""Commands from the news: ``draft`` (a draft scenario) and ``update`` (proposed changes)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..draft import (
    Change,
    Extraction,
    LlmEngine,
    apply_changes,
    draft_scenario,
    extract,
    propose_changes,
    read_article,
)
from ..errors import DetenteError
from ..scenario import Scenario, load_scenario
from ._app import app, console, err_console, handle_errors, print_json

ArticlesArg = Annotated[
    list[Path], typer.Argument(help="News articles: plain text, Markdown (.md) or HTML (.html).")
]
GazetteerOpt = Annotated[
    Path | None, typer.Option("--gazetteer", help="Extra names → actors (YAML, see docs/news.md).")
]
LexiconOpt = Annotated[
    Path | None, typer.Option("--lexicon", help="Extra terms → issues (YAML, see docs/news.md).")
]
LlmOpt = Annotated[
    str | None,
    typer.Option("--llm", help="Base URL of an OpenAI-compatible endpoint (optional engine)."),
]
LlmModelOpt = Annotated[str | None, typer.Option("--llm-model", help="Model name for --llm.")]


def _extract(
    articles: list[Path],
    into: Scenario | None,
    gazetteer: Path | None,
    lexicon: Path | None,
    llm: str | None,
    llm_model: str | None,
) -> Extraction:
    if (llm is None) != (llm_model is None):
        raise DetenteError("--llm URL and --llm-model NAME go together; give both or neither")
    engine = LlmEngine(llm, llm_model) if llm and llm_model else None
    ex = extract(
        [read_article(p) for p in articles],
        into=into,
        gazetteer=gazetteer,
        lexicon=lexicon,
        llm=engine,
    )
    for line in ex.dropped:
        err_console.print(f"[yellow]dropped[/]: {escape(line)}")
    return ex


@app.command()
@handle_errors
def draft(
    articles: ArticlesArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the draft YAML here.")
    ] = None,
    into: Annotated[
        str | None,
        typer.Option("--into", help="Use this scenario's issues and anchors (file or built-in)."),
    ] = None,
    gazetteer: GazetteerOpt = None,
    lexicon: LexiconOpt = None,
    llm: LlmOpt = None,
    llm_model: LlmModelOpt = None,
) -> None:
    """Draft a scenario (status: draft) from news articles, every item with its verbatim quote."""
    base = load_scenario(into) if into else None
    ex = _extract(articles, base, gazetteer, lexicon, llm, llm_model)
    scenario = draft_scenario(ex, into=base)
    text = scenario.to_yaml()
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    console.print(
        f"[green]draft[/] written to {escape(str(output))}: {len(scenario.actors)} actors "
        f"({', '.join(scenario.actor_ids)}), {len(scenario.issues)} issues "
        f"({', '.join(scenario.issue_ids)}), {len(ex.statements)} quoted items; review the "
        "items marked \\[I] (`detente validate`), then set status: reviewed"
    )


def _show(changes: list[Change]) -> None:
    for c in changes:
        console.print(f"[bold]{c.id}[/] {c.kind}: {escape(c.summary)}")
        for line in c.evidence:
            console.print(f"    {escape(line)}")


def _ask(changes: list[Change]) -> list[str]:
    return [c.id for c in changes if typer.confirm(f"accept {c.id} ({c.kind}: {c.summary})?")]


@app.command()
@handle_errors
def update(
    scenario: Annotated[str, typer.Argument(help="The scenario to update (file or built-in).")],
    articles: ArticlesArg,
    accept: Annotated[
        str | None,
        typer.Option("--accept", help="'all' or change ids (C1,C3) to accept; the rest stay out."),
    ] = None,
    reject: Annotated[
        str | None, typer.Option("--reject", help="Change ids to leave out of --accept all.")
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", help="Ask about each change in turn.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the updated YAML here.")
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Save as a new version in this store (database URL)."),
    ] = None,
    author: Annotated[str, typer.Option(help="Who accepted the changes (stored).")] = "cli",
    gazetteer: GazetteerOpt = None,
    lexicon: LexiconOpt = None,
    llm: LlmOpt = None,
    llm_model: LlmModelOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """Propose changes to a scenario from news articles; accept some and save them."""
    from .._history import save_update

    base = load_scenario(scenario)
    ex = _extract(articles, base, gazetteer, lexicon, llm, llm_model)
    changes = propose_changes(base, ex)
    if as_json:
        print_json([c.to_json() for c in changes])
    else:
        _show(changes)
    if interactive:
        chosen = _ask(changes)
    elif accept is None:
        if reject is not None:
            raise DetenteError("--reject takes ids out of --accept all; give --accept all too")
        return
    else:
        ids = [i.strip() for i in accept.split(",") if i.strip()]
        chosen = [c.id for c in changes] if ids == ["all"] else ids
        out = {i.strip() for i in (reject or "").split(",") if i.strip()}
        chosen = [i for i in chosen if i not in out]
    updated = apply_changes(base, changes, chosen)
    note = (
        "accepted "
        + ", ".join(chosen)
        + " from "
        + "; ".join(f"'{a.title}' ({a.date or 'undated'}, {a.name})" for a in ex.articles)
    )
    say = err_console if as_json else console  # with --json, stdout holds only the JSON
    if db is not None:
        where = save_update(db, scenario, base, updated, author=author, note=note)
        say.print(f"[green]saved[/] {escape(where)}: {escape(note)}")
    if output is not None:
        output.write_text(updated.to_yaml(), encoding="utf-8")
        say.print(f"[green]written[/] {escape(str(output))}: {escape(note)}")
    if db is None and output is None:
        raise DetenteError("accepted changes need somewhere to go: give -o FILE or --db URL")


@app.command()
@handle_errors
def timeline(
    scenario: Annotated[str, typer.Argument(help="A built-in name, a file, or a stored scenario.")],
    db: Annotated[
        str | None, typer.Option("--db", help="Read the versions stored here (database URL).")
    ] = None,
    deal: Annotated[
        bool, typer.Option("--deal/--no-deal", help="Include the deal check (a few s/version).")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """How the forecasts moved across a scenario's dated versions, and which edits moved them."""
    from rich.table import Table

    from .._timeline import timeline as run_timeline

    result = run_timeline(scenario, db=db, deal=deal)
    if as_json:
        print_json(result.to_json())
        return
    table = Table(title=f"timeline — {result.scenario_id}")
    table.add_column("metric")
    for p in result.points:
        table.add_column(f"{p.label}\n{p.as_of or 'undated'}", justify="right")
    for metric in result.points[-1].metrics:
        cells = [f"{p.metrics[metric]:.3g}" if metric in p.metrics else "—" for p in result.points]
        table.add_row(metric, *cells)
    console.print(table)
    for s in result.shifts:
        parts = "; ".join(f"{escape(e)} {c:+.3g}" for e, c in s.contributions) or "no one edit"
        console.print(
            f"{escape(s.label)}: {escape(s.metric)} {s.before:.3g} → {s.after:.3g} "
            f"({s.change:+.3g}); largest: {parts}"
        )
