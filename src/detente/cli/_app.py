"""The typer app, the shared console, and the one place errors become messages and exit codes."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import DetenteError, ScenarioError

__all__ = ["app", "console", "err_console", "handle_errors", "print_json"]

app = typer.Typer(
    name="detente",
    help="Détente: where negotiations land, whether a deal exists, whether guarantees hold.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

# Exit status for bad input (a scenario, a model name, a parameter): the usage-error convention.
EXIT_BAD_INPUT = 2


def handle_errors(command: F) -> F:
    """Turn Détente's typed errors into a short message on stderr and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ScenarioError as exc:
            err_console.print(f"[bold red]ScenarioError:[/] {escape(exc.render())}")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except DetenteError as exc:
            err_console.print(f"[bold red]{type(exc).__name__}:[/] {escape(str(exc))}")
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper  # type: ignore[return-value]


def _finite(value: Any) -> Any:
    """NaN and infinities become null: JSON has no such numbers, and readers choke on them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def print_json(data: Any) -> None:
    """JSON on stdout, nothing else (so it can be piped); undefined numbers are null."""
    typer.echo(json.dumps(_finite(data), indent=2, ensure_ascii=False, allow_nan=False))
