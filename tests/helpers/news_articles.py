"""The news test articles (tests/assets/news) for the draft, update and timeline tests."""

from __future__ import annotations

from pathlib import Path

from detente.draft import Article, read_article

NEWS = Path(__file__).parents[1] / "assets" / "news"


def article(name: str) -> Article:
    """A test article by file name."""
    return read_article(NEWS / name)
