"""DCI: Disentanglement, Completeness, Informativeness (Eastwood & Williams 2018, "A Framework
for the Quantitative Evaluation of Disentangled Representations", Sec. 3), with gradient-boosted
trees as disentanglement_lib does (``evaluation/metrics/dci.py``).

One GradientBoostingClassifier per factor predicts it from all codes; its feature importances
form R [D, K]. Disentanglement D = sum_j rho_j (1 - H_K(R[j, :] / sum R[j, :])), rho_j =
sum_k R[j, k] / sum R; completeness C = sum_k rho_k (1 - H_D(R[:, k] / sum R[:, k])) (entropies
in base K and D); informativeness = the classifiers' mean accuracy. 10,000 training and 5,000
test points.
"""

from typing import Dict

import numpy as np
import scipy.stats
from sklearn import ensemble

from tfgan_info.metrics import disentanglement_utils as utils


def _importance_gbt(codes, factors, codes_test, factors_test):
  """(R [D, K], mean train accuracy, mean test accuracy) of one GBT per factor."""
  importance = np.zeros([codes.shape[1], factors.shape[1]])
  train_acc, test_acc = [], []
  for k in range(factors.shape[1]):
    model = ensemble.GradientBoostingClassifier()
    model.fit(codes, factors[:, k])
    importance[:, k] = np.abs(model.feature_importances_)
    train_acc.append(np.mean(model.predict(codes) == factors[:, k]))
    test_acc.append(np.mean(model.predict(codes_test) == factors_test[:, k]))
  return importance, float(np.mean(train_acc)), float(np.mean(test_acc))


def _weighted_one_minus_entropy(importance):
  """sum_j rho_j (1 - H_K(R[j, :])) over the rows j of R [D, K] (disentanglement; completeness
  is this of R^T)."""
  per_row = 1.0 - scipy.stats.entropy(importance.T + 1e-11, base=importance.shape[1])
  if importance.sum() == 0.0:
    importance = np.ones_like(importance)
  weights = importance.sum(axis=1) / importance.sum()
  return float(np.sum(per_row * weights))


def disentanglement(importance) -> float:
  """D of an importance matrix R [D, K] (codes x factors)."""
  return _weighted_one_minus_entropy(np.asarray(importance, np.float64))


def completeness(importance) -> float:
  """C of an importance matrix R [D, K] (codes x factors)."""
  return _weighted_one_minus_entropy(np.asarray(importance, np.float64).T)


def compute_dci(representation_fn, dataset, random_state: np.random.RandomState,
                num_train: int = 10000, num_test: int = 5000, batch_size: int = 16
                ) -> Dict[str, float]:
  """DCI scores of a representation on a ground-truth dataset.

  Args:
    representation_fn: observations [N, ...] -> codes [N, D].
    dataset: a `data.ground_truth.GroundTruthData`.
    random_state: draws the factors.
    num_train, num_test: points to fit and to score the trees.
    batch_size: factors drawn per batch.

  Returns:
    {"disentanglement", "completeness", "informativeness_train", "informativeness_test"},
    each in [0, 1].
  """
  codes, factors = utils.generate_factor_codes(representation_fn, dataset, num_train,
                                               random_state, batch_size)
  codes_test, factors_test = utils.generate_factor_codes(representation_fn, dataset, num_test,
                                                         random_state, batch_size)
  importance, train_acc, test_acc = _importance_gbt(codes, factors, codes_test, factors_test)
  return {"disentanglement": disentanglement(importance),
          "completeness": completeness(importance),
          "informativeness_train": train_acc, "informativeness_test": test_acc}
