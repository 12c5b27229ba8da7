"""Ridge augmented synthetic control (Ben-Michael, Feller and Rothstein 2021) in studies."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..estimators import LABELS, run_augmented_synthetic_control
from .base import COHORT, DONORS, STAGGERED, Adapter, boolean, choice, number
from .registry import register

__all__ = ["AugmentedSynthControlOptions", "ADAPTER"]


@dataclass(frozen=True)
class AugmentedSynthControlOptions:
    """Options of the ridge augmented synthetic control
    (:class:`venecon.models.AugmentedSynthControl`): ``progfunc`` "ridge" or "none",
    a fixed ridge penalty ``lam`` (default: augsynth's cross-validation, ``min_1se`` rule)
    and per-period ``conformal`` intervals."""

    progfunc: str = "ridge"
    lam: float | None = None
    min_1se: bool = True
    conformal: bool = True


def _plain(opts: AugmentedSynthControlOptions) -> AugmentedSynthControlOptions:
    return dataclasses.replace(opts, conformal=False)


_ONE = "fits one treated unit against its donors; declare one treated unit"

ADAPTER = register(Adapter(
    name="augmented_synthetic_control",
    label=LABELS["augmented_synthetic_control"],
    options=AugmentedSynthControlOptions,
    fields={"progfunc": choice("ridge", "none"), "lam": number(1e-12, 1e12),
            "min_1se": boolean, "conformal": boolean},
    run=run_augmented_synthetic_control,
    data=DONORS,
    refuses={COHORT: _ONE, STAGGERED: _ONE},
    plain=_plain,
))
