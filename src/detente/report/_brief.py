"""The one-page brief as a self-contained HTML page for A4, readable in black and white.

Takes the brief's JSON record (``detente.brief(...).to_json()``) and runs nothing. No charts:
ranges are printed as numbers and drawn as a plain bar, so the page prints on any printer.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

__all__ = ["brief_html"]

_CSS = """
@page { size: A4; margin: 8mm 12mm; }
body { font-family: Georgia, 'DejaVu Serif', serif; font-size: 8.8pt; line-height: 1.22;
       color: #000; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 1mm; }
h2 { font-size: 10pt; margin: 1.8mm 0 0.6mm; border-bottom: 0.6pt solid #000; }
.meta { font-size: 8pt; margin-bottom: 2mm; }
.bottom { border: 1.2pt solid #000; padding: 1.5mm 2.5mm; font-size: 9.6pt; }
ul { margin: 0; padding-left: 5mm; }
li { margin: 0.2mm 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.2pt; }
th, td { border-bottom: 0.4pt solid #777; padding: 0.4mm 1.2mm; text-align: left;
         vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.bar { position: relative; width: 28mm; height: 2.6mm; border: 0.4pt solid #000; }
.bar .r { position: absolute; top: 0; bottom: 0; background: #bbb; }
.bar .c { position: absolute; top: -0.5mm; bottom: -0.5mm; width: 0.8mm; background: #000; }
.small { font-size: 7.4pt; }
li { break-inside: avoid; }
/* On screen (the file, the web app's frame) the text does not touch the window's edge. */
@media screen { body { margin: 4mm 5mm; } }
"""


def _bar(low: float, high: float, centre: float) -> str:
    def pct(x: float) -> float:
        return max(0.0, min(100.0, x))

    return (
        f'<div class="bar"><div class="r" style="left:{pct(low):.1f}%;'
        f'width:{pct(high) - pct(low):.1f}%"></div>'
        f'<div class="c" style="left:calc({pct(centre):.1f}% - 0.4mm)"></div></div>'
    )


def _short(text: str, limit: int = 90) -> str:
    """The scale's words, cut at a word boundary with an ellipsis when long."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _pct(row: Mapping[str, Any], key: str) -> float:
    """A value's place on its issue's scale, 0–100 (the bar is drawn on it)."""
    low, high = float(row["scale_min"]), float(row["scale_max"])
    return 100.0 * (float(row[key]) - low) / (high - low)


def _num(row: Mapping[str, Any], key: str) -> str:
    """Whole points on a wide scale (0–100), one decimal on a narrow one (0–12 years)."""
    wide = abs(float(row["scale_max"]) - float(row["scale_min"])) >= 20
    return f"{float(row[key]):.0f}" if wide else f"{float(row[key]):.1f}"


def _issues(rows: list[Mapping[str, Any]]) -> str:
    head = (
        "<tr><th>issue</th><th>ensemble</th><th>80% range</th><th></th>"
        "<th>models</th><th>in words</th></tr>"
    )
    body = "".join(
        f"<tr><td><b>{escape(r['issue'])}</b> {escape(_short(r['name'], 40))}</td>"
        f"<td class='n'>{_num(r, 'ensemble')}</td>"
        f"<td class='n'>{_num(r, 'low')}–{_num(r, 'high')}</td>"
        f"<td>{_bar(*(_pct(r, k) for k in ('low', 'high', 'ensemble')))}</td>"
        f"<td class='n'>{_num(r, 'models_low')}–{_num(r, 'models_high')}</td>"
        f"<td class='small'>{escape(_short(r['anchor'], 75))}</td></tr>"
        for r in rows
    )
    return f"<table>{head}{body}</table>"


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _blockers(shares: Mapping[str, float]) -> str:
    return ", ".join(f"{a} {v:.0%}" for a, v in shares.items()) or "–"


def brief_html(data: Mapping[str, Any]) -> str:
    """The brief page: bottom line, key judgements, where the talks land, deal and guarantees,
    what would change the call, method and sources."""
    why = [r["why"] for r in data["issues"] if r["why"]]
    packages = data["packages"]
    deal_rows = "".join(
        f"<tr><td>{escape(p['name'])}</td>"
        f"<td class='n'>{p['p_accept']:.2f}</td>"
        f"<td class='n'>{p['p_kept']:.2f}</td>"
        f"<td class='n'>{p['p_viable']:.2f}</td>"
        f"<td class='n'>{p['viable_range'][0]:.2f}–{p['viable_range'][1]:.2f}</td>"
        f"<td>{escape(_blockers(p['blockers']))}</td></tr>"
        for p in packages
    )
    deal = (
        "<table><tr><th>guarantee package</th><th>P(signed)</th><th>P(kept)</th>"
        "<th>P(viable)</th><th>variants</th><th>blocks (share of draws)</th></tr>"
        f"{deal_rows}</table><div class='small'>P(viable) = signed and kept; variants: its "
        "range across the structural variants of the deal check.</div>"
        if packages
        else f"<p>{escape(data['no_deal'])}</p>"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Brief — {escape(data["title"])}</title>
<style>{_CSS}</style></head><body>
<h1>{escape(data["title"])}</h1>
<div class="meta">One-page brief · scenario <code>{escape(data["scenario"])}</code>
{" · information as of " + escape(data["as_of"]) if data["as_of"] else ""}</div>
<div class="bottom"><b>Bottom line.</b> {escape(data["bottom_line"])}</div>
<h2>Key judgements</h2>{_list(list(data["judgements"]))}
<h2>Where the talks land (each issue on its own scale)</h2>{_issues(list(data["issues"]))}
<div class="small">{_list(why)}</div>
<h2>Is there a deal, and will it hold?</h2>{deal}
<h2>What would change the call</h2>{_list(list(data["levers"]))}
<h2>Method and sources</h2><div class="small"><p>{escape(data["method"])}</p>
{_list([_short(src, 125) for src in data["sources"]])}</div>
</body></html>
"""
