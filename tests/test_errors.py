"""The exception tree: every error is a DetenteError (and a ValueError) and survives pickling."""

from __future__ import annotations

import pickle

import pytest

import detente
from detente import errors
from detente.errors import (
    ArticleError,
    ConflictError,
    DetenteError,
    ModelError,
    NotFoundError,
    Problem,
    ReportError,
    ScenarioError,
)
from detente.models.eum import rounds_table


def _scenario_error() -> ScenarioError:
    return ScenarioError(
        [
            Problem(
                "out_of_range",
                "actors[a].issues[x].salience",
                "salience too high",
                140,
                "0 to 100",
                "x.yaml",
                12,
            ),
            Problem(
                "not_a_number", "row 3", "expected a number", "abc", None, "x.csv", 3, "position"
            ),
        ],
        source="x.yaml",
    )


def test_every_error_class_is_in_the_documented_tree() -> None:
    classes = {
        v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, BaseException)
    }
    assert classes == {
        ArticleError,
        ConflictError,
        DetenteError,
        ModelError,
        NotFoundError,
        ReportError,
        ScenarioError,
    }
    for cls in classes:
        assert issubclass(cls, DetenteError) and issubclass(cls, ValueError)
        assert cls.__name__ in (errors.__doc__ or "")
    assert issubclass(NotFoundError, LookupError)


def test_scenario_error_pickles_with_its_records_and_message() -> None:
    err = _scenario_error()
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ScenarioError
    assert back.records() == err.records()
    assert back.source == "x.yaml"
    assert str(back) == str(err)
    assert str(back).startswith("2 problems in x.yaml\n  actors[a].issues[x].salience  (line 12)")


@pytest.mark.parametrize(
    "err",
    [
        DetenteError("something is wrong"),
        ModelError("unknown model 'eu'"),
        NotFoundError("no run with id 4"),
        ReportError("no Chromium"),
        ConflictError(scenario_id=3, base_version=4, latest_version=6),
        ArticleError("the article is empty"),
    ],
)
def test_message_errors_pickle_with_their_message(err: DetenteError) -> None:
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert str(back) == str(err)


def test_unknown_issue_or_actor_is_a_not_found_error_with_a_hint() -> None:
    scenario = detente.load_scenario("ukraine-2026")
    with pytest.raises(
        NotFoundError,
        match=r"^scenario 'ukraine-2026' has no issue 'TER'; "
        r"did you mean 'TERR'\?; its issues: TERR, CRIM",
    ):
        scenario.issue("TER")
    with pytest.raises(NotFoundError, match="has no actor 'nobody'"):
        scenario.actor("nobody")


def test_store_and_report_errors_are_the_documented_classes() -> None:
    from detente.report import ReportError as FromReport
    from detente.store import NotFoundError as FromStore

    assert FromStore is NotFoundError
    assert FromReport is ReportError


def test_eum_tables_raise_model_errors() -> None:
    point = detente.forecast("emission-standards-1994", model="median")
    with pytest.raises(ModelError, match="rounds_table needs a dynamic forecast run"):
        rounds_table(point)
    dynamic = detente.forecast("emission-standards-1994", model="eum", rounds=1)
    with pytest.raises(NotFoundError, match="the forecast has no issue 'lga'; did you mean 'lag'"):
        rounds_table(dynamic, issue="lga")
