"""Confidence (deal spec §7): the spread of P(accept), P(kept | accepted) and P(viable) across
the structural choices the inputs cannot settle.

Each variant re-asks the question with one choice changed — the other utility form; every
guarantor given the pessimistic or the optimistic published prior; contested attribution;
correlated guarantors; the no-deal horizon at its low or high end — on the same draws, and
judges the same deal on the table (the baseline's package on each draw), so that the range shows
what the choice does to that deal, not the noise of another search.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..guarantees import CONTESTED_ATTRIBUTION, CORRELATED_SIGMA, PRIOR_SETS
from ..scenario import ScenarioArrays, to_arrays, uncertain_inputs
from ._accept import accept
from ._keep import KeepChoices
from ._lp import Form
from ._question import DealQuestion, build_question
from ._viability import Viability, mean_kept

__all__ = ["Variant", "structural_variants"]


@dataclass(frozen=True)
class Variant:
    """One structural choice and the three probabilities of one package under it."""

    label: str
    p_accept: float
    p_kept: float
    p_viable: float


def _choices(question: DealQuestion) -> list[tuple[str, ScenarioArrays, Form, KeepChoices]]:
    """Every structural variant: its label, the arrays, the utility form and the keep choices."""
    sc, arrays, form = question.scenario, question.arrays, question.form
    other: Form = "quadratic" if form == "linear" else "linear"
    out = [(f"{other} utility", arrays, other, KeepChoices())]
    if sc.guarantees:
        for label, name in PRIOR_SETS.items():
            out.append((f"{label} prior ({name})", arrays, form, KeepChoices(all_priors=name)))
        out.append(
            (
                f"contested attribution (at most {CONTESTED_ATTRIBUTION:g})",
                arrays,
                form,
                KeepChoices(attribution=CONTESTED_ATTRIBUTION),
            )
        )
        out.append(("correlated guarantors", arrays, form, KeepChoices(sigma_c=CORRELATED_SIGMA)))
    for ref in uncertain_inputs(sc):
        if ref.field == "horizon":
            for end, value in (("low", ref.low), ("high", ref.high)):
                pinned = to_arrays(
                    sc, draws=arrays.draws, seed=question.seed, overrides={ref: value}
                )
                out.append((f"horizon {end} ({value:g} years)", pinned, form, KeepChoices()))
    return out


def structural_variants(question: DealQuestion, rows: list[Viability]) -> dict[str, list[Variant]]:
    """Per package: the baseline and every structural variant (see the module docstring)."""
    out = {r.package: [Variant("baseline", r.p_accept, r.p_kept, r.p_viable)] for r in rows}
    for label, arrays, form, keep in _choices(question):
        # q_d depends only on the package, the draws, the seed and the keep choices: a variant
        # that keeps the baseline's choices (the other form, a horizon end) reuses its terms
        # instead of sampling the same honour draws again (a third of the keep step's time).
        variant = build_question(
            question.scenario,
            arrays,
            form=form,
            seed=question.seed,
            explicit=question.explicit,
            keep=keep,
            packages=question.packages if keep == question.keep else None,
        )
        for row in rows:
            terms = variant.packages[row.package]
            accepted = accept(variant, row.table[:, None], terms).all_accept[:, 0]
            out[row.package].append(
                Variant(
                    label,
                    float(accepted.mean()),
                    mean_kept(terms.kept, accepted),
                    float((accepted * terms.kept).mean()),
                )
            )
    return out
