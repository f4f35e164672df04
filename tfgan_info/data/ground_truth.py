"""Ground-truth data for the disentanglement metrics (disentanglement_lib's interface).

A ground-truth dataset has ``num_factors`` discrete factors of variation, factor k taking
``factors_num_values[k]`` values, and renders an observation for any factor combination. The
metrics sample factors uniformly and independently with a `np.random.RandomState`.
"""

from typing import Optional, Sequence

import numpy as np


class GroundTruthData:
  """Base: uniform independent factors; subclasses implement the observations."""

  factors_num_values: Sequence[int] = ()
  observation_shape: Sequence[int] = ()

  def __init__(self, data_dir: Optional[str] = None):
    """``data_dir``: tfds' data folder, for data read from tfds (rendered data needs none)."""
    del data_dir

  @property
  def num_factors(self) -> int:
    return len(self.factors_num_values)

  def sample_factors(self, num: int, random_state: np.random.RandomState) -> np.ndarray:
    """``num`` factor combinations, int64 [num, num_factors], each factor uniform."""
    return np.stack([random_state.randint(k, size=num) for k in self.factors_num_values],
                    1).astype(np.int64)

  def sample_observations_from_factors(self, factors, random_state) -> np.ndarray:
    """Observations [N, *observation_shape] of factor classes int [N, num_factors]."""
    raise NotImplementedError

  def sample(self, num: int, random_state: np.random.RandomState):
    """(factors int64 [num, num_factors], observations [num, *observation_shape])."""
    factors = self.sample_factors(num, random_state)
    return factors, self.sample_observations_from_factors(factors, random_state)

  def sample_observations(self, num: int, random_state: np.random.RandomState) -> np.ndarray:
    """The observations of `sample` (disentanglement_lib's interface has both)."""
    return self.sample(num, random_state)[1]


class IdentityObservations(GroundTruthData):
  """Observations that are the factor classes themselves, float64 [N, num_factors].

  The reference points of the metrics: a representation fn(x) = x is perfectly disentangled,
  fn(x) = 0 carries nothing (disentanglement_lib's ``dummy_data.IdentityObservationsData``,
  with any factor sizes, e.g. dSprites' (3, 6, 40, 32, 32)).
  """

  def __init__(self, factors_num_values: Sequence[int] = (10,) * 10):
    self.factors_num_values = tuple(int(k) for k in factors_num_values)
    self.observation_shape = (len(self.factors_num_values),)

  def sample_observations_from_factors(self, factors, random_state) -> np.ndarray:
    del random_state
    return np.asarray(factors, np.float64)
