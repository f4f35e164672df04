"""Conditional accuracy of a class-conditional generator: how often a classifier of the real
data assigns a sample the label it was generated for.
"""

from typing import Dict

import numpy as np


def _per_class_accuracy(predicted: np.ndarray, requested: np.ndarray, num_classes: int):
  out = []
  for k in range(num_classes):
    mask = requested == k
    out.append(float((predicted[mask] == k).mean()) if mask.any() else float("nan"))
  return out


def compute_conditional_accuracy(predicted_labels, requested_labels,
                                 num_classes: int) -> Dict[str, object]:
  """Fraction of generated images classified as their requested label.

  Args:
    predicted_labels: int [N], a classifier's labels of the samples.
    requested_labels: int [N], the labels the samples were generated for.
    num_classes: K.

  Returns:
    {"accuracy", "per_class_accuracy": [K] (NaN for a label never requested),
    "num_generated": N}.

  Raises:
    ValueError: for label vectors of different shapes, empty ones, or labels outside [0, K).
  """
  p = np.asarray(predicted_labels).astype(np.int64).reshape(-1)
  r = np.asarray(requested_labels).astype(np.int64).reshape(-1)
  if p.shape != r.shape or not p.size:
    raise ValueError(f"Need two label vectors of the same non-zero length, got {p.shape}, "
                     f"{r.shape}")
  if min(p.min(), r.min()) < 0 or max(p.max(), r.max()) >= num_classes:
    raise ValueError(f"Labels must lie in [0, {num_classes})")
  return {"accuracy": float((p == r).mean()),
          "per_class_accuracy": _per_class_accuracy(p, r, num_classes),
          "num_generated": int(p.size)}
