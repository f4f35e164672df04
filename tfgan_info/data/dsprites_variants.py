"""disentanglement_lib's colour and noisy dSprites (Locatello et al. 2019), on procedural
dSprites (`dsprites`): the same five factors and 737,280 examples, 64x64 RGB images.

- ``color_dsprites``: the sprite in a random colour, each channel ~ Unif(0.5, 1), on black
  (disentanglement_lib's ColorDSprites);
- ``noisy_dsprites``: the white sprite on a background of per-pixel, per-channel
  Unif(0, 1) noise, min(sprite + noise, 1) (its NoisyDSprites).

The colour and the noise are not factors. In the training stream they are drawn from the
example's index (a stateless draw: the same example has the same colour on every pass and in
every run); the metrics' ground truth (`ColorDSprites`, `NoisyDSprites`) draws them fresh from
the metrics' random state, as disentanglement_lib does.
"""

from typing import Optional

import numpy as np
import tensorflow as tf

from tfgan_info.data import dsprites

VARIANTS = ("color_dsprites", "noisy_dsprites")
IMAGE_SHAPE = (64, 64, 3)
COLOR_LOW = 0.5  # each channel of a sprite's colour ~ Unif(COLOR_LOW, 1)
STREAM_SEED = 23  # with the example index, the stateless seed of its colour or noise


def colorize(name: str, sprite, draw):
  """A variant's image of binary sprites.

  Args:
    name: a name in VARIANTS.
    sprite: float32 [..., 64, 64, 1] in {0, 1}.
    draw: ``draw(shape, low)``, uniform float32 draws in [low, 1) of ``shape``.

  Returns:
    float32 [..., 64, 64, 3] in [0, 1].
  """
  if name == "color_dsprites":
    return sprite * draw(sprite.shape[:-3] + (1, 1, 3), COLOR_LOW)
  if name == "noisy_dsprites":
    return np.minimum(sprite + draw(sprite.shape[:-1] + (3,), 0.0), 1.0)
  raise ValueError(f"Unknown dSprites variant {name!r}: use one of {list(VARIANTS)}")


def to_uint8(images):
  """[0, 1] floats -> uint8 [0, 255], rounded."""
  return np.round(np.asarray(images) * 255.0).astype(np.uint8)


def as_dataset(name: str, split: str = "train", shuffle_seed: Optional[int] = None
               ) -> tf.data.Dataset:
  """`dsprites.as_dataset` with each image made the variant ``name``'s: the same dict of
  factors, "image" uint8 [64, 64, 3] (colour and noise drawn from the example's index)."""
  if name not in VARIANTS:
    raise ValueError(f"Unknown dSprites variant {name!r}: use one of {list(VARIANTS)}")
  sizes = tf.constant(dsprites.FACTOR_SIZES, tf.int64)
  strides = tf.math.cumprod(sizes, exclusive=True, reverse=True)

  def variant(ex):
    classes = tf.stack([ex[f"label_{f}"] for f in dsprites.FACTOR_NAMES])
    index = tf.reduce_sum(classes * strides)
    seed = tf.stack([tf.constant(STREAM_SEED, tf.int64), index])

    def draw(shape, low):
      return tf.random.stateless_uniform(shape, seed, minval=low, maxval=1.0)
    sprite = tf.cast(ex["image"], tf.float32)
    if name == "color_dsprites":
      image = sprite * draw((1, 1, 3), COLOR_LOW)
    else:
      image = tf.minimum(sprite + draw(IMAGE_SHAPE, 0.0), 1.0)
    out = dict(ex)
    out["image"] = tf.cast(tf.round(image * 255.0), tf.uint8)
    return out
  return dsprites.as_dataset(split, shuffle_seed).map(variant,
                                                      num_parallel_calls=tf.data.AUTOTUNE)


class _Variant(dsprites.DSprites):
  name = ""
  observation_shape = IMAGE_SHAPE

  def sample_observations_from_factors(self, factors, random_state) -> np.ndarray:
    """Images uint8 [N, 64, 64, 3] of factor classes [N, 5], colour or noise drawn from
    ``random_state``."""
    sprite = dsprites.render(factors).astype(np.float32)
    return to_uint8(colorize(self.name, sprite, lambda shape, low: random_state.uniform(
        low, 1.0, size=shape).astype(np.float32)))


class ColorDSprites(_Variant):
  """Ground truth of ``color_dsprites``: dSprites' factors; the colour is not one."""
  name = "color_dsprites"


class NoisyDSprites(_Variant):
  """Ground truth of ``noisy_dsprites``: dSprites' factors; the noise is not one."""
  name = "noisy_dsprites"
