"""Commands of the service: ``serve`` (the web app and REST API) and ``report`` (HTML/PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import DetenteError
from ._app import app, console, handle_errors


@app.command()
@handle_errors
def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; anything but loopback needs DETENTE_API_TOKEN."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="SQLAlchemy URL (default: DETENTE_DATABASE_URL, else a SQLite file under "
            "DETENTE_DATA_DIR or ~/.local/share/detente).",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Runs computed at the same time (one worker process each).")
    ] = 2,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="A Dask scheduler (tcp://HOST:PORT) to compute the runs' chunks of draws on.",
        ),
    ] = None,
) -> None:
    """Start the web app and REST API (OpenAPI at /docs)."""
    import uvicorn

    from ..api import Settings, create_app
    from ..store import resolve_database_url

    settings = Settings.from_env(
        host=host, port=port, database_url=database_url, workers=workers, scheduler=scheduler
    )
    try:
        settings.check()
    except ValueError as exc:
        raise DetenteError(str(exc)) from None
    url = resolve_database_url(settings.database_url)
    shown = url.split("@")[-1] if "@" in url else url
    console.print(f"Détente on http://{host}:{port}  (database: {shown})")
    if settings.token:
        console.print("write endpoints need the bearer token from DETENTE_API_TOKEN")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command()
@handle_errors
def report(
    name_or_run: Annotated[
        str,
        typer.Argument(
            help="A scenario file or built-in name (a forecast is run), or a stored run: "
            "run:ID (or just the number)."
        ),
    ],
    html: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the PDF report here.")] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Model (scenario only).")] = (
        "compromise"
    ),
    draws: Annotated[int, typer.Option(help="Monte Carlo draws (scenario only).")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the draws (scenario only).")] = 0,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Store of the run (run:ID only).")
    ] = None,
) -> None:
    """Write a self-contained HTML report (charts inline, sources, parameters, seed) and/or PDF."""
    from .. import forecast, load_scenario
    from ..report import report_from_forecast, write_report

    if html is None and pdf is None:
        raise DetenteError("say where to write the report: --html FILE and/or --pdf FILE")
    ref = name_or_run.removeprefix("run:")
    if ref.isdigit():
        from ..api import report_for_run
        from ..store import open_store

        store = open_store(database_url)
        try:
            with store.session() as session:
                data = report_for_run(session, int(ref))
        finally:
            store.close()
    else:
        scenario = load_scenario(name_or_run)
        data = report_from_forecast(
            forecast(scenario, model, draws=draws, seed=seed), scenario, seed=seed
        )
    for path in write_report(data, html=html, pdf=pdf):
        console.print(f"wrote {path}")
