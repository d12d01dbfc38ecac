"""The self-contained HTML report: tables, charts (plotly.js inline), parameters and sources."""

from __future__ import annotations

import json
import math
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, select_autoescape

from ._figures import report_figures
from ._panels import panel_html
from ._tables import ReportInput, outcome_table

__all__ = ["plotly_js", "render_html"]


def plotly_js() -> str:
    """plotly.js as shipped in the plotly wheel (no CDN: reports open offline)."""
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text("utf-8")


def _environment() -> Environment:
    return Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True)


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def _link(url: Any) -> str | None:
    """A source URL fit for an ``href``: http(s) only (a ``javascript:`` or ``data:`` URL from
    an uploaded scenario would run in the reader's browser), else None.

    >>> _link("https://example.org/a"), _link("JavaScript:alert(1)"), _link(" http://x ")
    ('https://example.org/a', None, 'http://x')
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


def render_html(data: ReportInput, *, include_plotly: bool = True) -> str:
    """One HTML document holding the whole report; ``include_plotly=False`` leaves the
    plotly.js library out (for pages that already load it).

    >>> from detente.report import report_from_forecast
    >>> from detente import forecast, load_scenario
    >>> s = load_scenario("emission-standards-1994")
    >>> html = render_html(report_from_forecast(forecast(s, "median"), s), include_plotly=False)
    >>> "BDM1994" in html and "seed" in html
    True
    """
    template_text = (resources.files("detente.report") / "templates" / "report.html.j2").read_text(
        "utf-8"
    )
    template = _environment().from_string(template_text)
    figures = report_figures(data)
    rendered = [
        fig.to_html(full_html=False, include_plotlyjs=False, config={"displayModeBar": False})
        for fig in figures
    ]
    run_rows = [
        (key, value if isinstance(value, str) else json.dumps(value, sort_keys=True))
        for key, value in data.run.items()
    ]
    model = data.run.get("model") or None
    outcomes = outcome_table(data.outcome, data.issues, model).to_dict("records")
    sources = [
        {**cleaned, "link": _link(cleaned.get("url"))}
        for cleaned in (
            {k: _clean(v) for k, v in s.items()} for s in data.sources.to_dict("records")
        )
    ]
    return template.render(
        title=data.title,
        run={"draws": 1, **data.run},
        run_rows=run_rows,
        outcomes=outcomes,
        has_models="model" in data.outcome.columns,
        figures=rendered,
        panel=panel_html(str(data.run.get("kind", "")), data.result, data.issues),
        sources=sources,
        plotly_js=plotly_js() if include_plotly else "",
    )
