"""Mutual Information Gap (Chen et al. 2018, "Isolating Sources of Disentanglement in VAEs",
Eq. 6), as computed by disentanglement_lib (``evaluation/metrics/mig.py``).

MIG = 1/K sum_k (I(z_j(k); v_k) - max_{j != j(k)} I(z_j; v_k)) / H(v_k), j(k) = argmax_j
I(z_j; v_k): for each factor v_k, the gap between the two codes most informative about it,
normalised by its entropy. Codes are discretised into 20 equal-width bins; 10,000 points.
"""

from typing import Dict

import numpy as np

from tfgan_info.metrics import disentanglement_utils as utils


def _mig(codes, factors, num_bins: int = 20):
  """Per-factor normalised gaps [K] of codes [N, D] (D >= 2) and factor classes [N, K]."""
  mi = utils.discrete_mutual_info(utils.histogram_discretize(codes, num_bins), factors)
  top = np.sort(mi, axis=0)[::-1]
  return (top[0] - top[1]) / utils.discrete_entropy(factors)


def compute_mig(representation_fn, dataset, random_state: np.random.RandomState,
                num_train: int = 10000, batch_size: int = 16, num_bins: int = 20
                ) -> Dict[str, object]:
  """MIG of a representation on a ground-truth dataset.

  Args:
    representation_fn: observations [N, ...] -> codes [N, D], D >= 2.
    dataset: a `data.ground_truth.GroundTruthData`.
    random_state: draws the factors.
    num_train: points the mutual information is estimated from.
    batch_size: factors drawn per batch.
    num_bins: histogram bins per code.

  Returns:
    {"discrete_mig": mean gap in [0, 1], "mig_per_factor": [K] gaps}.

  Raises:
    ValueError: for a one-dimensional representation (no gap to take).
  """
  codes, factors = utils.generate_factor_codes(representation_fn, dataset, num_train,
                                               random_state, batch_size)
  if codes.shape[1] < 2:
    raise ValueError(f"MIG needs at least 2 code dimensions, got {codes.shape[1]}")
  gaps = _mig(codes, factors, num_bins)
  return {"discrete_mig": float(np.mean(gaps)), "mig_per_factor": gaps.tolist()}
