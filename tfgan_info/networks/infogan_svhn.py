"""The InfoGAN paper's SVHN and CelebA networks (Chen et al. 2016, appendix C: one table for
both, 32x32 colour images; CelebA is trained at 32x32 too).

D/Q: conv64 4x4 s2 lReLU(0.1) - conv128 4x4 s2 BN lReLU - conv256 4x4 s2 BN lReLU
     (4x4x256 features) - D: FC1; Q: FC128 BN lReLU - FC q_dim.
G:   FC 2x2x448 BN ReLU - upconv256 4x4 s2 BN ReLU - upconv128 4x4 s2 ReLU -
     upconv64 4x4 s2 ReLU - upconv C 4x4 s2 tanh.

The table is read from the paper's appendix as the open reimplementations give it (the two
middle up-convolutions without batch norm, as printed); G ends in tanh on images scaled to
[-1, 1], like the package's other InfoGAN networks.
"""

import keras
from keras import layers

from tfgan_info.networks.discriminator import Discriminator, heads
from tfgan_info.networks.normalization import batch_norm

LEAK = 0.1
SIZE = 32


def _check(image_shape):
  if tuple(image_shape[:2]) != (SIZE, SIZE):
    raise ValueError(f"infogan_svhn networks need {SIZE}x{SIZE} images, got "
                     f"{tuple(image_shape)} (--image_size={SIZE} fits a tfds: or folder: "
                     "dataset)")


def build_generator(input_dim: int, image_shape=(32, 32, 3), name="generator"):
  """G: [batch, input_dim] (noise and codes) -> images [batch, 32, 32, C] in [-1, 1].

  Raises:
    ValueError: for an image shape other than 32x32.
  """
  _check(image_shape)
  inputs = keras.Input((input_dim,), name="latent")
  x = layers.Dense(2 * 2 * 448, use_bias=False)(inputs)
  x = layers.ReLU()(batch_norm()(x))
  x = layers.Reshape((2, 2, 448))(x)
  x = layers.Conv2DTranspose(256, 4, strides=2, padding="same", use_bias=False)(x)
  x = layers.ReLU()(batch_norm()(x))
  for filters in (128, 64):
    x = layers.Conv2DTranspose(filters, 4, strides=2, padding="same", activation="relu")(x)
  x = layers.Conv2DTranspose(image_shape[-1], 4, strides=2, padding="same")(x)
  outputs = layers.Activation("tanh", dtype="float32")(x)
  return keras.Model(inputs, outputs, name=name)


def build_discriminator(image_shape=(32, 32, 3), q_dim: int = 0, num_classes: int = 0,
                        name="discriminator"):
  """D body + heads (Q head when q_dim > 0, label projection when num_classes > 0).

  Returns:
    `Discriminator` whose call maps images [batch, 32, 32, C] to (logits [batch, 1],
    q [batch, q_dim] or None).

  Raises:
    ValueError: for an image shape other than 32x32.
  """
  _check(image_shape)
  inputs = keras.Input(tuple(image_shape), name="image")
  x = layers.Conv2D(64, 4, strides=2, padding="same")(inputs)
  x = layers.LeakyReLU(LEAK)(x)
  for filters in (128, 256):
    x = layers.Conv2D(filters, 4, strides=2, padding="same", use_bias=False)(x)
    x = layers.LeakyReLU(LEAK)(batch_norm()(x))
  features = layers.Flatten()(x)
  body = keras.Model(inputs, features, name="body")
  return Discriminator(body, *heads(4 * 4 * 256, q_dim, num_classes, leak=LEAK), name=name)
