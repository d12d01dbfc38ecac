"""`make demo` runs the flagship case through every model and prints readable tables."""

from __future__ import annotations

import io

from rich.console import Console

from detente import demo, models


def test_demo_prints_every_model_for_every_ukraine_issue() -> None:
    buffer = io.StringIO()
    demo.forecasts_table(Console(file=buffer, width=200))
    out = buffer.getvalue()
    for name in models.names():
        if name != "status_quo":
            assert name in out
    for issue in ("TERR", "CRIM", "ZNPP", "GUAR", "ARMY", "NATO", "SANC"):
        assert issue in out
    # The compromise forecast on TERR (55.1) falls nearest the 55 anchor: the US free-economic-zone concept.
    assert "free economic" in out
    # The middle across models is the skill-weighted ensemble, not an equal-weight median.
    assert "weights from the DEU backtest: compromise 25%" in out
    assert "80% calibrated" in out


def test_demo_says_whether_there_is_a_deal_and_how_likely_deterrence_holds() -> None:
    buffer = io.StringIO()
    demo.deal_and_guarantees(Console(file=buffer, width=200))
    out = buffer.getvalue()
    for package in ("'none'", "'paris-2026'", "'paris-2026-us-backstop'"):
        assert f"Guarantee package {package}" in out
    assert "P(deterrence of russia holds)" in out
    # The deal runs over draws, so it gives probabilities and the two steps as a chart: under
    # the US backstop Russia is deterred on most draws (P(kept) 0.93 on 200 draws) but no draw
    # clears both sides' red lines on territory.
    assert f"({demo.DEAL_DRAWS} draws, linear utility)" in out
    chart = out[out.index("the two steps side by side:") :]
    backstop = next(line for line in chart.splitlines() if "paris-2026-us-backstop" in line)
    assert backstop.split()[1:3] == ["0.00", "0.00–0.00"]  # P(accept) and its range
    assert float(backstop.split()[-2].rstrip("*")) > 0.8  # P(kept) if signed
    none = next(line for line in chart.splitlines() if line.strip().startswith("none"))
    assert float(none.split()[-2].rstrip("*")) == 0.0


def test_demo_simulates_and_names_the_inputs_that_matter() -> None:
    buffer = io.StringIO()
    demo.uncertainty(Console(file=buffer, width=200))
    out = buffer.getvalue()
    assert "10,000" in out or "10000" in out
    assert "russia.position[TERR]" in out  # the largest swing on TERR (tornado)
