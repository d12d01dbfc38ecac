"""`detente warmup` readies every kernel group through the models' own code paths."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from detente._warmup import KERNELS, warm_up
from detente.cli import app


def test_warmup_readies_every_kernel_group_in_parallel_processes() -> None:
    result = CliRunner().invoke(app, ["warmup", "--workers", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == list(KERNELS)
    assert all(line.endswith(" s)") and "ready" in line for line in lines)


def test_warmup_refuses_a_worker_count_below_one() -> None:
    result = CliRunner().invoke(app, ["warmup", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output
    with pytest.raises(ValueError, match="workers must be at least 1"):
        warm_up(0)
