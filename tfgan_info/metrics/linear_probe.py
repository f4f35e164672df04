"""Linear-probe accuracy: how linearly separable the classes are in a learned representation.

A multinomial logistic regression (scikit-learn) is fitted on the codes of N labelled
training images and scored on the codes of the test images; used for AGE's encoder codes
(Ulyanov et al. 2017 evaluate their encoder the same way, with few labels).
"""

from typing import Dict

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler


def _linear_probe(train_codes, train_labels, test_codes, test_labels, max_iter):
  scaler = StandardScaler().fit(train_codes)
  model = LogisticRegression(max_iter=max_iter)
  model.fit(scaler.transform(train_codes), train_labels)
  predicted = model.predict(scaler.transform(test_codes))
  return float(np.mean(predicted == test_labels))


def compute_linear_probe(train_codes, train_labels, test_codes, test_labels,
                         max_iter: int = 2000) -> Dict[str, float]:
  """Test accuracy of a logistic regression fitted on labelled codes.

  Args:
    train_codes: [N, M] codes of the labelled training images.
    train_labels: int [N].
    test_codes: [T, M] codes of the test images.
    test_labels: int [T].
    max_iter: L-BFGS iterations of the fit.

  Returns:
    {"accuracy": test accuracy in [0, 1], "num_labeled": N}.

  Raises:
    ValueError: if shapes disagree or the labelled set has fewer than two classes.
  """
  train_codes = np.asarray(train_codes, np.float64)
  test_codes = np.asarray(test_codes, np.float64)
  train_labels = np.asarray(train_labels).ravel()
  test_labels = np.asarray(test_labels).ravel()
  if train_codes.ndim != 2 or test_codes.ndim != 2 or train_codes.shape[1] != test_codes.shape[1]:
    raise ValueError(f"codes must be [N, M] and [T, M], got {train_codes.shape} and "
                     f"{test_codes.shape}")
  if len(train_codes) != len(train_labels) or len(test_codes) != len(test_labels):
    raise ValueError("each code needs one label")
  if len(np.unique(train_labels)) < 2:
    raise ValueError("the labelled set needs at least two classes")
  return {"accuracy": _linear_probe(train_codes, train_labels, test_codes, test_labels,
                                    max_iter),
          "num_labeled": int(len(train_labels))}
