"""The kernels' own ``exp`` and ``log`` (models/_elementary.py): within one ulp, special values
exactly as numpy, and the same numbers whether a loop runs vectorized or one call at a time."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from detente.models._elementary import exp, log

# Extended precision (x86's 80-bit long double) is the truth the ulp errors are measured against;
# where long double is plain double, numpy's own functions (themselves within one ulp) are, and
# the bound is two ulps.
EXTENDED = np.finfo(np.longdouble).nmant >= 63
BOUND = 1.0 if EXTENDED else 2.0


@njit(error_model="numpy")
def _exp_all(x: np.ndarray, out: np.ndarray) -> None:
    for k in range(x.shape[0]):  # a flat loop: LLVM vectorizes it
        out[k] = exp(x[k])


@njit(error_model="numpy")
def _log_all(x: np.ndarray, out: np.ndarray) -> None:
    for k in range(x.shape[0]):
        out[k] = log(x[k])


@njit(error_model="numpy")
def _exp_one(x: float) -> float:
    return exp(x)


@njit(error_model="numpy")
def _log_one(x: float) -> float:
    return log(x)


def _ulps(got: np.ndarray, x: np.ndarray, fn: np.ufunc) -> float:
    truth = fn(x.astype(np.longdouble)) if EXTENDED else fn(x)
    return float(np.max(np.abs((got.astype(np.longdouble) - truth) / np.spacing(np.abs(got)))))


def _apply(kernel: object, x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    kernel(x, out)  # type: ignore[operator]
    return out


@pytest.mark.parametrize(
    "low, high",
    [(-745.0, 709.0), (-3.0, 0.5), (-1e-6, 1e-6), (-745.13, -708.0)],
    ids=["whole range", "the models' range", "near zero", "subnormal results"],
)
def test_exp_is_within_one_ulp(low: float, high: float) -> None:
    x = np.random.default_rng(1).uniform(low, high, 1_000_000)
    got = _apply(_exp_all, x)
    normal = got >= np.finfo(np.float64).tiny  # a subnormal result has fewer bits to be exact in
    assert _ulps(got[normal], x[normal], np.exp) < BOUND
    assert np.allclose(got[~normal], np.exp(x[~normal]), rtol=0, atol=2 * 5e-324)


@pytest.mark.parametrize(
    "values",
    [
        lambda rng: np.exp(rng.uniform(-700, 700, 1_000_000)),
        lambda rng: rng.uniform(0, 1, 1_000_000),
        lambda rng: 1 + rng.uniform(-1e-6, 1e-6, 1_000_000),
        lambda rng: rng.uniform(5e-324, 2.2e-308, 100_000),
    ],
    ids=["whole range", "distances 0-1", "near one", "subnormal arguments"],
)
def test_log_is_within_one_ulp(values: object) -> None:
    x = values(np.random.default_rng(2))  # type: ignore[operator]
    x = x[x != 1.0]  # log 1 = 0 exactly (checked below): an ulp of 0 is not a scale
    assert _ulps(_apply(_log_all, x), x, np.log) < BOUND
    assert _log_one(1.0) == 0.0


SPECIAL = np.array(
    [0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, 1.0, 5e-324, 1e-310, 2.2250738585072014e-308,
     709.78, 709.79, 710.0, -745.13, -745.14, -746.0, -708.5, 1e300, -1e300]
)  # fmt: skip


@pytest.mark.parametrize("name", ["exp", "log"])
def test_special_values_are_numpys(name: str) -> None:
    many, one, reference = {
        "exp": (_exp_all, _exp_one, np.exp),
        "log": (_log_all, _log_one, np.log),
    }[name]
    with np.errstate(all="ignore"):
        expected = reference(SPECIAL)
    vectorized = _apply(many, SPECIAL)
    scalar = np.array([one(v) for v in SPECIAL])
    for got in (vectorized, scalar):
        exact = np.isnan(expected) | np.isinf(expected) | (expected == 0)
        assert np.array_equal(got[exact], expected[exact], equal_nan=True)
        assert np.allclose(got[~exact], expected[~exact], rtol=4e-16, atol=0)


def test_a_vectorized_loop_gives_the_numbers_of_single_calls() -> None:
    """A kernel's result must not depend on whether LLVM vectorized the loop it sits in (the
    remainder of a vectorized loop runs the scalar code)."""
    x = np.random.default_rng(3).uniform(-50, 5, 1003)
    assert np.array_equal(_apply(_exp_all, x), np.array([_exp_one(v) for v in x]))
    y = np.abs(x) + 1e-3
    assert np.array_equal(_apply(_log_all, y), np.array([_log_one(v) for v in y]))
