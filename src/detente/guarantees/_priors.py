"""Alliance-reliability base rates as Beta priors on a guarantor's honour probability.

Source: the deterrence spec §7 (published rates, §7.1; parameterisation, §7.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import ModelError, did_you_mean
from ..scenario import DEFAULT_KAPPA, PUBLISHED_RATES

__all__ = ["DEFAULT_KAPPA", "PRIORS", "ReliabilityPrior", "prior"]


@dataclass(frozen=True)
class ReliabilityPrior:
    """A Beta prior ``Beta(mu * kappa, (1 - mu) * kappa)`` with the rate's published source.

    >>> p = prior("bf2018_defense_pact")
    >>> round(p.alpha, 6), round(p.beta, 6), round(p.sd, 4)
    (8.2, 11.8, 0.1073)
    """

    name: str
    mu: float
    kappa: float = DEFAULT_KAPPA
    source: str = ""
    measures: str = ""

    def __post_init__(self) -> None:
        if not 0.0 < self.mu < 1.0:
            raise ModelError(
                f"prior '{self.name}': mu must lie strictly between 0 and 1; got {self.mu}"
            )
        if not (math.isfinite(self.kappa) and self.kappa > 0.0):
            raise ModelError(f"prior '{self.name}': kappa must be > 0; got {self.kappa}")

    @classmethod
    def from_beta(
        cls, alpha: float, beta: float, *, name: str = "custom", source: str = ""
    ) -> ReliabilityPrior:
        """The prior with Beta parameters ``alpha``, ``beta`` (both > 0)."""
        for label, value in (("alpha", alpha), ("beta", beta)):
            if not (math.isfinite(value) and value > 0.0):
                raise ModelError(f"prior '{name}': Beta {label} must be > 0; got {value}")
        return cls(name=name, mu=alpha / (alpha + beta), kappa=alpha + beta, source=source)

    @property
    def alpha(self) -> float:
        return self.mu * self.kappa

    @property
    def beta(self) -> float:
        return (1.0 - self.mu) * self.kappa

    @property
    def sd(self) -> float:
        return math.sqrt(self.mu * (1.0 - self.mu) / (self.kappa + 1.0))

    def quantile(self, q: float) -> float:
        """The ``q`` quantile of the prior (scipy's Beta inverse CDF)."""
        from scipy.stats import beta as beta_dist

        return float(beta_dist.ppf(q, self.alpha, self.beta))

    def with_kappa(self, kappa: float) -> ReliabilityPrior:
        """The same rate with another concentration (for sensitivity runs)."""
        return ReliabilityPrior(self.name, self.mu, kappa, self.source, self.measures)


# Published rates (spec §7.1), kept with the scenario vocabulary that validates prior names. The
# rates measure whether allies joined wars that happened; they are priors for one input (the
# honour probability), not the probability that a guarantee deters.
PRIORS: dict[str, ReliabilityPrior] = {
    name: ReliabilityPrior(name, mu, source=source, measures=measures)
    for name, (mu, source, measures) in PUBLISHED_RATES.items()
}


def prior(name: str, kappa: float = DEFAULT_KAPPA) -> ReliabilityPrior:
    """The named published prior (spec §7.1) with concentration ``kappa``.

    >>> prior("llm2000").alpha
    14.9
    """
    try:
        base = PRIORS[name]
    except KeyError:
        raise ModelError(
            f"unknown prior '{name}'{did_you_mean(name, PRIORS)}; the priors are: "
            f"{', '.join(PRIORS)}"
        ) from None
    return base if kappa == base.kappa else base.with_kappa(kappa)
