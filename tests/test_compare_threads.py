"""compare runs two models at a time where numba's threading layer allows it: same numbers as
one at a time, errors and cancels stop the other model, and a process without a thread-safe
layer runs them one after another instead of aborting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from typing import Any

import pytest

from detente import _compare, compare
from detente.models import _threads

MODELS = ["compromise", "nash", "exchange", "eum", "smp"]


def _json(**kwargs: Any) -> str:
    return json.dumps(compare("ukraine-2026", MODELS, draws=12, seed=3, **kwargs).to_json())


def test_two_at_a_time_gives_the_numbers_of_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: dict[str, str] = {}
    real = _compare.forecast

    def recorded(*args: Any, **kwargs: Any) -> Any:
        threads[args[1]] = threading.current_thread().name
        return real(*args, **kwargs)

    monkeypatch.setattr(_compare, "forecast", recorded)
    side_by_side = _json()
    assert len(set(threads.values())) == 2  # two pool threads ran the models
    monkeypatch.setattr(_threads, "side_by_side", lambda: False)
    threads.clear()
    one_by_one = _json()
    assert set(threads.values()) == {threading.current_thread().name}
    assert side_by_side == one_by_one
    assert list(json.loads(side_by_side)["models"]) == MODELS  # the order asked for


class _Cancelled(Exception):
    pass


def test_a_cancel_stops_both_models_and_is_what_the_caller_sees() -> None:
    calls = [0]

    def progress(_share: float) -> None:
        calls[0] += 1
        if calls[0] == 5:  # a few rounds in, both dynamic models running; raised once
            raise _Cancelled

    with pytest.raises(_Cancelled):
        compare("ukraine-2026", ["exchange", "eum"], draws=50, progress=progress)
    # The other model stopped at its next round (one report may have been under way), although
    # its own reports would not have raised: it would have reported before each of its rounds.
    assert calls[0] <= 6
    assert not [t for t in threading.enumerate() if t.name.startswith("compare")]


def test_without_a_thread_safe_layer_the_models_run_one_after_another() -> None:
    code = (
        "from detente import compare; from detente.models._threads import side_by_side;"
        "c = compare('ukraine-2026', ['exchange', 'eum'], draws=8);"
        "print(side_by_side(), sorted(c.forecasts))"
    )
    env = {**os.environ, "NUMBA_THREADING_LAYER": "workqueue"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split("\n")[0] == "False ['eum', 'exchange']"
