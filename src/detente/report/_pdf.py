"""PDF reports: the HTML report printed by headless Chromium.

Why Chromium: the PDF is then the very page the HTML report is, charts drawn by the same
plotly.js, instead of a second chart stack (e.g. matplotlib + a PDF library) that would drift from
the HTML. The cost is a Chromium binary at run time; without one the error says how to get it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ReportError

__all__ = ["ReportError", "find_chromium", "html_to_pdf"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Flags for a headless print on a machine with no network: no sandbox (containers run as root),
# and no background connections that would only fail.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    # plotly draws with JavaScript: give the page (virtual) time to finish before printing.
    "--virtual-time-budget=15000",
    "--run-all-compositor-stages-before-draw",
)


def find_chromium() -> str | None:
    """``DETENTE_CHROMIUM``, else the first Chromium or Chrome on ``PATH``."""
    chosen = os.environ.get("DETENTE_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, pdf_path: Path, *, timeout: float = 120.0) -> Path:
    """Print an HTML document to ``pdf_path`` with headless Chromium."""
    chromium = find_chromium()
    if chromium is None:
        raise ReportError(
            "a PDF report is printed by Chromium, and none was found; install it (Debian: "
            "apt-get install chromium) or set DETENTE_CHROMIUM to its path; the HTML report "
            "(--html) needs nothing"
        )
    pdf_path = Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="detente-pdf-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        command = [
            chromium,
            *FLAGS,
            f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={pdf_path}",
            page.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ReportError(
            f"Chromium ({chromium}) could not print the PDF (exit {done.returncode}): "
            + " | ".join(tail)
        )
    return pdf_path
