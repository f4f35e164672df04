"""ALI / BiGAN: adversarially learned inference (Dumoulin et al. 2017; Donahue et al. 2017).

An encoder E maps images to latents while G maps latents to images, and D tells the joint
pairs apart: (x, E(x)) with x from the data, against (G(z), z) with z from the prior (Eq. 1
of both papers):

  min_{G, E} max_D  E_x[log D(x, E(x))] + E_z[log(1 - D(G(z), z))]

At the optimum the two joint distributions match, so E inverts G (BiGAN, Theorem 2). G and
E take one step together on the non-saturating form with the labels swapped, -log D(G(z), z)
- log(1 - D(x, E(x))) (`inverted_pair_loss`; ALI, Sec. 3, and the BiGAN code). E here is
deterministic (BiGAN's; ALI's deterministic variant): DCGAN's D body with a linear read-out
into the prior's space (`networks.dcgan.build_encoder`), D is `networks.joint`'s D(x, z).
The model serves AGE's endpoints (encode, reconstruct = G(E(x))), so `evaluate` scores its
reconstructions and linear probes beside AGE's.
"""

import dataclasses

import tensorflow as tf

from tfgan_info import data as data_lib
from tfgan_info import grids
from tfgan_info import latents as latents_lib
from tfgan_info import losses
from tfgan_info import signatures as sig
from tfgan_info.models import objective
from tfgan_info.models import registry
from tfgan_info.models.gan import GAN, GANParams
from tfgan_info.networks import dcgan
from tfgan_info.networks import joint


def inverted_pair_loss(real_logits, fake_logits):
  """The G + E loss -log D(G(z), z) - log(1 - D(x, E(x))) per example =
  softplus(-l_fake) + softplus(l_real): each side fools D into the other label.

  Args:
    real_logits: [batch, 1] D(x, E(x)); fake_logits: [batch, 1] D(G(z), z).

  Returns:
    [batch] float32, >= 0.
  """
  return (tf.nn.softplus(-tf.reshape(fake_logits, [-1]))
          + tf.nn.softplus(tf.reshape(real_logits, [-1])))


@dataclasses.dataclass(frozen=True)
class ALIParams(GANParams):
  pass


@registry.register("ali", ALIParams)
class ALI(GAN):
  """G, an encoder E and a joint discriminator D(x, z) (ALI / BiGAN).

  Args:
    generator: keras.Model z [batch, M] -> images.
    discriminator: `networks.joint.JointDiscriminator`.
    latent_spec: `latents.LatentSpec` with no codes (z alone, M = noise_dim).
    encoder: keras.Model images -> z [batch, M].
    Others: see `GAN` (generator_loss does not apply).

  Raises:
    ValueError: for a latent spec with codes, a missing encoder or another generator loss.
  """

  grid_real_images = 40  # the "reconstructions" grid
  summary_groups = dict(GAN.summary_groups)

  def __init__(self, generator, discriminator, latent_spec, encoder=None, **kwargs):
    if latent_spec.codes:
      raise ValueError("ALI's latent is z alone: set --codes= (empty), got "
                       f"{latent_spec.to_spec()!r}")
    if encoder is None:
      raise ValueError("ALI needs an encoder")
    if kwargs.get("generator_loss", "non_saturating") != "non_saturating":
      raise ValueError("ALI's G and E minimise the swapped-label loss: --generator_loss does "
                       "not apply")
    self.encoder = encoder  # before GAN.__init__ marks the model built
    super().__init__(generator, discriminator, latent_spec, **kwargs)

  @classmethod
  def from_config(cls, config):
    if config.model.architecture != "dcgan":
      raise ValueError("ALI's networks are DCGAN's: set --architecture=dcgan")
    if config.runtime.float32_network != "none":
      raise ValueError("ALI's networks share one policy: --float32_network does not apply")
    spec = latents_lib.LatentSpec.from_config(config.model)
    shape = data_lib.image_shape_of(config.data)
    width = config.model.width or 64
    m = spec.noise_dim
    return cls(dcgan.build_generator(m, shape, width=width),
               joint.build_joint_discriminator(shape, m, width=width), spec,
               encoder=dcgan.build_encoder(shape, m, width=width, unit_norm=False),
               seed=config.runtime.seed, **cls.model_kwargs(config))

  def serving_networks(self):
    """G and E."""
    if not self.encoder.built:
      self.encode(tf.zeros((1,) + self.image_shape))
    return [self.generator, self.encoder]

  def serving_signatures(self):
    """GAN's (generate, sample), and encode: images -> {"codes": E(x)}, reconstruct: images
    -> {"images": G(E(x))}."""
    return dict(super().serving_signatures(),
                **sig.encoder_signatures(self.encode, self.reconstruct, self.image_shape))

  def image_grids(self, seed=0, real_images=None):
    """GAN's, and "reconstructions": pairs of columns, a real image x next to G(E(x))."""
    out = super().image_grids(seed)
    if real_images is not None:
      out["reconstructions"] = grids.reconstruction_grid(self.reconstruct, real_images)
    return out

  def encode(self, images, training=False):
    """E(x) [batch, M] for images [batch, H, W, C] in [-1, 1]."""
    return self.encoder(images, training=training)

  def reconstruct(self, images, training=False):
    """G(E(x)) [batch, H, W, C]."""
    return self.generator(self.encode(images, training=training), training=training)

  # -- the game ----------------------------------------------------------------------------
  def adversarial_loss(self):
    """D's `losses.minimax_discriminator_loss` on (x, E(x)) against (G(z), z), and G + E's
    `inverted_pair_loss`, which reads both."""
    return objective.Adversarial(losses.minimax_discriminator_loss, inverted_pair_loss,
                                 generator_sees_real=True)

  def generator_variables(self):
    """G's and E's: they play one side together."""
    return self.generator.trainable_variables + self.encoder.trainable_variables

  def real_condition(self, data):
    """E(x) of the real batch (in training mode)."""
    return self.encode(data["image"], training=True)

  def fake_condition(self, noise, codes):
    """z, the latent G(z) was made from."""
    return tf.concat([noise, codes], axis=-1)
