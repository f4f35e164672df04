"""Fully connected G and D, as in the original GAN (Goodfellow et al. 2014, Sec. 5).

G: FC256 - FC512 - FC1024 (ReLU, batch norm) - FC prod(shape), tanh, reshaped to the data.
D: flatten - FC1024 - FC512 - FC256 (LeakyReLU 0.2) - D head FC1. (Goodfellow et al. used
maxout units and dropout in D; LeakyReLU is the common modern substitute.) D had FC512 - FC256
before 2026-12-03: the wider, deeper D lowers the MNIST classifier-FID at 6000 steps from
108.9 / 101.4 to 88.9 / 84.1 (seeds 0 / 1; dropout 0.3 in D: 95.4, ReLU -> LeakyReLU in G:
97.7, no batch norm in G: 156; BUILD.md "Issue 19"). Works for any data shape, including
1-D toy data of shape (1,).
"""

import math

import keras
from keras import layers

from tfgan_info.networks.discriminator import Discriminator, heads
from tfgan_info.networks.normalization import batch_norm

LEAK = 0.2
G_UNITS = (256, 512, 1024)
D_UNITS = (1024, 512, 256)


def build_generator(input_dim: int, image_shape=(28, 28, 1), name="generator"):
  """G: [batch, input_dim] -> data [batch, *image_shape] in [-1, 1]."""
  inputs = keras.Input((input_dim,), name="latent")
  x = inputs
  for units in G_UNITS:
    x = layers.Dense(units, use_bias=False)(x)
    x = layers.ReLU()(batch_norm()(x))
  x = layers.Dense(math.prod(image_shape))(x)
  x = layers.Activation("tanh", dtype="float32")(x)
  outputs = layers.Reshape(tuple(image_shape))(x)
  return keras.Model(inputs, outputs, name=name)


def build_discriminator(image_shape=(28, 28, 1), q_dim: int = 0, num_classes: int = 0,
                        name="discriminator"):
  """D body (flatten, FC1024, FC512, FC256) + heads; see `discriminator.heads` for q_dim /
  num_classes.

  Returns:
    `Discriminator` mapping data [batch, *image_shape] to (logits [batch, 1], q or None).
  """
  inputs = keras.Input(tuple(image_shape), name="image")
  x = layers.Flatten()(inputs)
  for units in D_UNITS:
    x = layers.LeakyReLU(LEAK)(layers.Dense(units)(x))
  body = keras.Model(inputs, x, name="body")
  return Discriminator(body, *heads(D_UNITS[-1], q_dim, num_classes, leak=LEAK), name=name)
