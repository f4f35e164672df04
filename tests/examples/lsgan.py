"""The worked example of docs/design.md, "Adding a model": a least-squares GAN in one file.

LSGAN (Mao et al. 2017, Eq. 2): D regresses real images onto b and generated ones onto a;
G pushes D's output on its images towards c:

  min_D  1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2]
  min_G  1/2 E[(D(G(z)) - c)^2]

(a, b, c) = (0, 1, 1) by default. Everything the package needs is here: the parameters
(which become --real_target / --fake_target flags), the losses, and the model's adversarial
pair on `GAN`'s skeleton; `GAN` already builds the networks from a config, feeds it MNIST
batches, draws the image grids and exports generate / sample. Kept in tests/ (not
shipped): importing this module is its registration.
"""

import dataclasses

import tensorflow as tf

from tfgan_info import params
from tfgan_info.models import objective
from tfgan_info.models import registry
from tfgan_info.models.gan import GAN


@dataclasses.dataclass(frozen=True)
class LSGANParams:
  real_target: float = params.field(1.0, "b, D's target for real images (LSGAN, Eq. 2).")
  fake_target: float = params.field(0.0, "a, D's target for generated images; G aims at b.")


def least_squares_discriminator_loss(real_output, fake_output, real_target: float,
                                     fake_target: float) -> tf.Tensor:
  """1/2 (D(x) - b)^2 + 1/2 (D(G(z)) - a)^2 per example.

  Args:
    real_output, fake_output: [batch, 1] D's raw outputs on real and generated images.
    real_target, fake_target: b and a.

  Returns:
    [batch] float32.
  """
  real = tf.cast(real_output[:, 0], tf.float32)
  fake = tf.cast(fake_output[:, 0], tf.float32)
  return 0.5 * tf.square(real - real_target) + 0.5 * tf.square(fake - fake_target)


def least_squares_generator_loss(fake_output, target: float) -> tf.Tensor:
  """1/2 (D(G(z)) - c)^2 per example: [batch, 1] -> [batch]."""
  return 0.5 * tf.square(tf.cast(fake_output[:, 0], tf.float32) - target)


@registry.register("lsgan", LSGANParams)
class LSGAN(GAN):
  """Least-squares GAN (Mao et al. 2017): D a regressor onto targets instead of a classifier.

  Args:
    real_target, fake_target: b and a of Eq. 2 (G's target c is b).
    Others: see `GAN`.
  """

  def __init__(self, generator, discriminator, latent_spec, real_target: float = 1.0,
               fake_target: float = 0.0, **kwargs):
    self.real_target, self.fake_target = float(real_target), float(fake_target)
    super().__init__(generator, discriminator, latent_spec, **kwargs)

  def adversarial_loss(self):
    """Eq. 2's pair; d_real / d_fake report D's raw outputs."""
    return objective.Adversarial(
        lambda real, fake: least_squares_discriminator_loss(real, fake, self.real_target,
                                                            self.fake_target),
        lambda real, fake: least_squares_generator_loss(fake, self.real_target),
        score=tf.identity)
