"""Keras builders for generators, discriminators (with Q heads), encoders, classifiers."""

from tfgan_info.networks import infogan_mnist
from tfgan_info.networks.discriminator import Discriminator

ARCHITECTURES = {
    "infogan_mnist": infogan_mnist,
}


def build_gan_networks(architecture: str, input_dim: int, image_shape, q_dim: int = 0):
  """Builds (generator, discriminator) of a named architecture.

  Args:
    architecture: a key of ARCHITECTURES.
    input_dim: generator input width (noise_dim + code_dim).
    image_shape: (H, W, C) of the data.
    q_dim: Q head width (0: no Q head).

  Raises:
    ValueError: if the architecture is unknown or does not fit the image shape.
  """
  if architecture not in ARCHITECTURES:
    raise ValueError(
        f"Unknown architecture {architecture!r}: use one of {sorted(ARCHITECTURES)}")
  module = ARCHITECTURES[architecture]
  return (module.build_generator(input_dim, image_shape),
          module.build_discriminator(image_shape, q_dim))
