"""The deal-question data of the built-in ukraine-2026 (case brief addendum, deal spec §1, §2, §5).

Each number is pinned to the brief or to the team estimate derived in its note, so a silent edit
of the flagship's data fails here; every number cites a listed source, and every team estimate
says so in its note.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from detente import Scenario, load_scenario
from detente.scenario import Quantity


@cache
def ukraine() -> Scenario:
    return load_scenario("ukraine-2026")


def triple(q: Quantity | None) -> tuple[float, float, float]:
    assert q is not None
    return (q.low, q.mode, q.high)


def deal_numbers(s: Scenario) -> Iterator[tuple[str, Quantity, tuple[str, ...], str | None]]:
    """(where, number, its sources, its note) for every number of the deal sections."""
    nd = s.no_deal
    assert nd is not None
    yield "no_deal.horizon_years", nd.horizon_years, nd.horizon_years.source, nd.horizon_years.note
    yield "no_deal.discount", nd.discount, nd.discount.source, nd.discount.note
    for k, q in nd.issues.items():
        yield f"no_deal.issues[{k}]", q, q.source, q.note
    for k, q in nd.yearly_cost.items():
        yield f"no_deal.yearly_cost[{k}]", q, q.source, q.note
    for actor, lines in s.red_lines.items():
        for issue, line in lines.items():
            for end in (line.min, line.max):
                if end is not None:
                    yield f"red_lines[{actor}][{issue}]", end, line.source, line.note
    for p in s.proposals:
        for issue, q in p.issues.items():
            yield f"proposals[{p.id}].issues[{issue}]", q, q.source, q.note


def test_every_deal_number_cites_listed_sources_and_says_what_it_is() -> None:
    s = ukraine()
    known = {src.id for src in s.sources}
    for where, _, source, note in deal_numbers(s):
        assert source, f"{where} has no source"
        assert set(source) <= known, f"{where} cites {source}"
        # [F] a documented fact, [E] a team estimate with its derivation.
        assert note and note.startswith(("[F]", "[E")), f"{where}: {note!r}"
    for c in s.conditions:
        assert c.source and set(c.source) <= known and c.note


def test_no_deal_path_follows_the_addendum() -> None:
    nd = ukraine().no_deal
    assert nd is not None
    assert triple(nd.horizon_years) == (1, 2, 3)
    assert triple(nd.discount) == (0.8, 0.9, 1.0)
    # AFP/ISW mapped onto the TERR anchors: 40 today, 55 half the rest of Donetsk, 70 all of it.
    assert triple(nd.issues["TERR"]) == (42, 55, 70)
    assert triple(nd.issues["SANC"]) == (5, 10, 10)
    assert set(nd.issues) == {"TERR", "SANC"}
    costs = {actor: triple(q) for actor, q in nd.yearly_cost.items()}
    assert costs == {"russia": (3, 6, 12), "ukraine": (4, 7, 12), "united_states": (0, 1, 3)}


def test_red_lines_code_the_stated_positions_as_ranges() -> None:
    lines = ukraine().red_lines
    assert triple(lines["russia"]["TERR"].min) == (55, 70, 80)
    assert triple(lines["russia"]["GUAR"].min) == (20, 50, 70)
    assert triple(lines["ukraine"]["TERR"].max) == (40, 50, 60)
    assert triple(lines["ukraine"]["CRIM"].max) == (60, 80, 95)
    assert triple(lines["ukraine"]["NATO"].max) == (60, 74, 85)
    assert lines["russia"]["TERR"].max is None and lines["ukraine"]["TERR"].min is None


def test_linked_offers_tie_kyivs_concessions_to_a_binding_guarantee() -> None:
    s = ukraine()
    rules = [(c.actor, c.if_.issue, c.if_.min, c.then.issue, c.then.max) for c in s.conditions]
    assert rules == [("ukraine", "NATO", 55, "GUAR", 20), ("ukraine", "TERR", 50, "GUAR", 20)]
    packages = {p.id: p for p in s.guarantees}
    for package in ("paris-2026", "paris-2026-us-backstop"):
        requires = {g.actor: g.requires for g in packages[package].guarantors}
        assert requires["united_kingdom"] == requires["france"] == ("united_states",)
        assert all(r == () for a, r in requires.items() if a not in {"united_kingdom", "france"})


def test_each_package_pins_the_guarantee_issue_from_weakest_to_strongest() -> None:
    pins = {p.id: p.issue_value for p in ukraine().guarantees}
    assert pins == {
        "none": {"GUAR": 100},
        "paris-2026": {"GUAR": 30},
        "paris-2026-us-backstop": {"GUAR": 15},
        "us-guarantee-2025-11": {"GUAR": 50},
    }


def test_the_named_texts_sit_on_the_anchors_the_brief_documents() -> None:
    s = ukraine()
    by_id = {p.id: p for p in s.proposals}
    assert list(by_id) == [
        "us-28-point",
        "e3-counter-proposal",
        "twenty-point-draft",
        "russian-memorandum",
        "paris-declaration",
    ]
    modes = {pid: {k: q.mode for k, q in p.issues.items()} for pid, p in by_id.items()}
    assert modes["us-28-point"] == {
        "TERR": 70,
        "CRIM": 60,
        "ZNPP": 50,
        "GUAR": 50,
        "ARMY": 40,
        "NATO": 85,
        "SANC": 60,
    }
    assert modes["e3-counter-proposal"] == {
        "TERR": 40,
        "CRIM": 40,
        "ZNPP": 50,
        "GUAR": 50,
        "ARMY": 20,
        "NATO": 40,
        "SANC": 20,
    }
    assert modes["russian-memorandum"] == {
        "TERR": 100,
        "CRIM": 100,
        "ZNPP": 90,
        "GUAR": 100,
        "ARMY": 60,
        "NATO": 100,
        "SANC": 100,
    }
    assert modes["paris-declaration"] == {"GUAR": 30, "ARMY": 20}
    # Where a text is vague or the sources disagree, the value is a range.
    assert triple(by_id["e3-counter-proposal"].issues["ZNPP"]) == (10, 50, 50)
    assert triple(by_id["twenty-point-draft"].issues["TERR"]) == (30, 35, 55)
    # A text's GUAR is the value its guarantee package pins.
    pins = {p.id: p.issue_value for p in s.guarantees}
    for p in s.proposals:
        assert p.issues["GUAR"].mode == pins[p.package]["GUAR"], p.id
