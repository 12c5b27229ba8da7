"""Normal rectangle probabilities (venecon.models.did.rectangle).

References: products of univariate normal probabilities (independent
coordinates, exact), the reduced problem for a singular coordinate, and R's
``mvtnorm::pmvnorm`` with the deterministic Miwa algorithm
(``tests/fixtures/pretrend-mvtnorm.R`` and its committed output). The pre-trend power
built on it is checked in ``tests/test_models_honest.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference_data import r_output_values
from scipy.special import ndtr, ndtri

from venecon.exceptions import ModelSpecificationError
from venecon.models.did.rectangle import TENSOR_NODES, NormalRectangle, accurate_rectangle

Z = float(ndtri(0.975))
MVTNORM = r_output_values("pretrend-mvtnorm")


@pytest.mark.parametrize("m", [1, 2, 4, 5, 6, 8])
def test_independent_coordinates_give_the_product(m):
    rect = NormalRectangle(np.eye(m))
    mu = np.linspace(-1.0, 1.5, m)
    exact = float(np.prod(ndtr(Z - mu) - ndtr(-Z - mu)))
    assert rect.method == ("gauss-legendre" if m in TENSOR_NODES else "sobol")
    assert rect.probability(-Z - mu, Z - mu) == pytest.approx(exact, abs=1e-14)


def test_matches_mvtnorm_miwa_and_error_estimate():
    # R: pmvnorm(lower = -z - mu, upper = z - mu, corr = C, algorithm = Miwa(steps = 512))
    cases = [(5, 0.5, 0.3, MVTNORM["rect_equi_5"], 1e-10),  # Gauss-Legendre
             (6, 0.9, 0.2, MVTNORM["rect_equi_6"], 1.5e-4)]  # Sobol': within its estimated error
    for m, rho, step, reference, tol in cases:
        corr = np.full((m, m), rho) + (1 - rho) * np.eye(m)
        mu = step * np.arange(m)
        rect = NormalRectangle(corr)
        p = rect.probability(-Z - mu, Z - mu)
        assert p == pytest.approx(reference, abs=tol)
        assert abs(p - reference) <= max(rect.error(-Z - mu, Z - mu), 1e-10)


def test_near_singular_correlation_gets_more_nodes_and_an_honest_error():
    # smallest eigenvalue 9e-5: the conditional intervals are steep and the default rule is
    # off by 2e-4; R: pmvnorm(-z - mu, z - mu, corr = C, algorithm = Miwa(steps = 4096)), with
    # C and mu as below (printed in the R script; 1024 steps agree to 1e-11)
    rng = np.random.default_rng(5)
    a = rng.normal(size=(4, 4)) + 2
    cov = a @ a.T
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    mu = rng.normal(size=4)
    lower, upper = -Z - mu, Z - mu
    reference = MVTNORM["rect_near_singular_4096"]
    assert reference == pytest.approx(MVTNORM["rect_near_singular_1024"], abs=1e-11)
    default = NormalRectangle(corr)
    assert abs(default.probability(lower, upper) - reference) <= default.error(lower, upper)
    chosen = accurate_rectangle(corr, lower, upper)
    assert chosen.nodes > TENSOR_NODES[4]
    assert abs(chosen.probability(lower, upper) - reference) <= chosen.error(lower, upper)
    assert chosen.error(lower, upper) < default.error(lower, upper)


def test_is_a_smooth_deterministic_function_of_the_limits():
    corr = np.full((6, 6), 0.6) + 0.4 * np.eye(6)  # the Sobol' path
    rect = NormalRectangle(corr)
    mu = 0.1 * np.arange(6)

    def second_difference(h: float) -> float:
        p = [rect.probability(-Z - (1 + k * h) * mu, Z - (1 + k * h) * mu) for k in (-1, 0, 1)]
        return p[0] - 2 * p[1] + p[2]

    assert NormalRectangle(corr).probability(-Z - mu, Z - mu) == rect.probability(-Z - mu, Z - mu)
    # a smooth function's second difference shrinks with the square of the step (random
    # integration noise of 1e-5 would not): 1e-3 -> 1e-4 divides it by 100
    wide, narrow = second_difference(1e-3), second_difference(1e-4)
    assert abs(wide) > 1e-9
    assert narrow / wide == pytest.approx(0.01, rel=0.05)


def test_singular_coordinate_constrains_the_others():
    # X3 = X2 and X4 = -X2: the rectangle is the two-dimensional one with X2's interval
    # narrowed to the intersection of the three
    corr = np.array([[1.0, 0.5, 0.5, -0.5], [0.5, 1.0, 1.0, -1.0], [0.5, 1.0, 1.0, -1.0],
                     [-0.5, -1.0, -1.0, 1.0]])
    rect = NormalRectangle(corr)
    assert rect.method == "gauss-legendre"
    lower, upper = np.array([-Z, -Z - 0.3, -Z - 0.5, -Z + 0.1]), np.array([Z, Z - 0.3, Z - 0.5, Z])
    x2 = (max(-Z - 0.3, -Z - 0.5, -Z), min(Z - 0.3, Z - 0.5, Z - 0.1))
    reduced = NormalRectangle(corr[:2, :2]).probability([-Z, x2[0]], [Z, x2[1]])
    assert rect.probability(lower, upper) == pytest.approx(reduced, abs=1e-14)
    # limits no point satisfies
    assert rect.probability(lower, [Z, 0.0, -2.3, Z]) == 0.0  # X2 <= -2.3 but -X2 <= Z


def test_bad_input():
    with pytest.raises(ModelSpecificationError, match="unit diagonal"):
        NormalRectangle(np.array([[2.0, 0.0], [0.0, 1.0]]))
    with pytest.raises(ModelSpecificationError, match="positive semi-definite"):
        NormalRectangle(np.array([[1.0, 1.5], [1.5, 1.0]]))
    with pytest.raises(ModelSpecificationError, match="nodes"):
        NormalRectangle(np.eye(2), nodes=3)
    with pytest.raises(ModelSpecificationError, match="limits"):
        NormalRectangle(np.eye(2)).probability([0.0], [1.0])
