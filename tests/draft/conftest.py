"""The folder of the news test articles as a fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from news_articles import NEWS


@pytest.fixture
def news() -> Path:
    return NEWS
