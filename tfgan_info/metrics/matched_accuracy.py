"""Accuracy of an unsupervised categorical code as a classifier, after matching.

The code's categories carry no names, so each category is assigned to one label by the
one-to-one assignment that maximises agreement (Hungarian algorithm, scipy's
linear_sum_assignment), the usual protocol for InfoGAN's c1 on MNIST (paper: 5% error).
"""

from typing import Dict

import numpy as np
from scipy.optimize import linear_sum_assignment


def _confusion(predictions: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
  counts = np.zeros((k, k), np.int64)
  np.add.at(counts, (predictions, labels), 1)
  return counts


def matched_accuracy(predictions, labels, num_classes: int = None) -> Dict:
  """Pure NumPy core: accuracy of ``predictions`` after the best one-to-one relabelling.

  Args:
    predictions: int array [N], predicted categories in [0, K).
    labels: int array [N], true labels in [0, K).
    num_classes: K (default: 1 + the largest value seen).

  Returns:
    {"accuracy": float, "mapping": {category: label}, "per_class_accuracy": [K floats, NaN for
    a label that does not occur], "confusion": [K][K] counts (rows: categories, columns:
    labels)}.

  Raises:
    ValueError: if shapes differ, inputs are empty or values fall outside [0, K).
  """
  predictions = np.asarray(predictions).astype(np.int64).ravel()
  labels = np.asarray(labels).astype(np.int64).ravel()
  if predictions.shape != labels.shape or predictions.size == 0:
    raise ValueError(f"need equal, non-empty shapes, got {predictions.shape} and {labels.shape}")
  k = num_classes or int(max(predictions.max(), labels.max())) + 1
  if min(predictions.min(), labels.min()) < 0 or max(predictions.max(), labels.max()) >= k:
    raise ValueError(f"predictions and labels must lie in [0, {k})")
  counts = _confusion(predictions, labels, k)
  rows, cols = linear_sum_assignment(-counts)
  mapping = {int(r): int(c) for r, c in zip(rows, cols)}
  mapped = np.array([mapping[p] for p in range(k)])[predictions]
  per_class = [float(np.mean(mapped[labels == c] == c)) if np.any(labels == c) else float("nan")
               for c in range(k)]
  return {"accuracy": float(counts[rows, cols].sum() / labels.size), "mapping": mapping,
          "per_class_accuracy": per_class, "confusion": counts.tolist()}


def _predictions(representation_fn, dataset):
  preds, labels = [], []
  for batch in dataset:
    preds.append(np.argmax(np.asarray(representation_fn(batch["image"])), axis=-1))
    labels.append(np.asarray(batch["label"]))
  return np.concatenate(preds), np.concatenate(labels)


def compute_accuracy(representation_fn, dataset) -> Dict:
  """Accuracy of argmax(representation_fn(images)) against the labels, with no matching (for
  a classifier whose column k is class k, e.g. ss-InfoGAN's Q_ss).

  Args:
    representation_fn: images [batch, H, W, C] -> class probabilities or scores [batch, K].
    dataset: iterable of {"image": [batch, H, W, C], "label": [batch]} batches.

  Returns:
    {"accuracy": float, "num_examples": N}.
  """
  preds, labels = _predictions(representation_fn, dataset)
  return {"accuracy": float(np.mean(preds == labels)), "num_examples": int(labels.size)}


def compute_matched_accuracy(representation_fn, dataset, num_classes: int) -> Dict:
  """Matched accuracy of argmax(representation_fn(images)) on a labelled dataset.

  Args:
    representation_fn: images [batch, H, W, C] -> class probabilities or scores [batch, K].
    dataset: iterable of {"image": [batch, H, W, C], "label": [batch]} batches.
    num_classes: K.

  Returns:
    `matched_accuracy`'s dict plus {"num_examples": N}.
  """
  preds, labels = _predictions(representation_fn, dataset)
  result = matched_accuracy(preds, labels, num_classes)
  result["num_examples"] = int(labels.size)
  return result
