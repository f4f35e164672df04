"""pix2pix's networks (Isola et al. 2017, Sec. 3.2 and Appendix 6.1): a U-Net generator and a
PatchGAN discriminator on (input, output) pairs.

Ck is a 4x4 convolution with k filters and stride 2, batch norm and a ReLU (LeakyReLU(0.2) in
the encoder and in D); CDk adds dropout 0.5 after the batch norm.

**U-Net G** (`build_translator`). Encoder C64-C128-C256-C512-C512-... down to a 1x1
bottleneck (no batch norm on the first layer, nor on the bottleneck, whose 1x1 statistics
over a batch of one would be degenerate: the reference code leaves it out too); decoder of
transposed convolutions back to the input size, each concatenated with the encoder layer of
the same resolution (the skip connections), the first ``dropout_layers`` (3) with dropout
0.5: G's only noise (Sec. 2.1: "we provide noise only in the form of dropout"). Dropout is
active in training mode only, so the served G is deterministic (the paper keeps it on at test
time). At 256x256 this is the paper's encoder C64-C128-C256-C512-C512-C512-C512-C512 and
decoder CD512-CD1024-CD1024-C1024-C1024-C512-C256-C128 (channels after the concatenations).
The depth follows the size: log2 of the side rounded up to a power of two; a side that is no
power of two (28) is reflect-padded to one (32, five levels) and the output cropped back.

**PatchGAN D** (`build_patch_discriminator`). D(x, y) sees the input x and the image y (real
target or G(x)) concatenated on the channels and outputs a grid of logits, one per
overlapping patch: C64 (no batch norm) followed by n - 1 more stride-2 layers
(C128, C256, ...), one stride-1 layer and a 1-channel stride-1 convolution, padding 1 each
(the reference code). With n = 3 the receptive field is 70x70 (the paper's default, a 30x30
grid at 256x256); ``patch_layers`` picks the largest n >= 1 whose field is at most half the
image side: 70x70 at 256, 16x16 (n = 1, a 12x12 grid) at 28.
"""

import math

import keras
from keras import layers
from keras import ops

from tfgan_info.networks.normalization import batch_norm

LEAK = 0.2
KERNEL = 4
DROPOUT = 0.5


def unet_depth(size: int) -> int:
  """The number of stride-2 levels of the U-Net for a square side ``size``: log2 of the side
  rounded up to a power of two (down to a 1x1 bottleneck)."""
  return max(1, math.ceil(math.log2(size)))


def _check_square(image_shape):
  h, w = tuple(image_shape[:2])
  if h != w or h < 2:
    raise ValueError(f"unet_patchgan networks need square images of side >= 2, got "
                     f"{tuple(image_shape)}")
  return h


def _reflect_pad(x, before: int, after: int):
  return ops.pad(x, [[0, 0], [before, after], [before, after], [0, 0]], mode="reflect")


