"""The estimative scale of specs/deal.md §7: bands, boundaries, ranges and refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.estimative import range_words, words


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.0, "almost no chance"),
        (0.0499, "almost no chance"),
        (0.05, "very unlikely"),
        (0.1999, "very unlikely"),
        (0.20, "unlikely"),
        (0.4499, "unlikely"),
        (0.45, "roughly even chance"),
        (0.55, "roughly even chance"),
        (0.5501, "likely"),
        (0.80, "likely"),
        (0.8001, "very likely"),
        (0.95, "very likely"),
        (0.9501, "almost certain"),
        (1.0, "almost certain"),
    ],
)
def test_each_band_and_its_boundaries_follow_the_spec_scale(p: float, expected: str) -> None:
    assert words(p) == expected


@pytest.mark.parametrize("p", [0.05, 0.2, 0.45, 0.3, 0.01])
def test_the_scale_is_symmetric_so_accept_and_block_read_alike(p: float) -> None:
    mirrored = {
        "almost no chance": "almost certain",
        "very unlikely": "very likely",
        "unlikely": "likely",
        "roughly even chance": "roughly even chance",
    }
    assert words(round(1 - p, 10)) == mirrored[words(p)]


def test_numpy_scalars_are_accepted() -> None:
    assert words(np.float64(0.62)) == "likely"
    assert words(np.float32(0.9)) == "very likely"


@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, math.inf, "0.5", None])
def test_a_value_that_is_not_a_probability_is_refused_by_name(bad: object) -> None:
    with pytest.raises(DetenteError, match=r"^p must be a probability between 0 and 1; got "):
        words(bad)  # type: ignore[arg-type]


def test_a_range_spanning_bands_names_both_ends_with_its_numbers() -> None:
    assert range_words(0.30, 0.62) == "unlikely to likely (0.30–0.62)"
    assert range_words(0.177, 0.941) == "very unlikely to very likely (0.18–0.94)"


def test_a_range_within_one_band_says_the_words_once() -> None:
    assert range_words(0.60, 0.70) == "likely (0.60–0.70)"
    assert range_words(0.9, 0.9) == "very likely (0.90)"


def test_an_inverted_range_is_refused() -> None:
    with pytest.raises(
        DetenteError,
        match=r"^the low end of a probability range must not exceed the high end; got 0\.7 > 0\.3$",
    ):
        range_words(0.7, 0.3)


def test_an_undefined_end_is_refused_naming_which_end() -> None:
    with pytest.raises(DetenteError, match=r"^hi must be a probability"):
        range_words(0.2, math.nan)
