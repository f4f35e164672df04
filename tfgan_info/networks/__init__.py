"""Keras builders for generators, discriminators (with Q heads), encoders, classifiers."""

import contextlib
import functools
import inspect

from tfgan_info import precision
from tfgan_info.networks import dcgan
from tfgan_info.networks import infogan_chairs
from tfgan_info.networks import infogan_cr_dsprites
from tfgan_info.networks import infogan_dsprites
from tfgan_info.networks import infogan_mnist
from tfgan_info.networks import infogan_svhn
from tfgan_info.networks import mlp
from tfgan_info.networks import text
from tfgan_info.networks import unet_patchgan
from tfgan_info.networks.conditional import build_conditional_generator
from tfgan_info.networks.discriminator import Discriminator

ARCHITECTURES = {
    "dcgan": dcgan,
    "infogan_chairs": infogan_chairs,
    "infogan_cr_dsprites": infogan_cr_dsprites,
    "infogan_dsprites": infogan_dsprites,
    "infogan_mnist": infogan_mnist,
    "infogan_svhn": infogan_svhn,
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


def _with_width(module, architecture: str, width: int, *builders: str):
  """The builders of ``module`` named in ``builders``, with ``width`` bound when it is > 0.

  Raises:
    ValueError: if width > 0 and a builder has no ``width`` argument (a fixed-width
      architecture such as the InfoGAN paper's networks).
  """
  functions = [getattr(module, b) for b in builders]
  if not width:
    return functions
  if not all("width" in inspect.signature(f).parameters for f in functions):
    able = sorted(k for k, m in ARCHITECTURES.items()
                  if all(hasattr(m, b) and "width" in inspect.signature(getattr(m, b)).parameters
                         for b in builders))
    raise ValueError(f"Architecture {architecture!r} has fixed widths (--width={width} given): "
                     f"--width applies to {able}")
  return [functools.partial(f, width=width) for f in functions]


def _policy(name: str):
  """A block that builds layers under the dtype policy ``name`` (`precision.policy_scope`),
  or under the current one where ``name`` is empty."""
  return precision.policy_scope(name) if name else contextlib.nullcontext()


def build_gan_networks(architecture: str, input_dim: int, image_shape, q_dim=0,
                       num_classes: int = 0, width: int = 0, generator_policy: str = "",
                       discriminator_policy: str = "", discriminator_options=None):
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
    width: > 0: the filters of D's first and G's last hidden layer, each other layer scaled
      with it (architectures whose builders take ``width``: dcgan, infogan_cr_dsprites); 0:
      the architecture's own.
    generator_policy: a dtype policy for G alone (e.g. "float32" while D is built under
      mixed_bfloat16: --float32_network); "": the current one.
    discriminator_policy: the same for D, body and heads.
    discriminator_options: further keyword arguments of the architecture's
      build_discriminator (e.g. {"normalize": False}: dcgan's D without batch norm).

  Raises:
    ValueError: if the architecture is unknown, does not fit the image shape, has fixed
      widths and ``width`` > 0, or its D takes no such option.
  """
  if architecture not in ARCHITECTURES:
    raise ValueError(
        f"Unknown architecture {architecture!r}: use one of {sorted(ARCHITECTURES)}")
  module = _module_with(architecture, "build_generator",
                        "has no generator from noise (it translates images)")
  build_generator, build_discriminator = _with_width(
      module, architecture, width, "build_generator", "build_discriminator")
  with _policy(generator_policy):
    if num_classes:
      generator = build_conditional_generator(build_generator, input_dim, num_classes,
                                              image_shape)
    else:
      generator = build_generator(input_dim, image_shape)
  options = dict(discriminator_options or {})
  unknown = set(options) - set(inspect.signature(module.build_discriminator).parameters)
  if unknown:
    raise ValueError(f"Architecture {architecture!r}'s discriminator takes no option "
                     f"{sorted(unknown)}")
  with _policy(discriminator_policy):
    discriminator = build_discriminator(image_shape, q_dim, num_classes, **options)
  return generator, discriminator


def build_text_gan_networks(architecture: str, noise_dim: int, text_dim: int, image_shape,
                            width: int = 0, generator_policy: str = "",
                            discriminator_policy: str = ""):
  """Builds a text-conditional (generator, discriminator) of a named architecture
  (`networks.text`).

  Args:
    architecture: a key of ARCHITECTURES with a generator from noise.
    noise_dim: width of z; G's input is [batch, noise_dim + text_dim].
    text_dim: E, the caption vectors' width.
    image_shape, width, generator_policy, discriminator_policy: as `build_gan_networks`.

  Returns:
    (G: [batch, noise_dim + text_dim] -> images, `Discriminator` D(x, t) projecting a caption
    vector [batch, text_dim] on its body's features).

  Raises:
    ValueError: as `build_gan_networks`.
  """
  module = _module_with(architecture, "build_generator",
                        "has no generator from noise (it translates images)")
  build_generator, build_discriminator = _with_width(
      module, architecture, width, "build_generator", "build_discriminator")
  with _policy(generator_policy):
    generator = text.build_text_conditional_generator(build_generator, noise_dim, text_dim,
                                                      image_shape)
  with _policy(discriminator_policy):
    plain = build_discriminator(image_shape, 0, 0)
    projection = text.build_condition_projection(text_dim, plain.body.output_shape[-1])
    discriminator = Discriminator(plain.body, plain.d_head, None, projection,
                                  name="discriminator")
  return generator, discriminator


def build_text_encoders(architecture: str, vocabulary_size: int, text_dim: int,
                        max_tokens: int, image_shape, width: int = 0):
  """Builds the joint embedding pair: (caption encoder `text.build_text_encoder`, image
  encoder: the architecture's ``build_encoder`` onto the unit sphere of R^text_dim).

  Raises:
    ValueError: if the architecture has no encoder or does not fit the image shape.
  """
  module = _module_with(architecture, "build_encoder", "has no image encoder")
  (build_encoder,) = _with_width(module, architecture, width, "build_encoder")
  return (text.build_text_encoder(vocabulary_size, text_dim, max_tokens),
          build_encoder(tuple(image_shape), text_dim, name="image_encoder"))


def build_age_networks(architecture: str, latent_dim: int, image_shape, width: int = 0):
  """Builds AGE's (generator g, encoder e) of a named architecture.

  Args:
    architecture: a key of ARCHITECTURES whose module has an encoder ("dcgan").
    latent_dim: M, the latent sphere S^(M-1) lives in R^M.
    image_shape: (H, W, C) of the data.
    width: > 0: the filters of e's first and g's last hidden layer (as `build_gan_networks`);
      0: the architecture's own.

  Raises:
    ValueError: if the architecture has no encoder or does not fit the image shape.
  """
  module = _module_with(architecture, "build_encoder", "has no encoder for AGE")
  build_generator, build_encoder = _with_width(module, architecture, width, "build_generator",
                                               "build_encoder")
  return build_generator(latent_dim, image_shape), build_encoder(image_shape, latent_dim)


def build_translation_networks(architecture: str, input_shape, output_shape=None,
                               width: int = 0, generator_policy: str = "",
                               discriminator_policy: str = ""):
  """Builds an image-to-image pair (generator G: x -> G(x), discriminator D(x, y) -> patch
  logits) of a named architecture.

  Args:
    architecture: a key of ARCHITECTURES whose module translates images ("unet_patchgan").
    input_shape: (H, W, C_x) of the inputs x.
    output_shape: (H, W, C_y) of the outputs and targets y (None: input_shape).
    width: > 0: the filters of the first layer of G and of D; 0: the architecture's own (64).
    generator_policy, discriminator_policy: a dtype policy for G or D alone (as in
      `build_gan_networks`).

  Raises:
    ValueError: if the architecture does not translate images or does not fit the shapes.
  """
  module = _module_with(architecture, "build_translator", "does not translate images")
  build_translator, build_patch_discriminator = _with_width(
      module, architecture, width, "build_translator", "build_patch_discriminator")
  output_shape = tuple(output_shape or input_shape)
  with _policy(generator_policy):
    generator = build_translator(tuple(input_shape), output_shape[-1])
  with _policy(discriminator_policy):
    discriminator = build_patch_discriminator(tuple(input_shape), output_shape)
  return generator, discriminator


def build_pair_classifier(architecture: str, image_shape, num_codes: int, width: int = 0):
  """Builds InfoGAN-CR's H: image pairs [batch, H, W, 2 C] -> logits [batch, num_codes].

  Args:
    architecture: a key of ARCHITECTURES whose module has a pair classifier
      ("infogan_cr_dsprites").
    image_shape: (H, W, C) of one image.
    num_codes: the number of codes H tells apart.
    width: > 0: the filters of H's first layer; 0: the architecture's own.

  Raises:
    ValueError: if the architecture has no pair classifier or does not fit the shape.
  """
  module = _module_with(architecture, "build_pair_classifier",
                        "has no pair classifier for InfoGAN-CR")
  (build,) = _with_width(module, architecture, width, "build_pair_classifier")
  return build(tuple(image_shape), num_codes)
