"""``detente warmup``: compile the numba kernels once, in parallel, before the first run."""

from __future__ import annotations

from typing import Annotated

import typer

from .._warmup import warm_up
from ._app import app, console, handle_errors


@app.command("warmup")
@handle_errors
def warmup_command(
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, max=64, help="Processes compiling side by side (default: cores)."
        ),
    ] = None,
) -> None:
    """Compile every model's kernel now, so that no forecast waits for it later.

    The first run of eum, smp, nash, exchange or a deal compiles its kernel (5 to 60 s of CPU
    each); the machine code is cached and later runs load it in well under a second. This
    compiles them all in parallel processes; run it once after installing or upgrading
    (`make setup` does). Running it again only loads the cache.
    """
    for name, seconds in warm_up(workers).items():
        console.print(f"{name}: ready ({seconds:.1f} s)")
