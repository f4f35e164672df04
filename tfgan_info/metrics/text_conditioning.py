"""How well a text-to-image generator follows its captions: attribute rank correlation and
R-precision.

- `attribute_correlations`: for captions that request one of three ordered levels of an
  attribute measured on images (`data.caption_text.measure`), the Spearman rank
  correlation between the level requested and the value measured on the generated image,
  within each class (a thick one and a thick eight differ), per attribute.
- `r_precision`: AttnGAN's retrieval score (Xu et al. 2018, Sec. 5): each generated image's
  caption is ranked among itself and R - 1 = 99 captions that state other facts, by the
  cosine of the encoder pair's vectors; the score is how often it ranks first.

The class accuracy is `conditional_accuracy` with the caption's class as the request.
"""

from typing import Dict, Optional, Sequence

import numpy as np
from scipy import stats


def attribute_correlations(requested: np.ndarray, measured: np.ndarray, labels: np.ndarray,
                           attributes: Sequence[str],
                           pairs: Optional[np.ndarray] = None) -> Dict[str, object]:
  """Spearman correlation between requested levels and measured values, per class.

  Args:
    requested: int [N, A] levels asked for.
    measured: float [N, A] values measured on the generated images (NaN: not measured).
    labels: int [N] the classes asked for.
    attributes: the A attribute names.
    pairs: optional bool [K, A]: a (class, attribute) pair's group (True: e.g. its levels
      include a held-out one); None: all in one group.

  Returns:
    {attribute: {"correlation": mean over the classes of the within-class correlation,
    "per_class": [K] (None where a class has no such pair or no variation)}} for the pairs
    where ``pairs`` is
    False (all pairs when it is None), and, when ``pairs`` is given, the same over the True
    pairs under "<attribute>_marked".

  Raises:
    ValueError: for arrays of mismatched shapes.
  """
  requested = np.asarray(requested)
  measured = np.asarray(measured, np.float64)
  labels = np.asarray(labels).reshape(-1)
  if requested.shape != measured.shape or requested.shape != (len(labels), len(attributes)):
    raise ValueError(f"need requested and measured [N, {len(attributes)}] and labels [N], got "
                     f"{requested.shape}, {measured.shape}, {labels.shape}")
  classes = int(labels.max()) + 1 if labels.size else 0
  per = np.full((classes, len(attributes)), np.nan)
  for k in range(classes):
    rows = labels == k
    for a in range(len(attributes)):
      r, m = requested[rows, a], measured[rows, a]
      ok = np.isfinite(m)
      if ok.sum() > 2 and np.ptp(r[ok]) > 0 and np.ptp(m[ok]) > 0:
        per[k, a] = stats.spearmanr(r[ok], m[ok])[0]
  out = {}
  marks = np.zeros_like(per, bool) if pairs is None else np.asarray(pairs, bool)
  for a, name in enumerate(attributes):
    for suffix, mask in (("", ~marks[:, a]), ("_marked", marks[:, a])):
      if suffix and pairs is None:
        continue
      values = np.where(mask, per[:, a], np.nan)
      finite = values[np.isfinite(values)]
      out[name + suffix] = {"correlation": float(finite.mean()) if finite.size else None,
                            "per_class": [float(v) if np.isfinite(v) else None
                                          for v in values]}
  return out


def r_precision(image_vectors: np.ndarray, text_vectors: np.ndarray, groups: np.ndarray,
                candidates: int = 100, seed: int = 0) -> Dict[str, float]:
  """R-precision of generated images against their captions.

  Args:
    image_vectors: [N, E] the images' vectors (unit norm).
    text_vectors: [N, E] the vectors of the captions they were generated from.
    groups: int [N]: captions of one group state the same facts; the R - 1 distractors of
      image i are drawn, with replacement, from captions of other groups.
    candidates: R.
    seed: seed of the distractor draws.

  Returns:
    {"r_precision": fraction of images whose own caption ranks first, ahead of every
     distractor (a distractor as close as it ranks before it), "mean_rank": its mean rank
     (1 = first), "candidates": R}.

  Raises:
    ValueError: for mismatched shapes, R < 2 or a single group.
  """
  u = np.asarray(image_vectors, np.float64)
  v = np.asarray(text_vectors, np.float64)
  groups = np.asarray(groups).reshape(-1)
  if u.shape != v.shape or len(groups) != len(u) or candidates < 2:
    raise ValueError(f"need image and text vectors of one shape [N, E], groups [N] and R >= 2; "
                     f"got {u.shape}, {v.shape}, {groups.shape}, R={candidates}")
  if len(np.unique(groups)) < 2:
    raise ValueError("R-precision needs captions of at least two groups")
  rng = np.random.default_rng(seed)
  ranks = np.empty(len(u))
  for i in range(len(u)):
    others = np.flatnonzero(groups != groups[i])
    pick = others[rng.integers(len(others), size=candidates - 1)]
    own = u[i] @ v[i]
    ranks[i] = 1 + np.sum(v[pick] @ u[i] >= own)  # a tie counts against the image
  return {"r_precision": float(np.mean(ranks == 1)), "mean_rank": float(ranks.mean()),
          "candidates": int(candidates)}
