"""Shared pieces of the disentanglement metrics (as in disentanglement_lib's
``evaluation/metrics/utils.py``): sampling codes of ground-truth factors, discretisation,
discrete mutual information and entropy.

Layout: codes are [N, D] (N observations, D representation dimensions) and factors [N, K]
integer classes; disentanglement_lib stores the transposes.
"""

from typing import Callable, Tuple

import numpy as np
from sklearn.metrics import mutual_info_score

# observations [N, ...] -> representation [N, D]
RepresentationFn = Callable[[np.ndarray], np.ndarray]


def represent(representation_fn: RepresentationFn, observations, batch_size: int = 1024
              ) -> np.ndarray:
  """representation_fn over ``observations`` in batches -> float64 [N, D].

  Raises:
    ValueError: if the function does not return one D-vector per observation.
  """
  out = []
  for start in range(0, len(observations), batch_size):
    chunk = observations[start:start + batch_size]
    codes = np.asarray(representation_fn(chunk), np.float64)
    if codes.ndim != 2 or len(codes) != len(chunk):
      raise ValueError(f"representation_fn must map [N, ...] observations to [N, D] codes; got "
                       f"{codes.shape} for N = {len(chunk)}")
    out.append(codes)
  return np.concatenate(out)


def chunk_sizes(num: int, size: int):
  """Sizes of consecutive chunks of at most ``size`` covering ``num`` items."""
  return [min(size, num - start) for start in range(0, num, size)]


def sample_points(representation_fn: RepresentationFn, dataset, num_points: int,
                  random_state: np.random.RandomState, draw_groups: Callable,
                  reduce: Callable, points_per_call: int = 16) -> Tuple[np.ndarray, np.ndarray]:
  """The per-point loop of disentanglement_lib's FactorVAE and BetaVAE scores, batched.

  Each point draws a factor index k = random_state.randint(num_factors), then
  ``draw_groups(k)`` -> G observation arrays of B each (drawing from random_state), in the
  order of disentanglement_lib's one-point-at-a-time loop. ``points_per_call`` points share one
  representation call; ``reduce`` maps their codes [P, G, B, D] to features [P, F].

  Returns:
    (features [num_points, F], factor indices int [num_points]).
  """
  features, indices = [], []
  for count in chunk_sizes(num_points, points_per_call):
    groups = []
    for _ in range(count):
      k = random_state.randint(dataset.num_factors)
      groups += draw_groups(k)
      indices.append(k)
    codes = represent(representation_fn, np.concatenate(groups))
    features.append(reduce(codes.reshape(count, len(groups) // count, len(groups[0]), -1)))
  return np.concatenate(features), np.array(indices)


def generate_factor_codes(representation_fn: RepresentationFn, dataset, num_points: int,
                          random_state: np.random.RandomState, batch_size: int = 16
                          ) -> Tuple[np.ndarray, np.ndarray]:
  """Codes of ``num_points`` observations of uniformly sampled factors.

  Factors and then their observations are drawn batch by batch, ``batch_size`` at a time
  (the random draws of disentanglement_lib's ``generate_batch_factor_code``); the
  representation runs on larger batches.

  Returns:
    (codes float64 [num_points, D], factors int64 [num_points, K]).
  """
  if num_points < 1 or batch_size < 1:
    raise ValueError(f"num_points and batch_size must be >= 1, got {num_points}, {batch_size}")
  factors, observations = [], []
  for n in chunk_sizes(num_points, batch_size):
    batch_factors, batch_observations = dataset.sample(n, random_state)
    factors.append(batch_factors)
    observations.append(batch_observations)
  return represent(representation_fn, np.concatenate(observations)), np.concatenate(factors)


def histogram_discretize(codes, num_bins: int = 20) -> np.ndarray:
  """Each column of codes [N, D] -> its bin among ``num_bins`` equal-width bins, int [N, D]."""
  codes = np.asarray(codes)
  out = np.zeros(codes.shape, np.int64)
  for j in range(codes.shape[1]):
    edges = np.histogram(codes[:, j], num_bins)[1][:-1]
    out[:, j] = np.digitize(codes[:, j], edges)
  return out


def discrete_mutual_info(codes, factors) -> np.ndarray:
  """I(code_j; factor_k) in nats of discrete codes [N, D] and factors [N, K] -> [D, K]."""
  codes, factors = np.asarray(codes), np.asarray(factors)
  return np.array([[mutual_info_score(factors[:, k], codes[:, j])
                    for k in range(factors.shape[1])] for j in range(codes.shape[1])])


def discrete_entropy(factors) -> np.ndarray:
  """H(factor_k) in nats of discrete factors [N, K] -> [K]."""
  factors = np.asarray(factors)
  return np.array([mutual_info_score(factors[:, k], factors[:, k])
                   for k in range(factors.shape[1])])
