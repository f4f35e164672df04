"""InfoGAN-CR's dSprites networks (Lin et al. 2020; fjxmlzn/InfoGAN-CR,
InfoGAN-CR_dSprites/gan/network.py), used by its "InfoGAN (modified)" baseline and by
InfoGAN-CR.

G (their Decoder): FC128 - FC 4x4x64 - upconv64 - upconv32 - upconv32 - upconv C (4x4
  kernels, stride 2, 4 -> 8 -> 16 -> 32 -> 64), each hidden layer activation then batch norm
  (their order: ReLU after the FC layers, LeakyReLU(0.2) after the transposed convolutions);
  output tanh in [-1, 1] where theirs is a sigmoid in [0, 1] (the package's images are in
  [-1, 1]; sigmoid(a) = (1 + tanh(a / 2)) / 2, the same family of functions).
D/Q (their InfoGANDiscriminator): spectrally normalised conv32 - conv32 - conv64 - conv64
  (4x4, stride 2, LeakyReLU 0.2) - FC128 LeakyReLU, no batch norm; D head: SN-FC1;
  Q head: SN-FC128 LeakyReLU - SN-FC q_dim (the means of a fixed-std Gaussian Q with
  --q_std=fixed). Q shares every layer of the body.
Initialisers as theirs: N(0, 0.02) for dense and transposed-conv kernels, truncated
N(0, 0.02) for conv kernels. ``width`` scales every layer (32: theirs).
H (their CrDiscriminator, InfoGAN-CR's contrastive classifier): the D body's layout on a pair
  of images stacked on the channel axis, then a plain FC n_codes (logits of the shared code).
"""

import keras
from keras import layers

from tfgan_info.networks.discriminator import Discriminator
from tfgan_info.networks.normalization import batch_norm
from tfgan_info.networks.spectral_norm import SNConv2D, SNDense, dense_init

LEAK = 0.2
KERNEL = 4
WIDTH = 32
FC_UNITS = 128


def _check(image_shape):
  if tuple(image_shape[:2]) != (64, 64):
    raise ValueError(f"infogan_cr_dsprites networks need 64x64 images, got "
                     f"{tuple(image_shape)}")


def build_generator(input_dim: int, image_shape=(64, 64, 1), width: int = WIDTH,
                    name="generator"):
  """G: [batch, input_dim] (codes and noise) -> images [batch, 64, 64, C] in [-1, 1].

  Raises:
    ValueError: for an image shape other than 64x64.
  """
  _check(image_shape)
  inputs = keras.Input((input_dim,), name="latent")
  x = inputs
  for units in (FC_UNITS * width // WIDTH, 4 * 4 * 2 * width):
    x = layers.Dense(units, kernel_initializer=dense_init())(x)
    x = batch_norm(momentum=0.9, epsilon=1e-5)(layers.ReLU()(x))
  x = layers.Reshape((4, 4, 2 * width))(x)
  for filters in (2 * width, width, width):
    x = layers.Conv2DTranspose(filters, KERNEL, strides=2, padding="same",
                               kernel_initializer=dense_init())(x)
    x = batch_norm(momentum=0.9, epsilon=1e-5)(layers.LeakyReLU(LEAK)(x))
  x = layers.Conv2DTranspose(image_shape[-1], KERNEL, strides=2, padding="same",
                             kernel_initializer=dense_init())(x)
  outputs = layers.Activation("tanh", dtype="float32")(x)
  return keras.Model(inputs, outputs, name=name)


def _sn_body(inputs, width):
  """SN conv width - width - 2 width - 2 width (4x4, stride 2, LeakyReLU), flattened, SN-FC
  LeakyReLU: [batch, 64, 64, C] -> [batch, 128 width / 32]."""
  x = inputs
  for filters in (width, width, 2 * width, 2 * width):
    x = layers.LeakyReLU(LEAK)(SNConv2D(filters, KERNEL, strides=2)(x))
  x = layers.Flatten()(x)
  return layers.LeakyReLU(LEAK)(SNDense(FC_UNITS * width // WIDTH)(x))


def build_discriminator(image_shape=(64, 64, 1), q_dim: int = 0, num_classes: int = 0,
                        width: int = WIDTH, name="discriminator"):
  """Spectrally normalised D body with a D head and (q_dim > 0) a Q head.

  Returns:
    `Discriminator` mapping images [batch, 64, 64, C] to (logits [batch, 1], q [batch, q_dim]
    or None).

  Raises:
    ValueError: for an image shape other than 64x64, or num_classes > 0 (no conditional
      variant: InfoGAN-CR is unsupervised).
  """
  _check(image_shape)
  if num_classes:
    raise ValueError("infogan_cr_dsprites has no conditional discriminator")
  inputs = keras.Input(tuple(image_shape), name="image")
  features = _sn_body(inputs, width)
  body = keras.Model(inputs, features, name="body")
  f_in = keras.Input((features.shape[-1],), name="features")
  d_head = keras.Model(f_in, SNDense(1, dtype="float32")(f_in), name="d_head")
  q_head = None
  if q_dim:
    q = layers.LeakyReLU(LEAK)(SNDense(FC_UNITS)(f_in))
    q_head = keras.Model(f_in, SNDense(q_dim, dtype="float32")(q), name="q_head")
  return Discriminator(body, d_head, q_head, name=name)


def build_pair_classifier(image_shape=(64, 64, 1), num_codes: int = 5, width: int = WIDTH,
                          name="pair_classifier"):
  """H: a pair of images [batch, 64, 64, 2 C] (the two stacked on channels) -> logits
  [batch, num_codes] of the code they share.

  Raises:
    ValueError: for an image shape other than 64x64.
  """
  _check(image_shape)
  inputs = keras.Input(tuple(image_shape[:2]) + (2 * image_shape[-1],), name="image_pair")
  logits = layers.Dense(num_codes, kernel_initializer=dense_init(), dtype="float32")(
      _sn_body(inputs, width))
  return keras.Model(inputs, logits, name=name)
