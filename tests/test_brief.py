"""The one-page brief: bottom line first, one A4 page for the flagship case, black and white."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdf
from typer.testing import CliRunner

import detente
from detente.cli import app
from detente.report import brief_html

runner = CliRunner()


def test_brief_of_a_case_without_guarantees_is_about_where_talks_land() -> None:
    b = detente.brief("emission-standards-1994")
    assert b.packages == ()
    # lag is in years (0–12): the page speaks in the issue's own scale.
    assert b.bottom_line.startswith("The skill-weighted forecast puts the talks at lag 7.5 ")
    assert "the typical 80% range spans 80% of the scale" in b.bottom_line
    (line,) = b.issues
    assert line.low <= line.ensemble <= line.high
    assert line.models_low <= line.models_high


def test_brief_page_uses_no_colour() -> None:
    # Readable printed in black and white: every colour on the page is a grey.
    page = brief_html(detente.brief("emission-standards-1994").to_json())
    for r, g, b in re.findall(r"#([0-9a-f])([0-9a-f])([0-9a-f])\b", page):
        assert r == g == b


def test_ukraine_brief_pdf_is_one_a4_page_that_opens_with_the_bottom_line(tmp_path: Path) -> None:
    pdf, html = tmp_path / "brief.pdf", tmp_path / "brief.html"
    result = runner.invoke(app, ["brief", "ukraine-2026", "--pdf", str(pdf), "-o", str(html)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) <= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = " ".join(reader.pages[0].extract_text().split())
    assert text.startswith("Russia–Ukraine peace talks, 2025–2026 One-page brief")
    assert (
        text.index("Bottom line.")
        < text.index("Key judgements")
        < text.index("Where the talks land")
    )
    assert "Paris package plus a US backstop" in text
    assert "Bottom line." in html.read_text(encoding="utf-8")


def test_brief_json_carries_judgements_in_estimative_words() -> None:
    result = runner.invoke(app, ["brief", "emission-standards-1994", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"bottom_line", "judgements", "issues", "packages", "levers", "sources"}
    assert data["issues"][0]["issue"] == "lag"


def test_deal_viability_rows_become_package_lines_and_a_viable_column() -> None:
    # The deal check's viability rows (accept, then keep) when it carries them.
    from detente._brief import viability_lines

    row = {
        "package": "paris",
        "name": "Paris package",
        "p_accept": 0.8,
        "p_kept": 0.5,
        "p_viable": 0.4,
        "range": [0.2, 0.6],
        "blockers": ["russia"],
    }
    (line,) = viability_lines({"viability": [row]})
    assert (line.p_deal, line.p_deterrence, line.p_viable) == (0.8, 0.5, 0.4)
    data = detente.brief("emission-standards-1994").to_json()
    data["packages"] = [
        {
            "package": line.package,
            "name": line.name,
            "p_deal": line.p_deal,
            "p_deterrence": line.p_deterrence,
            "deterrence_range": list(line.deterrence_range),
            "blockers": list(line.blockers),
            "p_viable": line.p_viable,
        }
    ]
    page = brief_html(data)
    assert "<th>P(viable)</th>" in page and "P(viable) across variants" in page
    assert viability_lines({}) == ()
