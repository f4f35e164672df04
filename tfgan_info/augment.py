"""Random affine image augmentation as plain tensor ops (XLA-compatible, no image kernels).

Used for the invariance term of `models.infogan` (`losses.invariant_information`, IIC, Ji
et al. 2019), whose MNIST transforms are rotations of up to 25 degrees and random crops
rescaled to the input size. Here one transform per image: a rotation, a horizontal shear (the
slant of handwriting), a scale of each axis (independent draws, so a digit's width and height
change) and a shift, applied
about the image centre with bilinear interpolation; pixels brought in from outside the image
take the background value (the range's minimum, -1 for images in [-1, 1]).

`sample_affine` draws the parameters from a stateless seed (so a step under a distribution
strategy can draw the global batch's, see `models.base.TwoPlayerModel.sample_global`) and
`affine_warp` applies them. `factor_affine` builds the transforms that move named factors
(rotation, slant, width, height) by given amounts and leave the rest of the image alone, for
InfoGAN's equivariance term (`losses.code_equivariance`).
"""

import math

import tensorflow as tf

# rotation (degrees), shear (x offset per row), relative scale of each axis, shift (pixels):
# each drawn uniformly from [-value, value] around the identity.
MAX_ROTATION = 20.0
MAX_SHEAR = 0.4
MAX_SCALE = 0.15
MAX_SHIFT = 3.0
NUM_PARAMS = 6  # angle (radians), shear, scale_y, scale_x, shift_y, shift_x
# Factors a continuous code can be tied to (`factor_affine`) and what one unit of each is: a
# rotation of 20 degrees (the invariance term's MAX_ROTATION), a shear of 0.35 (about the
# slant change InfoGAN's codes make over [-1, 1] unaided, docs/results.md#infogan-on-mnist),
# and a scale of the width or height by e^0.2 (x 1.22). "free" leaves a code untied.
FACTOR_UNITS = {"rotation": math.radians(MAX_ROTATION), "slant": 0.35, "width": 0.2,
                "height": 0.2}
FREE = "free"
_FACTOR_PARAM = {"rotation": 0, "slant": 1, "height": 2, "width": 3}  # index in the 6 params


def sample_affine(count, seed, max_rotation: float = MAX_ROTATION,
                  max_shear: float = MAX_SHEAR, max_scale: float = MAX_SCALE,
                  max_shift: float = MAX_SHIFT):
  """Parameters [count, 6] of random affine transforms (angle, shear, scale_y, scale_x,
  shift_y, shift_x): angle ~ U(+-max_rotation degrees), shear ~ U(+-max_shear), scale ~
  U(1 +- max_scale), shift ~ U(+-max_shift pixels).

  Args:
    count: number of transforms (int or scalar int tensor).
    seed: int32/int64 [2] stateless seed.
  """
  u = tf.random.stateless_uniform([count, NUM_PARAMS], seed, minval=-1.0, maxval=1.0)
  half = tf.constant([math.radians(max_rotation), max_shear, max_scale, max_scale, max_shift,
                      max_shift])
  identity = tf.constant([0.0, 0.0, 1.0, 1.0, 0.0, 0.0])
  return identity + u * half


def affine_warp(images, params, background: float = -1.0):
  """images [B, H, W, C] transformed by params [B, 6] (`sample_affine`).

  Output pixel p = (y, x) relative to the centre takes the input at
  S^-1 K^-1 R(-angle) (p - shift), so the content is scaled by S = diag(scale_y, scale_x),
  sheared by K (x += shear * y: a positive shear slants upright strokes like "\\"), rotated
  by angle (clockwise on screen, y pointing down) and shifted.
  Bilinear interpolation; outside the image, ``background``.

  Returns:
    [B, H, W, C], the dtype of images.
  """
  dtype = images.dtype
  images = tf.cast(images, tf.float32) - background  # background -> 0, the padding value
  shape = tf.shape(images)
  b, h, w, c = shape[0], images.shape[1], images.shape[2], images.shape[3]
  params = tf.cast(params, tf.float32)
  angle, shear, sy, sx, ty, tx = [params[:, i, None, None] for i in range(NUM_PARAMS)]
  cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
  yy, xx = tf.meshgrid(tf.range(h, dtype=tf.float32) - cy, tf.range(w, dtype=tf.float32) - cx,
                       indexing="ij")
  dy, dx = yy[None] - ty, xx[None] - tx  # [B, H, W]
  cos, sin = tf.cos(angle), tf.sin(angle)
  # R(-angle) (dy, dx), then K^-1 (x -= shear * y), then S^-1; +1 for the one-pixel zero
  # border added below.
  ry, rx = cos * dy - sin * dx, sin * dy + cos * dx
  src_y = ry / sy + cy + 1.0
  src_x = (rx - shear * ry) / sx + cx + 1.0
  padded = tf.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]])
  flat = tf.reshape(padded, [b, (h + 2) * (w + 2), c])
  src_y = tf.clip_by_value(src_y, 0.0, h + 1.0)
  src_x = tf.clip_by_value(src_x, 0.0, w + 1.0)
  y0 = tf.minimum(tf.floor(src_y), h + 0.0)
  x0 = tf.minimum(tf.floor(src_x), w + 0.0)
  wy, wx = (src_y - y0)[..., None], (src_x - x0)[..., None]
  y0, x0 = tf.cast(y0, tf.int32), tf.cast(x0, tf.int32)

  def at(y, x):
    index = tf.reshape(y * (w + 2) + x, [b, h * w])
    return tf.reshape(tf.gather(flat, index, batch_dims=1), [b, h, w, c])
  top = at(y0, x0) * (1 - wx) + at(y0, x0 + 1) * wx
  bottom = at(y0 + 1, x0) * (1 - wx) + at(y0 + 1, x0 + 1) * wx
  return tf.cast(top * (1 - wy) + bottom * wy + background, dtype)


def factor_affine(values, factors):
  """Parameters [count, 6] (`affine_warp`) of the transforms that move each named factor by
  values[:, j] of its `FACTOR_UNITS` and leave everything else as it is.

  "rotation" is an angle (radians = value * unit), "slant" a shear, "width" and "height" a
  scale e^(value * unit) of that axis. Used by the equivariance term: a code tied to factor
  j should read value j higher on the transformed image.

  Args:
    values: [count, len(factors)] float, in units of each factor.
    factors: names from `FACTOR_UNITS` (no repeats; "free" entries are not allowed here).

  Raises:
    ValueError: for an unknown or repeated factor.
  """
  factors = list(factors)
  if len(set(factors)) != len(factors) or not set(factors) <= set(FACTOR_UNITS):
    raise ValueError(f"factor_affine needs distinct factors from {sorted(FACTOR_UNITS)}, "
                     f"got {factors}")
  values = tf.cast(values, tf.float32)
  columns = [tf.zeros_like(values[:, 0]) for _ in range(NUM_PARAMS)]
  for j, name in enumerate(factors):
    columns[_FACTOR_PARAM[name]] = values[:, j] * FACTOR_UNITS[name]
  params = tf.stack(columns, axis=1)
  is_scale = tf.constant([0.0, 0.0, 1.0, 1.0, 0.0, 0.0])
  return params * (1.0 - is_scale) + tf.exp(params) * is_scale
