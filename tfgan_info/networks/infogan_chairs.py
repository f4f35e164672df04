"""The InfoGAN paper's 3D chairs networks (Chen et al. 2016, appendix C), 64x64 images.

D/Q: conv64 4x4 s2 lReLU(0.1) - conv128 4x4 s2 BN lReLU - conv256 4x4 s2 BN lReLU -
     conv256 4x4 BN lReLU - conv256 4x4 BN lReLU - FC1024 BN lReLU - D: FC1;
     Q: FC128 BN lReLU - FC q_dim.
G:   FC1024 BN ReLU - FC 8x8x256 BN ReLU - upconv256 4x4 BN ReLU - upconv256 4x4 BN ReLU -
     upconv128 4x4 s2 BN ReLU - upconv64 4x4 s2 BN ReLU - upconv C 4x4 s2 tanh.

The paper's G ends in a sigmoid on [0, 1] images; here tanh on images scaled to [-1, 1], like
the package's other InfoGAN networks. The table is read from the paper's appendix as the open
reimplementations give it.
"""

import keras
from keras import layers

from tfgan_info.networks.discriminator import Discriminator, heads
from tfgan_info.networks.normalization import batch_norm

LEAK = 0.1
SIZE = 64


def _check(image_shape):
  if tuple(image_shape[:2]) != (SIZE, SIZE):
    raise ValueError(f"infogan_chairs networks need {SIZE}x{SIZE} images, got "
                     f"{tuple(image_shape)} (--image_size={SIZE} fits a tfds: or folder: "
                     "dataset)")


def build_generator(input_dim: int, image_shape=(64, 64, 1), name="generator"):
  """G: [batch, input_dim] (noise and codes) -> images [batch, 64, 64, C] in [-1, 1].

  Raises:
    ValueError: for an image shape other than 64x64.
  """
  _check(image_shape)
  inputs = keras.Input((input_dim,), name="latent")
  x = layers.Dense(1024, use_bias=False)(inputs)
  x = layers.ReLU()(batch_norm()(x))
  x = layers.Dense(8 * 8 * 256, use_bias=False)(x)
  x = layers.ReLU()(batch_norm()(x))
  x = layers.Reshape((8, 8, 256))(x)
  for filters, stride in ((256, 1), (256, 1), (128, 2), (64, 2)):
    x = layers.Conv2DTranspose(filters, 4, strides=stride, padding="same", use_bias=False)(x)
    x = layers.ReLU()(batch_norm()(x))
  x = layers.Conv2DTranspose(image_shape[-1], 4, strides=2, padding="same")(x)
  outputs = layers.Activation("tanh", dtype="float32")(x)
  return keras.Model(inputs, outputs, name=name)


def build_discriminator(image_shape=(64, 64, 1), q_dim: int = 0, num_classes: int = 0,
                        name="discriminator"):
  """D body + heads (Q head when q_dim > 0, label projection when num_classes > 0).

  Returns:
    `Discriminator` whose call maps images [batch, 64, 64, C] to (logits [batch, 1],
    q [batch, q_dim] or None).

  Raises:
    ValueError: for an image shape other than 64x64.
  """
  _check(image_shape)
  inputs = keras.Input(tuple(image_shape), name="image")
  x = layers.Conv2D(64, 4, strides=2, padding="same")(inputs)
  x = layers.LeakyReLU(LEAK)(x)
  for filters, stride in ((128, 2), (256, 2), (256, 1), (256, 1)):
    x = layers.Conv2D(filters, 4, strides=stride, padding="same", use_bias=False)(x)
    x = layers.LeakyReLU(LEAK)(batch_norm()(x))
  x = layers.Flatten()(x)
  x = layers.Dense(1024, use_bias=False)(x)
  features = layers.LeakyReLU(LEAK)(batch_norm()(x))
  body = keras.Model(inputs, features, name="body")
  return Discriminator(body, *heads(1024, q_dim, num_classes, leak=LEAK), name=name)
