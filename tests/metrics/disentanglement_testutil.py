"""Reference representations of the disentanglement-metric tests (disentanglement_lib's
``*_test.py``): the factors themselves, a constant, the factors twice, and noise."""

import numpy as np

from tfgan_info.data.ground_truth import IdentityObservations

DATA = IdentityObservations()  # 10 factors of 10 values, observation = factors


class NoisyObservations(IdentityObservations):
  """Factors plus Gaussian noise drawn from the metric's random_state: observations that
  consume random draws, so the draw order of a metric shows in its results."""

  def sample_observations_from_factors(self, factors, random_state):
    return np.asarray(factors, np.float64) + 0.1 * random_state.randn(*np.shape(factors))


NOISY = NoisyObservations((4, 5, 6))

identity = lambda x: np.asarray(x, np.float64)
constant = lambda x: np.zeros_like(x, dtype=np.float64)
duplicated = lambda x: np.hstack([x, x]).astype(np.float64)


_NOISE = np.random.RandomState(1234)


def noise(x):
  """Codes independent of x (fresh draws on every call)."""
  return _NOISE.randn(*np.shape(x))


def rs(seed=0):
  return np.random.RandomState(seed)
