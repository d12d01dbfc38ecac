"""Alliance-reliability base rates as Beta priors on a guarantor's honour probability.

Source: the deterrence spec §7 (published rates, §7.1; parameterisation, §7.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import ModelError, did_you_mean

__all__ = ["DEFAULT_KAPPA", "PRIORS", "ReliabilityPrior", "prior"]

# Team default (spec §7.2): the prior's weight in pseudo-observations; sensitivity runs use 5, 50.
DEFAULT_KAPPA = 20.0


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


_BF2018 = (
    "Berkemeier & Fuhrmann, 'Reassessing the fulfillment of alliance commitments in war', "
    "Research & Politics, 2018"
)

# Published rates (spec §7.1). The rates measure whether allies joined wars that happened; they
# are priors for one input (the honour probability), not the probability that a guarantee deters.
PRIORS: dict[str, ReliabilityPrior] = {
    p.name: p
    for p in (
        ReliabilityPrior(
            "llm2000",
            0.745,
            source="Leeds, Long & Mitchell, 'Reevaluating Alliance Reliability', JCR 44(5), 2000",
            measures="alliances reliable once each treaty's specific obligations are coded",
        ),
        ReliabilityPrior(
            "leeds2003",
            0.75,
            source="Leeds, 'Alliance Reliability in Times of War', IO 57(4), 2003",
            measures="commitments fulfilled about 75 percent of the time, alliances 1816-1944",
        ),
        ReliabilityPrior(
            "bf2018_overall", 0.50, source=_BF2018, measures="compliance rate 1816-2003"
        ),
        ReliabilityPrior("bf2018_pre1945", 0.66, source=_BF2018, measures="compliance before 1945"),
        ReliabilityPrior("bf2018_post1945", 0.22, source=_BF2018, measures="compliance 1945-2003"),
        ReliabilityPrior(
            "bf2018_defense_pact", 0.41, source=_BF2018, measures="fulfilment rate of defense pacts"
        ),
    )
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
