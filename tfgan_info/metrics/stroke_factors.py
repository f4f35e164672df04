"""Stroke factors of generated digits: what a continuous code's traversal changes, measured.

InfoGAN's MNIST figure (Chen et al. 2016, Fig. 2c-d) names c2 "rotation" and c3 "width"
from traversal images. This module measures those factors from the images' ink, with no
labels and no classifier, so a traversal's meaning is a number rather than a reading of a
PNG. For a grey image with ink weights w = (x + 1) / 2 in [0, 1] (pixels in [-1, 1]),
column u and row v (y = -v points up), and ink moments around the ink's centre:

- ``slant`` = mu_xy / mu_yy: the shear x -> x - slant * y that makes the digit upright
  (positive: the top leans right). A clockwise rotation of an upright digit (mu_xy = 0)
  by a small angle a raises it by about a (1 - mu_xx / mu_yy), so on digits, which are
  taller than wide, it is also the measure of rotation.
- ``width`` = sqrt(mu_xx - slant^2 mu_yy): the standard deviation of the ink's x after
  that shear, in pixels (a slanted digit is not wider).
- ``thickness`` = 2 ink / perimeter, the perimeter being the ink's total variation (the
  magnitude of its Sobel gradient, summed): a stroke of length L and width t has ink L t and
  perimeter about 2 (L + t), so this is about t on long strokes, in pixels. On strokes 3-5
  pixels wide a slant of 0.5 lowers it by under 10% (the staircase edges).
- ``height`` = sqrt(mu_yy) in pixels.

`compute_stroke_factors` takes a traversal: D draws of the other latents, each rendered at
the same V values of one code, and reports per factor the mean over draws of the Pearson
correlation between the code value and the factor, and the mean change of the factor
from the first value to the last.
"""

from typing import Dict, Sequence

import numpy as np
from scipy import ndimage

FACTORS = ("slant", "width", "thickness", "height")


def _thickness(w: np.ndarray) -> np.ndarray:
  # The 3x3 Sobel pair of each image (ndimage.sobel would also smooth across the batch).
  def sobel(a, along, across):
    d = ndimage.correlate1d(a, [-1.0, 0.0, 1.0], axis=along, mode="constant")
    return ndimage.correlate1d(d, [1.0, 2.0, 1.0], axis=across, mode="constant") / 8.0
  gu, gv = sobel(w, 2, 1), sobel(w, 1, 2)
  perimeter = np.hypot(gu, gv).sum((1, 2))
  return np.where(perimeter > 0, 2.0 * w.sum((1, 2)) / perimeter, np.nan)


def image_factors(images: np.ndarray) -> Dict[str, np.ndarray]:
  """The stroke factors (module docstring) of grey images.

  Args:
    images: float [N, H, W] or [N, H, W, 1], pixels in [-1, 1] (ink high).

  Returns:
    {factor: float64 [N]} for each of `FACTORS`; NaN for an image without ink.

  Raises:
    ValueError: for images that are not [N, H, W] or [N, H, W, 1].
  """
  x = np.asarray(images, np.float64)
  if x.ndim == 4 and x.shape[-1] == 1:
    x = x[..., 0]
  if x.ndim != 3:
    raise ValueError(f"image_factors takes [N, H, W] or [N, H, W, 1] grey images, got "
                     f"{np.shape(images)}")
  w = np.clip((x + 1.0) / 2.0, 0.0, 1.0)
  _, h, wd = w.shape
  u = np.arange(wd, dtype=np.float64)[None, None, :]
  y = -np.arange(h, dtype=np.float64)[None, :, None]
  with np.errstate(invalid="ignore", divide="ignore"):
    mass = w.sum((1, 2))
    cu = (w * u).sum((1, 2)) / mass
    cy = (w * y).sum((1, 2)) / mass
    du, dy = u - cu[:, None, None], y - cy[:, None, None]
    mxx = (w * du * du).sum((1, 2)) / mass
    myy = (w * dy * dy).sum((1, 2)) / mass
    mxy = (w * du * dy).sum((1, 2)) / mass
    slant = mxy / myy
    width = np.sqrt(np.maximum(mxx - slant ** 2 * myy, 0.0))
    thickness = _thickness(w)
  return {"slant": slant, "width": width, "thickness": thickness, "height": np.sqrt(myy)}


def compute_stroke_factors(images: np.ndarray, values: Sequence[float]) -> Dict[str, object]:
  """How one code's traversal changes each stroke factor.

  Args:
    images: float [D, V, H, W(, 1)]: D draws of the other latents, each generated at the V
      code values ``values`` (in that order), pixels in [-1, 1].
    values: the V >= 2 distinct code values.

  Returns:
    {"values": the values, "num_draws": D, and per factor of `FACTORS`
    {"correlation": mean over draws of the Pearson correlation between the code value and
    the factor (draws where the factor does not vary are left out; NaN if all are),
    "change": mean over draws of factor(last value) - factor(first value), "std": the
    factor's standard deviation over all D * V images}}.

  Raises:
    ValueError: if the images are not [D, V, ...] with V = len(values) >= 2.
  """
  x = np.asarray(images)
  v = np.asarray(values, np.float64)
  if x.ndim < 4 or x.shape[1] != len(v) or len(v) < 2 or np.ptp(v) == 0:
    raise ValueError(f"compute_stroke_factors takes [D, V, H, W(, 1)] images with V = "
                     f"len(values) >= 2 distinct values; got {x.shape} and {len(v)} values")
  d = x.shape[0]
  factors = image_factors(x.reshape((d * len(v),) + x.shape[2:]))
  out = {"values": [float(a) for a in v], "num_draws": int(d)}
  vc = v - v.mean()
  for name in FACTORS:
    f = factors[name].reshape(d, len(v))
    fc = f - f.mean(1, keepdims=True)
    denom = np.sqrt((fc ** 2).sum(1) * (vc ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
      r = (fc * vc).sum(1) / denom
    r = r[np.isfinite(r) & (denom > 1e-12)]
    out[name] = {"correlation": float(r.mean()) if r.size else float("nan"),
                 "change": float(np.nanmean(f[:, -1] - f[:, 0])),
                 "std": float(np.nanstd(f))}
  return out
