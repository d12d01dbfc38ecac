"""Keep: is a signed deal self-enforcing? ``q_d = P(kept | g)`` per draw (deal spec §3).

For the inputs of draw ``d`` (the package's ranged costs and payoffs, sampled once per draw),
``q_d`` is the probability over the guarantors' honouring uncertainty (their Beta priors, the
common shock) that renewed attack does not pay: the deterrence model of ``specs/deterrence.md``
(D1–D4), evaluated on ``inner`` honour draws per deal draw. A guarantor that ``requires`` others
honours only if they do too: its honour probability is multiplied by theirs (spec §2.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..guarantees import GuaranteeParams, guarantor_inputs, honour_probability, package_outcome
from ..scenario import GuaranteePackage, triangular_ppf

__all__ = ["KeepChoices", "kept_probability"]

Float = NDArray[np.float64]
# Honour draws per deal draw: q_d is a mean of this many verdicts (standard error <= 0.03).
INNER_DRAWS = 256


@dataclass(frozen=True)
class KeepChoices:
    """The structural choices of the keep step the inputs cannot settle (spec §7).

    ``all_priors`` gives every guarantor one published prior (None: the package's own);
    ``attribution`` replaces the package's (None: its own); ``sigma_c`` > 0 correlates the
    guarantors through a common log-odds shock.
    """

    all_priors: str | None = None
    attribution: float | None = None
    sigma_c: float = 0.0


def kept_probability(
    package: GuaranteePackage,
    draws: int,
    seed: int | None,
    *,
    choices: KeepChoices = KeepChoices(),
    inner: int = INNER_DRAWS,
) -> Float:
    """``float[B]``: P(the challenger keeps the deal) under ``package`` on each deal draw.

    With ``draws == 1`` the package's ranged inputs take their modes. The same ``seed`` gives
    the same answer; a package without guarantors deters only a challenger whose unanswered
    attack does not pay.

    >>> from detente import load_scenario
    >>> s = load_scenario("tests/data/deal/ukraine-mini.yaml")
    >>> q = kept_probability(s.guarantees[1], draws=4, seed=0)
    >>> q.shape, bool(((0 <= q) & (q <= 1)).all())
    ((4,), True)
    """
    params = GuaranteeParams()
    inputs = guarantor_inputs(package, kappa=params.kappa, all_priors=choices.all_priors)
    rng = np.random.default_rng(seed)
    # Outer draws: the package's ranged numbers, one value per deal draw (modes for one draw).
    quantities = [package.payoffs.status_quo, package.payoffs.unanswered_attack] + [
        q for g in package.guarantors for q in g.measures.values()
    ]
    low, mode, high = (
        np.array([getattr(q, k) for q in quantities]) for k in ("low", "mode", "high")
    )
    values = (
        triangular_ppf(rng.random((draws, len(quantities))), low, mode, high)
        if draws > 1
        else mode[None, :]
    )
    c_sq, c_w = values[:, 0], values[:, 1]
    n_g = len(inputs)
    owner = np.repeat(np.arange(n_g), [len(g.measures) for g in package.guarantors])
    costs = np.zeros((draws, n_g))
    np.add.at(costs.T, owner, values[:, 2:].T)
    # Inner draws: honour probabilities from the priors, shifted (D1), with the common shock.
    theta = np.zeros((draws, inner, n_g))
    for k, g in enumerate(inputs):
        theta[:, :, k] = rng.beta(g.prior.alpha, g.prior.beta, size=(draws, inner))
    common = (
        choices.sigma_c * rng.standard_normal((draws, inner))
        if choices.sigma_c > 0
        else np.zeros((draws, inner))
    )
    shifts = np.array([params.shift(g.level, g.presence) + g.extra_shift for g in inputs])
    attribution = package.attribution if choices.attribution is None else choices.attribution
    theta_prime = honour_probability(
        theta.reshape(draws * inner, n_g),
        shifts,
        attribution=attribution,
        common=common.reshape(-1),
    )
    theta_prime = _with_requirements(package, theta_prime)
    out = package_outcome(
        theta_prime,
        np.repeat(costs, inner, axis=0),
        np.repeat(c_sq, inner),
        np.repeat(c_w, inner),
    )
    kept: Float = out.deterred.reshape(draws, inner).mean(axis=1)
    return kept


def _with_requirements(package: GuaranteePackage, theta: Float) -> Float:
    """Honour probabilities with each guarantor's ``requires`` applied (transitively)."""
    ids = [g.actor for g in package.guarantors]
    needs = {g.actor: set(g.requires) for g in package.guarantors}
    # The closure of each guarantor's requirements (the schema refuses cycles).
    for _ in ids:
        for actor in ids:
            needs[actor] |= set().union(*(needs[r] for r in needs[actor]))
    out = theta.copy()
    for k, actor in enumerate(ids):
        for other in needs[actor]:
            out[:, k] *= theta[:, ids.index(other)]
    result: Float = out
    return result
