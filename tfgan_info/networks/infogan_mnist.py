"""The InfoGAN paper's MNIST networks (Chen et al. 2016, Table 1 of the appendix).

D/Q: conv64 4x4 s2 lReLU(0.1) - conv128 4x4 s2 BN lReLU - FC1024 BN lReLU - D: FC1;
     Q: FC128 BN lReLU - FC q_dim.
G:   FC1024 BN ReLU - FC 7x7x128 BN ReLU - upconv64 4x4 s2 BN ReLU - upconv C 4x4 s2 tanh.
"""

import keras
from keras import layers

from tfgan_info.networks.discriminator import Discriminator, heads
from tfgan_info.networks.normalization import batch_norm

LEAK = 0.1


def build_generator(input_dim: int, image_shape=(28, 28, 1), name="generator"):
  """G: [batch, input_dim] (noise and codes) -> images [batch, 28, 28, C] in [-1, 1].

  Raises:
    ValueError: for an image shape other than 28x28.
  """
  if tuple(image_shape[:2]) != (28, 28):
    raise ValueError(f"infogan_mnist networks need 28x28 images, got {tuple(image_shape)}")
  inputs = keras.Input((input_dim,), name="latent")
  x = layers.Dense(1024, use_bias=False)(inputs)
  x = layers.ReLU()(batch_norm()(x))
  x = layers.Dense(7 * 7 * 128, use_bias=False)(x)
  x = layers.ReLU()(batch_norm()(x))
  x = layers.Reshape((7, 7, 128))(x)
  x = layers.Conv2DTranspose(64, 4, strides=2, padding="same", use_bias=False)(x)
  x = layers.ReLU()(batch_norm()(x))
  x = layers.Conv2DTranspose(image_shape[-1], 4, strides=2, padding="same")(x)
  outputs = layers.Activation("tanh", dtype="float32")(x)
  return keras.Model(inputs, outputs, name=name)


def build_discriminator(image_shape=(28, 28, 1), q_dim: int = 0, num_classes: int = 0,
                        name="discriminator"):
  """D body + heads (Q head when q_dim > 0, label projection when num_classes > 0).

  Returns:
    `Discriminator` whose call maps images [batch, 28, 28, C] to (logits [batch, 1],
    q [batch, q_dim] or None).
  """
  inputs = keras.Input(tuple(image_shape), name="image")
  x = layers.Conv2D(64, 4, strides=2, padding="same")(inputs)
  x = layers.LeakyReLU(LEAK)(x)
  x = layers.Conv2D(128, 4, strides=2, padding="same", use_bias=False)(x)
  x = layers.LeakyReLU(LEAK)(batch_norm()(x))
  x = layers.Flatten()(x)
  x = layers.Dense(1024, use_bias=False)(x)
  features = layers.LeakyReLU(LEAK)(batch_norm()(x))
  body = keras.Model(inputs, features, name="body")

  return Discriminator(body, *heads(1024, q_dim, num_classes, leak=LEAK), name=name)
