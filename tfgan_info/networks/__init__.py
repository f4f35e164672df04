"""Keras builders for generators, discriminators (with Q heads), encoders, classifiers."""

from tfgan_info.networks import dcgan
from tfgan_info.networks import infogan_dsprites
from tfgan_info.networks import infogan_mnist
from tfgan_info.networks import mlp
from tfgan_info.networks import unet_patchgan
from tfgan_info.networks.conditional import build_conditional_generator
from tfgan_info.networks.discriminator import Discriminator

ARCHITECTURES = {
    "dcgan": dcgan,
    "infogan_dsprites": infogan_dsprites,
    "infogan_mnist": infogan_mnist,
    "mlp": mlp,
    "unet_patchgan": unet_patchgan,
}


def _module_with(architecture: str, builder: str, lacking: str):
  """The module of ``architecture`` if it has the function ``builder``.

  Raises:
    ValueError: "Architecture '<name>' <lacking>: use one of [the modules that have it]".
  """
  module = ARCHITECTURES.get(architecture)
  if module is None or not hasattr(module, builder):
    able = sorted(k for k, m in ARCHITECTURES.items() if hasattr(m, builder))
    raise ValueError(f"Architecture {architecture!r} {lacking}: use one of {able}")
  return module


def build_gan_networks(architecture: str, input_dim: int, image_shape, q_dim=0,
                       num_classes: int = 0):
  """Builds (generator, discriminator) of a named architecture.

  Args:
    architecture: a key of ARCHITECTURES.
    input_dim: generator input width: noise_dim + code_dim, or for a conditional G
      (num_classes > 0) noise_dim alone, the labels entering through an embedding.
    image_shape: (H, W, C) of the data.
    q_dim: Q head width (0: no Q head), or a tuple of widths for separate Q heads whose
      outputs are concatenated (ss-InfoGAN).
    num_classes: > 0 for a conditional pair: G takes [noise, labels] and D projects a label
      embedding on its features.

  Raises:
    ValueError: if the architecture is unknown or does not fit the image shape.
  """
  if architecture not in ARCHITECTURES:
    raise ValueError(
        f"Unknown architecture {architecture!r}: use one of {sorted(ARCHITECTURES)}")
  module = _module_with(architecture, "build_generator",
                        "has no generator from noise (it translates images)")
  if num_classes:
    generator = build_conditional_generator(module.build_generator, input_dim, num_classes,
                                            image_shape)
  else:
    generator = module.build_generator(input_dim, image_shape)
  return generator, module.build_discriminator(image_shape, q_dim, num_classes)


def build_age_networks(architecture: str, latent_dim: int, image_shape):
  """Builds AGE's (generator g, encoder e) of a named architecture.

  Args:
    architecture: a key of ARCHITECTURES whose module has an encoder ("dcgan").
    latent_dim: M, the latent sphere S^(M-1) lives in R^M.
    image_shape: (H, W, C) of the data.

  Raises:
    ValueError: if the architecture has no encoder or does not fit the image shape.
  """
  module = _module_with(architecture, "build_encoder", "has no encoder for AGE")
  return (module.build_generator(latent_dim, image_shape),
          module.build_encoder(image_shape, latent_dim))


def build_translation_networks(architecture: str, input_shape, output_shape=None):
  """Builds an image-to-image pair (generator G: x -> G(x), discriminator D(x, y) -> patch
  logits) of a named architecture.

  Args:
    architecture: a key of ARCHITECTURES whose module translates images ("unet_patchgan").
    input_shape: (H, W, C_x) of the inputs x.
    output_shape: (H, W, C_y) of the outputs and targets y (None: input_shape).

  Raises:
    ValueError: if the architecture does not translate images or does not fit the shapes.
  """
  module = _module_with(architecture, "build_translator", "does not translate images")
  output_shape = tuple(output_shape or input_shape)
  return (module.build_translator(tuple(input_shape), output_shape[-1]),
          module.build_patch_discriminator(tuple(input_shape), output_shape))
