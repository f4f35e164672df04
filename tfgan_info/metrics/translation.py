"""Quality of an image-to-image translation against its targets: L1 error and SSIM.

pix2pix (Isola et al. 2017) reports per-pixel and perceptual scores of G(x) against the
ground truth y; this is the per-pixel part (the classifier-based scores of the outputs are
the package's classifier accuracy and classifier-FID, computed by evaluate).
"""

from typing import Dict

import numpy as np


def _l1(targets: np.ndarray, outputs: np.ndarray) -> np.ndarray:
  """Mean |y - G(x)| per image, [N]."""
  return np.abs(targets - outputs).reshape(len(targets), -1).mean(axis=1)


def compute_translation(targets, outputs, batch_size: int = 500) -> Dict[str, float]:
  """Mean L1 error and mean SSIM of translations G(x) against their targets y.

  L1 = mean over images and pixels of |y - G(x)| (pix2pix's L_L1, Eq. 3, on the test pairs);
  SSIM = mean over images of `tf.image.ssim` (Wang et al. 2004, Eq. 13: luminance, contrast
  and structure over 11x11 Gaussian windows, sigma 1.5) on [0, 1] pixels (max_val 1),
  averaged over the channels.

  Args:
    targets: [N, H, W, C] real targets y in [-1, 1].
    outputs: [N, H, W, C] translations G(x) in [-1, 1].
    batch_size: images per SSIM call.

  Returns:
    {"l1": on the [-1, 1] scale, "l1_01": the same on [0, 1] pixels (half of it), "ssim" in
    [-1, 1] (1: identical), "num_pairs": N}.

  Raises:
    ValueError: if the shapes differ, there are no images, or they are smaller than 11x11.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  y = np.asarray(targets, np.float32)
  g = np.asarray(outputs, np.float32)
  if y.shape != g.shape or y.ndim != 4 or not len(y):
    raise ValueError(f"targets {y.shape} and outputs {g.shape} must be the same non-empty "
                     "[N, H, W, C]")
  if min(y.shape[1:3]) < 11:
    raise ValueError(f"SSIM's 11x11 window needs images of at least 11x11, got {y.shape[1:3]}")
  l1 = float(_l1(y, g).mean())
  ssim = np.concatenate([
      tf.image.ssim((y[i:i + batch_size] + 1.0) / 2.0, (g[i:i + batch_size] + 1.0) / 2.0,
                    max_val=1.0).numpy() for i in range(0, len(y), batch_size)])
  return {"l1": l1, "l1_01": l1 / 2.0, "ssim": float(ssim.mean()), "num_pairs": int(len(y))}
