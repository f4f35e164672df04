"""Separated Attribute Predictability (Kumar et al. 2018, "Variational Inference of Disentangled
Latent Concepts from Unlabeled Observations", Sec. 3), as in disentanglement_lib
(``evaluation/metrics/sap_score.py``).

S[j, k] is how well code j alone predicts factor k: for discrete factors the test accuracy of a
linear SVM (C = 0.01, balanced classes) on that one code; for continuous factors the squared
correlation. SAP = 1/K sum_k (top S[:, k] - second S[:, k]). 10,000 training and 5,000 test
points. The SVM takes today's scikit-learn defaults otherwise (``dual="auto"``, which solves
the primal here; disentanglement_lib's scikit-learn 0.20 solved the dual).
"""

from typing import Dict

import numpy as np
from sklearn import svm

from tfgan_info.metrics import disentanglement_utils as utils


def _score_matrix(codes, factors, codes_test, factors_test, continuous_factors: bool):
  """S [D, K] of codes [N, D] against factors [N, K] (test arrays for discrete factors)."""
  num_codes, num_factors = codes.shape[1], factors.shape[1]
  scores = np.zeros([num_codes, num_factors])
  for j in range(num_codes):
    for k in range(num_factors):
      if continuous_factors:
        cov = np.cov(codes[:, j], factors[:, k], ddof=1)
        scores[j, k] = cov[0, 1] ** 2 / (cov[0, 0] * cov[1, 1]) if cov[0, 0] > 1e-12 else 0.0
      else:
        classifier = svm.LinearSVC(C=0.01, class_weight="balanced")
        classifier.fit(codes[:, j:j + 1], factors[:, k])
        scores[j, k] = np.mean(classifier.predict(codes_test[:, j:j + 1]) == factors_test[:, k])
  return scores


def _avg_diff_top_two(scores):
  """1/K sum_k (largest - second largest of column k) of S [D, K]."""
  top = np.sort(scores, axis=0)
  return float(np.mean(top[-1] - top[-2]))


def compute_sap(representation_fn, dataset, random_state: np.random.RandomState,
                num_train: int = 10000, num_test: int = 5000, batch_size: int = 16,
                continuous_factors: bool = False) -> Dict[str, object]:
  """SAP score of a representation on a ground-truth dataset.

  Args:
    representation_fn: observations [N, ...] -> codes [N, D], D >= 2.
    dataset: a `data.ground_truth.GroundTruthData`.
    random_state: draws the factors.
    num_train, num_test: points to fit and to score the predictors.
    batch_size: factors drawn per batch.
    continuous_factors: squared correlation instead of SVM accuracy (disentanglement_lib's
      dSprites setting is False).

  Returns:
    {"SAP_score": in [0, 1], "score_matrix": S as nested lists [D][K]}.

  Raises:
    ValueError: for a one-dimensional representation.
  """
  codes, factors = utils.generate_factor_codes(representation_fn, dataset, num_train,
                                               random_state, batch_size)
  codes_test, factors_test = utils.generate_factor_codes(representation_fn, dataset, num_test,
                                                         random_state, batch_size)
  if codes.shape[1] < 2:
    raise ValueError(f"SAP needs at least 2 code dimensions, got {codes.shape[1]}")
  scores = _score_matrix(codes, factors, codes_test, factors_test, continuous_factors)
  return {"SAP_score": _avg_diff_top_two(scores), "score_matrix": scores.tolist()}
