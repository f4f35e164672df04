"""Inception score (Salimans et al. 2016, Sec. 4): exp(E_x KL(p(y|x) || p(y))).

With InceptionV3's ImageNet softmax it is the Inception Score; with a domain classifier's
softmax (`networks.classifier`) it is the "classifier score": at most the number of classes,
reached when every sample is classified confidently and the classes are balanced.
"""

from typing import Dict

import numpy as np


def _inception_score(probs: np.ndarray, splits: int):
  """(mean, std) over ``splits`` equal parts of probs [N, K] of exp(mean KL(p(y|x)||p(y)))."""
  scores = []
  for part in np.array_split(probs, splits):
    p_y = part.mean(axis=0, keepdims=True)
    kl = np.sum(part * (np.log(part + 1e-12) - np.log(p_y + 1e-12)), axis=1)
    scores.append(np.exp(kl.mean()))
  return float(np.mean(scores)), float(np.std(scores))


def compute_inception_score(probs, splits: int = 10) -> Dict[str, float]:
  """The score of class probabilities p(y|x) of generated images.

  Args:
    probs: [N, K] rows of class probabilities (each sums to 1).
    splits: number of disjoint parts the mean and std are taken over (10 as Salimans et al.).

  Returns:
    {"score": mean in [1, K], "score_std": std over the parts, "num_generated": N}.

  Raises:
    ValueError: for rows that are not probability vectors or fewer points than splits.
  """
  p = np.asarray(probs, np.float64)
  if p.ndim != 2 or len(p) < splits or splits < 1:
    raise ValueError(f"probs must be [N, K] with N >= splits={splits}, got {p.shape}")
  if (p < 0).any() or not np.allclose(p.sum(1), 1.0, atol=1e-3):
    raise ValueError("probs rows must be probability vectors (non-negative, summing to 1)")
  mean, std = _inception_score(p, splits)
  return {"score": mean, "score_std": std, "num_generated": len(p)}
