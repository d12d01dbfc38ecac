"""The ``detente`` command line: thin commands over the public Python API.

Each command group lives in its own module and registers on the shared app when imported here.
"""

from __future__ import annotations

from . import (  # noqa: F401  (each registers its commands)
    _backtest,
    _brief,
    _calibrate,
    _deal,
    _fair,
    _forecast,
    _ktab,
    _news,
    _serve,
    _uncertainty,
    _warmup,
)
from ._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``detente`` script."""
    app()
