"""The property the two-step design exists for (issue 13): on ukraine-2026, as the guarantee
package strengthens (none → paris-2026 → paris-2026-us-backstop), Russia's P(accept) does not
rise and P(kept | accepted) does not fall."""

from __future__ import annotations

import numpy as np

from detente import load_scenario
from detente.deal._accept import accept
from detente.deal._question import build_question
from detente.deal._viability import viability

PACKAGES = ("none", "paris-2026", "paris-2026-us-backstop")


def test_a_stronger_package_is_harder_for_russia_to_sign_and_harder_to_break() -> None:
    s = load_scenario("ukraine-2026")
    q = build_question(s, s.to_arrays(draws=100, seed=1), seed=1)
    russia = q.veto_players.index("russia")
    # The same terms on every draw (the deal on the table without a package), each package
    # pinning its own guarantee issue: Russia meets a package only through the pinned GUAR.
    terms = viability(q, q.packages["none"]).table[:, None]
    signs, gains, kept = [], [], []
    for package in PACKAGES:
        g = q.packages[package]
        signs.append(float(accept(q, terms, g).accepts[:, 0, russia].mean()))
        u = q.utility(q.pin(terms, g))[:, 0, russia]
        gains.append(float((u >= q.no_deal[:, russia]).mean()))
        kept.append(viability(q, g).p_kept)
    assert signs == sorted(signs, reverse=True)
    # Its utility test alone: every draw under none, fewer under Paris, fewer still with the US.
    assert gains[0] > gains[1] > gains[2]
    assert kept == sorted(kept) and kept[0] < kept[2]
    assert np.isclose(kept[0], 0.0) and kept[2] > 0.8


def test_every_red_line_the_deal_crosses_is_named_not_only_the_first() -> None:
    # Under the US backstop the package pins GUAR at 15, and Russia's red line on GUAR (no
    # foreign forces; its minimum is drawn from 20–70) is crossed on every draw, even where its
    # red line on TERR (an earlier issue) is crossed too: both must be reported.
    s = load_scenario("ukraine-2026")
    q = build_question(s, s.to_arrays(draws=60, seed=2), seed=2)
    row = viability(q, q.packages["paris-2026-us-backstop"])
    assert row.p_accept == 0.0
    assert row.red_lines["russia's red line on GUAR"] == 1.0
    assert row.red_lines["russia's red line on TERR"] > 0.5
    shares = list(row.red_lines.values())
    assert shares == sorted(shares, reverse=True)
