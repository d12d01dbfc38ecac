"""Probabilities in the words of a standard estimative scale (specs/deal.md §7).

An analyst reads "likely" before "0.62"; the scale is the one intelligence estimates use:

============================  =================
words                         probability ``p``
============================  =================
almost no chance              p < 0.05
very unlikely                 0.05 ≤ p < 0.20
unlikely                      0.20 ≤ p < 0.45
roughly even chance           0.45 ≤ p ≤ 0.55
likely                        0.55 < p ≤ 0.80
very likely                   0.80 < p ≤ 0.95
almost certain                p > 0.95
============================  =================

Boundary convention: a boundary belongs to the band nearer to even chance, so the scale is
symmetric — ``words(p)`` and ``words(1 - p)`` are mirror images ("very unlikely" at 0.05,
"very likely" at 0.95). This keeps "P(accept)" and "P(block)" worded consistently.

>>> words(0.62)
'likely'
>>> range_words(0.30, 0.62)
'unlikely to likely (0.30–0.62)'
"""

from __future__ import annotations

import math

from .errors import DetenteError

__all__ = ["range_words", "words"]

# (bound, words): the lower half's bounds are exclusive upper bounds, the upper half's exclusive
# lower bounds. Written out rather than computed as 1 − p, which would move 0.8 across 0.2 by
# rounding (1 − 0.8 = 0.19999999999999996).
_LOWER: tuple[tuple[float, str], ...] = (
    (0.05, "almost no chance"),
    (0.20, "very unlikely"),
    (0.45, "unlikely"),
)
_UPPER: tuple[tuple[float, str], ...] = (
    (0.95, "almost certain"),
    (0.80, "very likely"),
    (0.55, "likely"),
)
_EVEN = "roughly even chance"


def _check(p: float, name: str) -> float:
    try:
        value = float(p)  # numpy scalars are welcome; strings and None are not
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(p, str) or not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise DetenteError(f"{name} must be a probability between 0 and 1; got {p!r}")
    return value


def words(p: float) -> str:
    """The estimative words for probability ``p`` (0 ≤ p ≤ 1).

    >>> [words(p) for p in (0.0, 0.05, 0.2, 0.45)]
    ['almost no chance', 'very unlikely', 'unlikely', 'roughly even chance']
    >>> [words(p) for p in (0.55, 0.8, 0.95, 1.0)]
    ['roughly even chance', 'likely', 'very likely', 'almost certain']

    A value outside [0, 1] (or NaN, e.g. P(kept | accepted) when no draw accepts) is refused:

    >>> words(1.2)
    Traceback (most recent call last):
    ...
    detente.errors.DetenteError: p must be a probability between 0 and 1; got 1.2
    """
    p = _check(p, "p")
    for upper, text in _LOWER:
        if p < upper:
            return text
    for lower, text in _UPPER:
        if p > lower:
            return text
    return _EVEN


def range_words(lo: float, hi: float) -> str:
    """Words for a structural range of probabilities, with the numbers to two decimals.

    The range is what the inputs cannot settle (e.g. across guarantor-reliability priors); when
    both ends share a band the words are said once.

    >>> range_words(0.30, 0.62)
    'unlikely to likely (0.30–0.62)'
    >>> range_words(0.6, 0.7)
    'likely (0.60–0.70)'
    >>> range_words(0.9, 0.9)
    'very likely (0.90)'
    >>> range_words(0.7, 0.3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    detente.errors.DetenteError: the low end of a probability range must not exceed ...
    """
    lo = _check(lo, "lo")
    hi = _check(hi, "hi")
    if lo > hi:
        raise DetenteError(
            f"the low end of a probability range must not exceed the high end; got {lo!r} > {hi!r}"
        )
    w_lo, w_hi = words(lo), words(hi)
    text = w_lo if w_lo == w_hi else f"{w_lo} to {w_hi}"
    numbers = f"{lo:.2f}" if f"{lo:.2f}" == f"{hi:.2f}" else f"{lo:.2f}–{hi:.2f}"
    return f"{text} ({numbers})"
