"""The one-page brief: bottom line first, one A4 page for the flagship case, black and white."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
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
    # The bottom line carries the deal check's two steps: signing, then keeping.
    assert "likely to be signed" in text and "Keeping a signed deal" in text
    # Keeping it comes with its spread across the structural assumptions (the guarantors'
    # priors move P(kept) under the backstop from about 0.15 to 1.00), not a bare number.
    keep = re.search(r"Keeping a signed deal: [a-z ]+ \((\d\.\d\d); (\d\.\d\d)–(\d\.\d\d)", text)
    assert keep is not None
    p, lo, hi = (float(g) for g in keep.groups())
    assert lo < 0.5 < p <= hi
    assert "Bottom line." in html.read_text(encoding="utf-8")


def test_brief_json_carries_judgements_in_estimative_words() -> None:
    result = runner.invoke(app, ["brief", "emission-standards-1994", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"bottom_line", "judgements", "issues", "packages", "levers", "sources"}
    assert data["issues"][0]["issue"] == "lag"


def test_package_lines_are_the_deal_checks_viability_rows() -> None:
    # The rows as check_deal emits them (accept, then keep), read field by field.
    from detente._brief import viability_lines

    deal = detente.check_deal("ukraine-2026", draws=20, seed=3, top=1).to_json()
    lines = viability_lines(deal)
    assert [line.package for line in lines] == [r["package"] for r in deal["viability"]]
    for line, row in zip(lines, deal["viability"], strict=True):
        assert (line.p_accept, line.p_kept, line.p_viable) == (
            row["p_accept"],
            row["p_kept"],
            row["p_viable"],
        )
        assert list(line.viable_range) == row["range"]
        assert line.blockers == row["blockers"]
        assert line.words == row["words"]
    assert viability_lines({}) == ()


def test_deal_table_shows_each_package_with_signed_kept_and_viable() -> None:
    from detente._brief import viability_lines

    row = {
        "package": "paris",
        "name": "Paris package",
        "p_accept": 0.8,
        "p_kept": 0.5,
        "p_kept_over": "accepted draws",
        "p_viable": 0.4,
        "range": [0.2, 0.6],
        "words": "unlikely to likely (0.20–0.60)",
        "blockers": {"russia": 0.15},
    }
    data = detente.brief("emission-standards-1994").to_json()
    (line,) = viability_lines({"viability": [row]})
    data["packages"] = [asdict(line)]
    page = brief_html(data)
    assert "<th>P(viable)</th>" in page
    assert "<td>Paris package</td><td class='n'>0.80</td><td class='n'>0.50</td>" in page
    assert "<td class='n'>0.40</td><td class='n'>0.20–0.60</td><td>russia 15%</td>" in page


def test_brief_draws_option_sets_the_deal_checks_draws() -> None:
    result = runner.invoke(app, ["brief", "ukraine-2026", "--draws", "10", "--seed", "2", "--json"])
    assert result.exit_code == 0, result.output
    packages = json.loads(result.stdout)["packages"]
    deal = detente.check_deal("ukraine-2026", draws=10, seed=2, top=1).to_json()
    assert [p["p_kept"] for p in packages] == [r["p_kept"] for r in deal["viability"]]
    refused = runner.invoke(app, ["brief", "ukraine-2026", "--draws", "0"])
    assert refused.exit_code == 2
