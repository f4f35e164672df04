"""Fully connected G and D, as in the original GAN (Goodfellow et al. 2014, Sec. 5).

G: FC256 - FC512 - FC1024 (ReLU, batch norm) - FC prod(shape), tanh, reshaped to the data.
D: flatten - FC1024 - FC512 - [minibatch std] - FC256 (LeakyReLU 0.2) - D head FC1.
(Goodfellow et al. used maxout units and dropout in D; LeakyReLU is the common modern
substitute.) The minibatch standard deviation (Karras et al. 2018, `networks.minibatch`),
appended to FC512's features, lets D see a batch's diversity: on MNIST at 6000 steps it takes
the classifier-FID from 72.4 to 42.0 / 43.3 (seeds 0 / 1), and to 18.7 / 19.0 with G at 1e-3
(configs/gan_mnist.cfg). A D with a Q head (InfoGAN on these networks) goes without it, since
Q serves one image at a time. D's FC1024 layer (against FC512 - FC256 alone) lowers the
classifier-FID from 108.9 / 101.4 to 88.9 / 84.1 (seeds 0 / 1; the variants that did not
help: docs/results.md#gan-and-dcgan-on-mnist-and-fashion-mnist). Works for any data shape,
including 1-D toy data of shape (1,).
"""

import math

import keras
from keras import layers

from tfgan_info.networks.discriminator import Discriminator, heads
from tfgan_info.networks.minibatch import MinibatchStdDev
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
                        minibatch_std: bool = True, name="discriminator"):
  """D body (flatten, FC1024, FC512, minibatch std, FC256) + heads; see `discriminator.heads`
  for q_dim / num_classes.

  Args:
    minibatch_std: append the batch's standard deviation to FC512's features (module
      docstring). Always off where q_dim > 0: a served Q must not depend on the batch. Off, D
      judges each example alone, as the optimal discriminator of Goodfellow et al. (2014,
      Prop. 1) assumes.

  Returns:
    `Discriminator` mapping data [batch, *image_shape] to (logits [batch, 1], q or None).
  """
  inputs = keras.Input(tuple(image_shape), name="image")
  x = layers.Flatten()(inputs)
  for i, units in enumerate(D_UNITS):
    if i == len(D_UNITS) - 1 and minibatch_std and not q_dim:
      x = MinibatchStdDev(name="minibatch_std")(x)
    x = layers.LeakyReLU(LEAK)(layers.Dense(units)(x))
  body = keras.Model(inputs, x, name="body")
  return Discriminator(body, *heads(D_UNITS[-1], q_dim, num_classes, leak=LEAK), name=name)