def build_translator(image_shape=(28, 28, 1), out_channels: int = 0, width: int = 64,
                     max_width: int = 512, dropout: float = DROPOUT, dropout_layers: int = 3,
                     name="generator"):
  """U-Net G: images x [batch, H, W, C] -> G(x) [batch, H, W, out_channels] in [-1, 1].

  Args:
    image_shape: (H, W, C) of the input, H = W.
    out_channels: channels of the output (0: C).
    width: filters of the first layer (64); each level doubles them up to ``max_width``.
    max_width: the most filters of a layer (512).
    dropout: dropout rate of the first decoder layers (0.5).
    dropout_layers: how many decoder layers, from the bottleneck, have dropout (3).

  Raises:
    ValueError: for an image that is not square.
  """
  size = _check_square(image_shape)
  depth = unet_depth(size)
  padded = 2 ** depth
  out_channels = out_channels or image_shape[-1]
  inputs = keras.Input(tuple(image_shape), name="images")
  x = inputs
  pad = padded - size
  if pad:
    before, after = pad // 2, pad - pad // 2
    x = layers.Lambda(lambda t: _reflect_pad(t, before, after), name="reflect_pad")(x)
  skips = []
  for i in range(depth):
    filters = min(width * 2 ** i, max_width)
    normalised = 0 < i < depth - 1
    x = layers.Conv2D(filters, KERNEL, strides=2, padding="same", use_bias=not normalised,
                      name=f"down{i}")(x)
    if normalised:
      x = batch_norm(name=f"down{i}_bn")(x)
    x = layers.LeakyReLU(LEAK)(x)
    skips.append(x)
  for j, skip in enumerate(reversed(skips[:-1])):
    x = layers.Conv2DTranspose(skip.shape[-1], KERNEL, strides=2, padding="same",
                               use_bias=False, name=f"up{j}")(x)
    x = batch_norm(name=f"up{j}_bn")(x)
    if j < dropout_layers:
      x = layers.Dropout(dropout, name=f"up{j}_dropout")(x)
    x = layers.ReLU()(x)
    x = layers.Concatenate(name=f"skip{j}")([x, skip])
  x = layers.Conv2DTranspose(out_channels, KERNEL, strides=2, padding="same", name="out")(x)
  if pad:
    x = layers.Cropping2D(((before, after), (before, after)), name="crop")(x)
  outputs = layers.Activation("tanh", dtype="float32", name="tanh")(x)
  return keras.Model(inputs, outputs, name=name)


def receptive_field(n_layers: int) -> int:
  """The side of the patch one logit of a PatchGAN with ``n_layers`` stride-2 layers sees:
  16, 34, 70, 142, 286 for n = 1..5."""
  field = 1 + 3 + 3  # the two stride-1 4x4 layers
  for _ in range(n_layers):
    field = 2 * field + 2
  return field


def patch_layers(size: int) -> int:
  """The stride-2 layers of the PatchGAN for images of side ``size``: the largest n >= 1 with
  `receptive_field`(n) <= size / 2 (3, the 70x70 PatchGAN, at 256; 1, 16x16, at 28)."""
  n = 1
  while receptive_field(n + 1) <= size / 2:
    n += 1
  return n


def build_patch_discriminator(input_shape=(28, 28, 1), image_shape=None, width: int = 64,
                              max_width: int = 512, n_layers: int = 0, name="discriminator"):
  """PatchGAN D: [x [batch, H, W, C_x], y [batch, H, W, C_y]] -> patch logits
  [batch, h, w, 1] (float32), D(x, y) = sigmoid(logits) per patch.

  Args:
    input_shape: (H, W, C_x) of the translation's input x.
    image_shape: (H, W, C_y) of the real or generated image y (None: input_shape).
    width: filters of the first layer; doubled per stride-2 layer up to ``max_width``.
    n_layers: stride-2 layers (0: `patch_layers` of the side).

  Raises:
    ValueError: for images that are not square or differ in size.
  """
  image_shape = tuple(image_shape or input_shape)
  size = _check_square(input_shape)
  if tuple(image_shape[:2]) != tuple(input_shape[:2]):
    raise ValueError(f"D's input {tuple(input_shape)} and image {image_shape} differ in size")
  n_layers = n_layers or patch_layers(size)
  x_in = keras.Input(tuple(input_shape), name="input")
  y_in = keras.Input(image_shape, name="image")
  x = layers.Concatenate(name="pair")([x_in, y_in])
  strides = [2] * n_layers + [1]
  for i, stride in enumerate(strides):
    x = layers.ZeroPadding2D(1)(x)
    x = layers.Conv2D(min(width * 2 ** i, max_width), KERNEL, strides=stride, padding="valid",
                      use_bias=i == 0, name=f"conv{i}")(x)
    if i:
      x = batch_norm(name=f"conv{i}_bn")(x)
    x = layers.LeakyReLU(LEAK)(x)
  x = layers.ZeroPadding2D(1)(x)
  logits = layers.Conv2D(1, KERNEL, strides=1, padding="valid", dtype="float32",
                         name="logits")(x)
  return keras.Model([x_in, y_in], logits, name=name)
