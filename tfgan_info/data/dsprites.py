"""Procedural dSprites: DeepMind's dSprites (Matthey et al. 2017) re-created by rendering.

dSprites holds every combination of five ground-truth factors exactly once, 737,280 binary
64x64 images:

  ====== =========== =============================================================
  index  factor      values
  ====== =========== =============================================================
  0      shape       square, ellipse, heart (value 1, 2, 3)
  1      scale       6 values linearly spaced in [0.5, 1]
  2      orientation 40 values linearly spaced in [0, 2 pi] (0 and 2 pi both occur)
  3      x_position  32 values linearly spaced in [0, 1]
  4      y_position  32 values linearly spaced in [0, 1]
  ====== =========== =============================================================

Example ``i`` has the factor classes ``np.unravel_index(i, FACTOR_SIZES)`` (row-major, y
fastest), the order of the published file without its one-valued colour factor. Features follow
the tfds ``dsprites`` layout: "image" uint8 [64, 64, 1] in {0, 1}, "label_<factor>" int64 class
indices and "value_<factor>" float32 values.

The images are not DeepMind's pixels but a deterministic re-creation: each shape is defined by
an implicit function (square max(|u|, |v|) <= 1/sqrt 2; ellipse with axes 1 and 1/2; heart
(a^2 + b^2 - 1)^3 - a^2 b^3 <= 0), all three scaled to the same 14 px radius at scale 1, rotated
counter-clockwise, rendered with 4x4 supersampling and kept where at least half of a pixel is
covered. Positions move the sprite's centre 1 px per step over the central 32 px (centre pixel
16..47), so every shape fits the frame. Sprites are rendered once (720 of 32x32) and pasted,
so rendering costs a few microseconds per image.

`as_dataset` streams the examples through tf.data (nothing on disk, nothing to download);
`procedural_dsprites.ProceduralDsprites` writes the same examples as a tfds dataset (its one
"train" split); `DSprites` is the ground-truth-data interface of the disentanglement metrics.
"""

import functools
from typing import Dict, Optional

import numpy as np
import tensorflow as tf

from tfgan_info.data import ground_truth

FACTOR_NAMES = ("shape", "scale", "orientation", "x_position", "y_position")
FACTOR_SIZES = (3, 6, 40, 32, 32)
SHAPES = ("square", "ellipse", "heart")
NUM_EXAMPLES = int(np.prod(FACTOR_SIZES))  # 737,280
IMAGE_SHAPE = (64, 64, 1)
TEST_SIZE = 10000  # the "test" split: a fixed random sample (dSprites has no held-out split)

SPRITE = 32            # side of the window a sprite is rendered in (centre at its middle)
RADIUS = 14.0          # px, the farthest point of every shape from its centre at scale 1
SUPERSAMPLE = 4        # sub-pixel samples per side
_HEART_RADIUS = 1.3366  # farthest point of the heart curve from (0, _HEART_CENTRE)
_HEART_CENTRE = 0.118   # middle of the curve's y extent [-1, 1.236]


def factor_values(classes) -> np.ndarray:
  """Factor classes int [N, 5] -> the dSprites factor values float32 [N, 5]."""
  classes = np.asarray(classes)
  grids = (np.arange(1, 4), np.linspace(0.5, 1.0, 6), np.linspace(0.0, 2 * np.pi, 40),
           np.linspace(0.0, 1.0, 32), np.linspace(0.0, 1.0, 32))
  return np.stack([g[classes[:, k]] for k, g in enumerate(grids)], 1).astype(np.float32)


def index_to_classes(index) -> np.ndarray:
  """Example indices int [N] in [0, NUM_EXAMPLES) -> factor classes int64 [N, 5]."""
  return np.stack(np.unravel_index(np.asarray(index, np.int64), FACTOR_SIZES), 1).astype(
      np.int64)


def classes_to_index(classes) -> np.ndarray:
  """Factor classes int [N, 5] -> example indices int64 [N] (inverse of `index_to_classes`)."""
  return np.ravel_multi_index(tuple(np.asarray(classes).T), FACTOR_SIZES).astype(np.int64)


def _inside(shape: int, u, v):
  """Whether shape-frame points (u, v) (radius 1, y up) are inside shape ``shape``."""
  if shape == 0:  # square, corners at radius 1
    return np.maximum(np.abs(u), np.abs(v)) <= np.sqrt(0.5)
  if shape == 1:  # ellipse, semi-axes 1 and 1/2
    return u * u + 4 * v * v <= 1.0
  a, b = u * _HEART_RADIUS, v * _HEART_RADIUS + _HEART_CENTRE  # heart, lobes up
  return (a * a + b * b - 1) ** 3 - a * a * b ** 3 <= 0


