"""DCGAN networks (Radford, Metz and Chintala 2015, Sec. 3 and Fig. 1).

Per the paper's guidelines: strided convolutions in D (no pooling) with LeakyReLU(0.2);
fractionally-strided (transposed) convolutions in G with ReLU and a tanh output; batch norm in
both, except D's input layer and G's output layer; no hidden fully connected layers (G's first
layer is the projection of z reshaped to a 4x4 (or 7x7) stack, D's last the flattened features
to one logit). Kernels are 4x4 instead of the paper's 5x5 for the strided layers (a multiple
of the stride avoids checkerboard artefacts; as in the common reference implementations).

Depth: G has at least three transposed convolutions and D at least three strided
convolutions (`MIN_CONVS`), as the 32x32 plan has. Where the resolution needs fewer 2x
up-samplings (28x28: 7 -> 14 -> 28), G's first layers after the projection are stride-1
5x5 transposed convolutions at the start resolution (the TensorFlow DCGAN tutorial's
7x7x256 -> 7x7x128 layer) and D's last convolutions go on past it (7 -> 4). A shallower
28x28 layout (two convolutions in D, whose linear read-out sees 10-pixel receptive fields,
and one hidden transposed convolution in G) scored classifier-FID 32-68 on MNIST at 6000
steps, this one 8.7-13.8, and 3.9-5.0 with configs/dcgan_mnist.cfg's two G steps and
averaged G (docs/results.md#gan-and-dcgan-on-mnist-and-fashion-mnist).

`build_encoder` is D's convolutional body with a linear map to M dimensions and an L2
normalisation: AGE's encoder onto the unit sphere (Ulyanov et al. 2017, Sec. 3.1).

Resolutions: 28x28 (MNIST, Fashion-MNIST; from 7x7, two up-samplings), 32x32 (from 4x4, three)
and 64x64 (from 4x4, four), any number of channels. With ``width=64`` the 28x28 G is
7x7x256 -> 7x7x128 -> 14x14x64 -> 28x28xC and its D 28 -> 14x14x64 -> 7x7x128 -> 4x4x256;
the 64x64 G is 4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64xC.
"""

import math

import keras
from keras import layers

from tfgan_info.networks.discriminator import Discriminator, heads
from tfgan_info.networks.normalization import batch_norm

LEAK = 0.2
KERNEL = 4  # the strided layers
STRIDE1_KERNEL = 5  # G's stride-1 layers
MIN_CONVS = 3


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


def strided_features(inputs, n_down: int, width: int, normalize: bool = True):
  """D's body: max(n_down, MIN_CONVS) strided 4x4 convs (width, 2 width, ...), BN after each
  but the first (with ``normalize``; without, every conv has a bias: a WGAN-GP critic, whose
  gradient penalty is per example, Gulrajani et al. 2017, Sec. 4), LeakyReLU; flattened."""
  x = inputs
  for i in range(max(n_down, MIN_CONVS)):
    normalized = normalize and i > 0
    x = layers.Conv2D(width * 2 ** i, KERNEL, strides=2, padding="same",
                      use_bias=not normalized)(x)
    if normalized:
      x = batch_norm()(x)
    x = layers.LeakyReLU(LEAK)(x)
  return layers.Flatten()(x)


def build_generator(input_dim: int, image_shape=(28, 28, 1), width: int = 64,
                    name="generator"):
  """G: [batch, input_dim] -> images [batch, *image_shape] in [-1, 1].

  The projection to start x start x (width * 2^(n - 1)), n = max(up-samplings, MIN_CONVS),
  then n - 1 hidden transposed convs halving the channels (the first n - up-samplings of them
  stride 1, 5x5), then the stride-2 output layer; BN and ReLU after every layer but the last.
  """
  start, n_up = resolution_plan(image_shape)
  n_convs = max(n_up, MIN_CONVS)
  channels = [width * 2 ** (n_convs - 1 - i) for i in range(n_convs)]
  inputs = keras.Input((input_dim,), name="latent")
  x = layers.Dense(start * start * channels[0], use_bias=False)(inputs)
  x = layers.ReLU()(batch_norm()(x))
  x = layers.Reshape((start, start, channels[0]))(x)
  for i, c in enumerate(channels[1:]):
    stride1 = i < n_convs - n_up
    x = layers.Conv2DTranspose(c, STRIDE1_KERNEL if stride1 else KERNEL,
                               strides=1 if stride1 else 2, padding="same", use_bias=False)(x)
    x = layers.ReLU()(batch_norm()(x))
  x = layers.Conv2DTranspose(image_shape[-1], KERNEL, strides=2, padding="same")(x)
  outputs = layers.Activation("tanh", dtype="float32")(x)
  return keras.Model(inputs, outputs, name=name)


def build_discriminator(image_shape=(28, 28, 1), q_dim: int = 0, num_classes: int = 0,
                        width: int = 64, normalize: bool = True, name="discriminator"):
  """D body (strided convs, flattened; batch norm with ``normalize``) + heads (see
  `discriminator.heads`).

  Returns:
    `Discriminator` mapping images [batch, *image_shape] to (logits [batch, 1], q or None).
  """
  _, n_down = resolution_plan(image_shape)
  inputs = keras.Input(tuple(image_shape), name="image")
  body = keras.Model(inputs, strided_features(inputs, n_down, width, normalize), name="body")
  return Discriminator(body, *heads(body.output_shape[-1], q_dim, num_classes, leak=LEAK),
                       name=name)


def build_encoder(image_shape=(28, 28, 1), latent_dim: int = 64, width: int = 64,
                  unit_norm: bool = True, name="encoder"):
  """Encoder e: images [batch, *image_shape] -> codes [batch, latent_dim].

  The strided-conv body of `build_discriminator` (BN except on the input layer, LeakyReLU),
  flattened, then Dense(latent_dim) and, with ``unit_norm``, L2 normalisation onto
  S^(latent_dim - 1) (AGE's encoder); without, the linear map is the output (a BiGAN
  encoder into the prior's space).
  """
  _, n_down = resolution_plan(image_shape)
  inputs = keras.Input(tuple(image_shape), name="image")
  x = layers.Dense(latent_dim)(strided_features(inputs, n_down, width))
  if unit_norm:
    outputs = layers.UnitNormalization(axis=-1, dtype="float32")(x)
  else:
    outputs = layers.Activation("linear", dtype="float32")(x)
  return keras.Model(inputs, outputs, name=name)
