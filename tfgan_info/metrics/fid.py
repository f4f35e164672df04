"""Fréchet distance between two sets of features (Heusel et al. 2017, Eq. 6): FID.

d^2 = ||mu_1 - mu_2||^2 + Tr(S_1 + S_2 - 2 (S_1 S_2)^(1/2)), with (mu, S) the mean and
covariance of each set. With InceptionV3 pool features it is the FID; with the features of a
domain classifier (`networks.classifier`) it is the "classifier-FID" used offline.
"""

from typing import Dict

import numpy as np


def _psd_sqrt(m: np.ndarray) -> np.ndarray:
  """Symmetric square root of a symmetric positive semi-definite matrix."""
  w, v = np.linalg.eigh(m)
  return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def _frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
  """d^2 between N(mu1, sigma1) and N(mu2, sigma2); mu [F], sigma [F, F].

  Tr((S_1 S_2)^(1/2)) is computed as the sum of the square roots of the eigenvalues of the
  symmetric PSD matrix S_1^(1/2) S_2 S_1^(1/2) (same spectrum), which stays exact when the
  covariances are singular (e.g. ReLU features that are never active), where a general
  matrix square root of S_1 S_2 is ill-conditioned.
  """
  diff = mu1 - mu2
  root = _psd_sqrt(sigma1)
  inner = root @ sigma2 @ root
  trace_sqrt = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh((inner + inner.T) / 2), 0.0, None)))
  return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt)


def compute_fid(real_features, generated_features) -> Dict[str, float]:
  """FID between real and generated feature sets.

  Args:
    real_features: [N, F] features of real images.
    generated_features: [M, F] features of generated images (N, M > F is advisable; the
      covariance of fewer points is singular and biases the distance up).

  Returns:
    {"fid": d^2 >= 0 (0 for identical distributions), "num_real": N, "num_generated": M}.

  Raises:
    ValueError: for sets of different widths or of fewer than 2 points.
  """
  a = np.asarray(real_features, np.float64)
  b = np.asarray(generated_features, np.float64)
  if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
    raise ValueError(f"Feature sets must be [N, F] with the same F, got {a.shape}, {b.shape}")
  if len(a) < 2 or len(b) < 2:
    raise ValueError("FID needs at least 2 points per set")
  fid = _frechet_distance(a.mean(0), np.cov(a, rowvar=False), b.mean(0),
                          np.cov(b, rowvar=False))
  return {"fid": max(fid, 0.0), "num_real": len(a), "num_generated": len(b)}