@functools.lru_cache(maxsize=1)
def sprites() -> np.ndarray:
  """All 720 (shape, scale, orientation) sprites, uint8 [3, 6, 40, SPRITE, SPRITE] in {0, 1}.

  The sprite's centre is the window's middle (pixel corner SPRITE / 2).
  """
  n = SPRITE * SUPERSAMPLE
  t = (np.arange(n) + 0.5) / SUPERSAMPLE - SPRITE / 2  # sub-pixel centres, window middle at 0
  dx, dy = np.meshgrid(t, -t)  # y up: image rows go down
  values = factor_values(np.stack(np.meshgrid(np.arange(3), np.arange(6), np.arange(40),
                                              [0], [0], indexing="ij"), -1).reshape(-1, 5))
  out = np.empty((len(values), SPRITE, SPRITE), np.uint8)
  for i, (shape, scale, theta, _, _) in enumerate(values):
    r = RADIUS * scale
    c, s = np.cos(theta), np.sin(theta)
    # Rotating the sprite by +theta = rotating the sample points by -theta.
    inside = _inside(int(shape) - 1, (c * dx + s * dy) / r, (c * dy - s * dx) / r)
    coverage = inside.reshape(SPRITE, SUPERSAMPLE, SPRITE, SUPERSAMPLE).mean((1, 3))
    out[i] = coverage >= 0.5
  return out.reshape(3, 6, 40, SPRITE, SPRITE)


def render(classes) -> np.ndarray:
  """Factor classes int [N, 5] -> images uint8 [N, 64, 64, 1] in {0, 1}.

  x_position class j puts the sprite's centre at column 16 + j (y likewise, rows downward).
  """
  classes = np.asarray(classes, np.int64).reshape(-1, 5)
  if ((classes < 0) | (classes >= np.array(FACTOR_SIZES))).any():
    raise ValueError(f"Factor classes must lie in [0, {FACTOR_SIZES}) per column")
  table = sprites()
  out = np.zeros((len(classes),) + IMAGE_SHAPE[:2], np.uint8)
  for k, (shape, scale, orient, x, y) in enumerate(classes):
    out[k, y:y + SPRITE, x:x + SPRITE] = table[shape, scale, orient]
  return out[..., None]


def examples(indices) -> Dict[str, np.ndarray]:
  """The examples with indices int [N], in the tfds dsprites layout (see module docstring)."""
  classes = index_to_classes(indices)
  values = factor_values(classes)
  out = {"image": render(classes)}
  for k, name in enumerate(FACTOR_NAMES):
    out[f"label_{name}"] = classes[:, k]
    out[f"value_{name}"] = values[:, k]
  return out


def split_indices(split: str) -> Optional[np.ndarray]:
  """The example indices of a split: None for "train" (all, in index order), a fixed random
  TEST_SIZE sample (seed 0, sorted) for "test". The test examples are also training examples:
  dSprites has no held-out split.

  Raises:
    ValueError: for another split name.
  """
  if split == "train":
    return None
  if split == "test":
    return np.sort(np.random.default_rng(0).choice(NUM_EXAMPLES, TEST_SIZE, replace=False))
  raise ValueError(f"dsprites has the splits 'train' (all {NUM_EXAMPLES} examples) and 'test' "
                   f"(a fixed sample of {TEST_SIZE} of them), not {split!r}")


def _feature_spec():
  spec = {"image": tf.TensorSpec((None,) + IMAGE_SHAPE, tf.uint8)}
  for name in FACTOR_NAMES:
    spec[f"label_{name}"] = tf.TensorSpec([None], tf.int64)
    spec[f"value_{name}"] = tf.TensorSpec([None], tf.float32)
  return spec


def as_dataset(split: str = "train", shuffle_seed: Optional[int] = None,
               chunk: int = 1024) -> tf.data.Dataset:
  """The examples of ``split`` rendered on the fly: an unbatched tf.data.Dataset of dicts in the
  tfds dsprites layout (no files; one pass).

  Args:
    split: "train" or "test" (`split_indices`).
    shuffle_seed: None keeps index order; an int visits the examples in a random order drawn
      from it (a full shuffle of the indices, before rendering; different on each repetition).
    chunk: examples rendered per call.
  """
  indices = split_indices(split)
  ds = tf.data.Dataset.range(NUM_EXAMPLES) if indices is None else (
      tf.data.Dataset.from_tensor_slices(indices))
  if shuffle_seed is not None:
    ds = ds.shuffle(NUM_EXAMPLES if indices is None else len(indices), seed=shuffle_seed,
                    reshuffle_each_iteration=True)
  spec = _feature_spec()
  keys = sorted(spec)

  def render_chunk(index):
    out = examples(index)
    return [out[k] for k in keys]

  def to_dict(index):
    tensors = tf.numpy_function(render_chunk, [index], [spec[k].dtype for k in keys],
                                stateful=False)
    return {k: tf.ensure_shape(t, spec[k].shape) for k, t in zip(keys, tensors)}

  ds = ds.batch(chunk).map(to_dict, num_parallel_calls=tf.data.AUTOTUNE)
  size = NUM_EXAMPLES if indices is None else len(indices)
  return ds.unbatch().apply(tf.data.experimental.assert_cardinality(size))


class DSprites(ground_truth.GroundTruthData):
  """Ground-truth data of the disentanglement metrics: uniform independent factors; an
  observation is the rendered image in the training pipeline's uint8 range, {0, 255}."""

  factor_names = FACTOR_NAMES
  factors_num_values = FACTOR_SIZES
  observation_shape = IMAGE_SHAPE

  def sample_observations_from_factors(self, factors, random_state) -> np.ndarray:
    """Images uint8 [N, 64, 64, 1] in {0, 255} of factor classes [N, 5] (deterministic)."""
    del random_state  # one image per factor combination
    return render(factors) * np.uint8(255)
