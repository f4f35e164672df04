"""Reference representations of the disentanglement-metric tests (disentanglement_lib's
``*_test.py``): the factors themselves, a constant, the factors twice, and noise."""

import numpy as np

from tfgan_info.data.ground_truth import IdentityObservations

DATA = IdentityObservations()  # 10 factors of 10 values, observation = factors

identity = lambda x: np.asarray(x, np.float64)
constant = lambda x: np.zeros_like(x, dtype=np.float64)
duplicated = lambda x: np.hstack([x, x]).astype(np.float64)


def noise(x):
  """Codes independent of x (a fresh draw per call)."""
  return np.random.RandomState(len(x)).randn(*np.shape(x))


def rs(seed=0):
  return np.random.RandomState(seed)
