"""DCGAN networks (Radford, Metz and Chintala 2015, Sec. 3 and Fig. 1).

Per the paper's guidelines: strided convolutions in D (no pooling) with LeakyReLU(0.2);
fractionally-strided (transposed) convolutions in G with ReLU and a tanh output; batch norm in
both, except D's input layer and G's output layer; no hidden fully connected layers (G's first
layer is the projection of z reshaped to a 4x4 (or 7x7) stack, D's last the flattened features
to one logit). Kernels are 4x4 instead of the paper's 5x5 (a multiple of the stride avoids
checkerboard artefacts; as in the common reference implementations).

`build_encoder` is D's convolutional body with a linear map to M dimensions and an L2
normalisation: AGE's encoder onto the unit sphere (Ulyanov et al. 2017, Sec. 3.1).

Resolutions: 28x28 (MNIST, Fashion-MNIST; from 7x7, two up-samplings), 32x32 (from 4x4, three)
and 64x64 (from 4x4, four), any number of channels. With ``width=64`` the 64x64 G is
4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64xC.
"""

import math

import keras
from keras import layers

from tfgan_info.networks.discriminator import Discriminator, heads
from tfgan_info.networks.normalization import batch_norm

LEAK = 0.2
KERNEL = 4


def resolution_plan(image_shape):
  """(start size, number of 2x up/down-samplings) for an image shape.

  Raises:
    ValueError: for shapes other than 28x28, 32x32 and 64x64.
  """
  h, w = tuple(image_shape[:2])
  if h != w or h not in (28, 32, 64):
    raise ValueError(f"dcgan networks support 28x28, 32x32 and 64x64 images, got "
                     f"{tuple(image_shape)}")
  start = 7 if h == 28 else 4
  return start, int(round(math.log2(h // start)))


def _strided_features(inputs, n_down: int, width: int):
  """D's body: n_down strided 4x4 convs (width, 2 width, ...), BN after the first, LeakyReLU;
  flattened."""
  x = inputs
  for i in range(n_down):
    x = layers.Conv2D(width * 2 ** i, KERNEL, strides=2, padding="same", use_bias=i == 0)(x)
    if i:
      x = batch_norm()(x)
    x = layers.LeakyReLU(LEAK)(x)
  return layers.Flatten()(x)


def build_generator(input_dim: int, image_shape=(28, 28, 1), width: int = 64,
                    name="generator"):
  """G: [batch, input_dim] -> images [batch, *image_shape] in [-1, 1]."""
  start, n_up = resolution_plan(image_shape)
  channels = [width * 2 ** (n_up - 1 - i) for i in range(n_up)]
  inputs = keras.Input((input_dim,), name="latent")
  x = layers.Dense(start * start * channels[0], use_bias=False)(inputs)
  x = layers.ReLU()(batch_norm()(x))
  x = layers.Reshape((start, start, channels[0]))(x)
  for c in channels[1:]:
    x = layers.Conv2DTranspose(c, KERNEL, strides=2, padding="same", use_bias=False)(x)
    x = layers.ReLU()(batch_norm()(x))
  x = layers.Conv2DTranspose(image_shape[-1], KERNEL, strides=2, padding="same")(x)
  outputs = layers.Activation("tanh", dtype="float32")(x)
  return keras.Model(inputs, outputs, name=name)


def build_discriminator(image_shape=(28, 28, 1), q_dim: int = 0, num_classes: int = 0,
                        width: int = 64, name="discriminator"):
  """D body (strided convs, flattened) + heads (see `discriminator.heads`).

  Returns:
    `Discriminator` mapping images [batch, *image_shape] to (logits [batch, 1], q or None).
  """
  start, n_down = resolution_plan(image_shape)
  inputs = keras.Input(tuple(image_shape), name="image")
  body = keras.Model(inputs, _strided_features(inputs, n_down, width), name="body")
  feature_dim = start * start * width * 2 ** (n_down - 1)
  return Discriminator(body, *heads(feature_dim, q_dim, num_classes, leak=LEAK), name=name)


def build_encoder(image_shape=(28, 28, 1), latent_dim: int = 64, width: int = 64,
                  name="encoder"):
  """AGE encoder e: images [batch, *image_shape] -> codes [batch, latent_dim], unit norm.

  The strided-conv body of `build_discriminator` (BN except on the input layer, LeakyReLU),
  flattened, then Dense(latent_dim) and L2 normalisation onto S^(latent_dim - 1).
  """
  _, n_down = resolution_plan(image_shape)
  inputs = keras.Input(tuple(image_shape), name="image")
  x = layers.Dense(latent_dim)(_strided_features(inputs, n_down, width))
  outputs = layers.UnitNormalization(axis=-1, dtype="float32")(x)
  return keras.Model(inputs, outputs, name=name)
