"""BetaVAE disentanglement score (Higgins et al. 2017, "beta-VAE", Sec. 3 and Appendix A.4), as
in disentanglement_lib (``evaluation/metrics/beta_vae.py``).

Each point: draw two batches of 64 factor combinations sharing one random factor k, and take
the mean absolute difference of their codes, a [D] feature labelled k. A logistic regression
(scikit-learn defaults) learns k from 10,000 such points; the score is its accuracy on 5,000
more. The defaults are today's scikit-learn's (lbfgs, multinomial); disentanglement_lib ran on
scikit-learn 0.20, whose default was liblinear one-vs-rest, so the published numbers used that
classifier: "eval_accuracy_liblinear_ovr" fits it on the same points
(`OneVsRestClassifier(LogisticRegression(solver="liblinear"))`, as today's scikit-learn
refuses liblinear for more than two classes directly). It is fitted after the evaluation
points are drawn, so "eval_accuracy" stays bit-identical to disentanglement_lib's run with
today's scikit-learn.
"""

import warnings
from typing import Dict

import numpy as np
from sklearn import linear_model
from sklearn import multiclass
from sklearn.exceptions import ConvergenceWarning

from tfgan_info.metrics import disentanglement_utils as utils


def _sample_points(representation_fn, dataset, num_points, random_state, batch_size,
                   points_per_call=16):
  """(features [num_points, D], fixed factors [num_points]), drawn as disentanglement_lib's
  one-point-at-a-time loop; ``points_per_call`` points share one representation call."""
  def draw_groups(k):
    first = dataset.sample_factors(batch_size, random_state)
    second = dataset.sample_factors(batch_size, random_state)
    second[:, k] = first[:, k]
    return [dataset.sample_observations_from_factors(first, random_state),
            dataset.sample_observations_from_factors(second, random_state)]

  return utils.sample_points(representation_fn, dataset, num_points, random_state,
                             draw_groups,
                             lambda codes: np.mean(np.abs(codes[:, 0] - codes[:, 1]), axis=1),
                             points_per_call)


def compute_beta_vae(representation_fn, dataset, random_state: np.random.RandomState,
                     batch_size: int = 64, num_train: int = 10000, num_eval: int = 5000
                     ) -> Dict[str, float]:
  """BetaVAE score of a representation on a ground-truth dataset.

  Args:
    representation_fn: observations [N, ...] -> codes [N, D].
    dataset: a `data.ground_truth.GroundTruthData`.
    random_state: draws the factors and seeds the regression.
    batch_size: pairs of observations averaged per point.
    num_train, num_eval: points to fit and to score the classifier.

  Returns:
    {"train_accuracy", "eval_accuracy" (the score, lbfgs multinomial),
     "train_accuracy_liblinear_ovr", "eval_accuracy_liblinear_ovr" (scikit-learn 0.20's
     default classifier)}.
  """
  train_x, train_y = _sample_points(representation_fn, dataset, num_train, random_state,
                                    batch_size)
  model = linear_model.LogisticRegression(random_state=random_state)
  with warnings.catch_warnings():  # as disentanglement_lib: default iterations
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(train_x, train_y)
  eval_x, eval_y = _sample_points(representation_fn, dataset, num_eval, random_state,
                                  batch_size)
  old = multiclass.OneVsRestClassifier(
      linear_model.LogisticRegression(solver="liblinear", random_state=random_state))
  with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    old.fit(train_x, train_y)
  return {"train_accuracy": float(np.mean(model.predict(train_x) == train_y)),
          "eval_accuracy": float(model.score(eval_x, eval_y)),
          "train_accuracy_liblinear_ovr": float(old.score(train_x, train_y)),
          "eval_accuracy_liblinear_ovr": float(old.score(eval_x, eval_y))}
