"""AGE: Adversarial Generator-Encoder networks (Ulyanov, Vedaldi and Lempitsky 2017).

A generator g and an encoder e play against each other, with no discriminator. Codes live on
the unit sphere S^(M-1): prior samples z are normalised Gaussian vectors and e ends with an L2
normalisation. Delta(. || N) is the KL divergence between the diagonal Gaussian fitted to a
batch of codes and N(0, I) (`losses.batch_gaussian_kl`). The game (Eq. 7-10):

  V(g, e) = Delta(e(g(Z)) || N) - Delta(e(X) || N)
  e step:  max_e  V - mu L_X,       L_X = E ||x - g(e(x))||      (L1 by default)
  g step:  min_g  V + lambda L_Z,   L_Z = E ||z - e(g(z))||^2    (Delta(e(X)) does not depend
                                                                  on g)

One train_step is one e step followed by ``generator_steps`` g steps (the official code: 2),
each g step with fresh z.

Train as served. g has batch norm and meets two input distributions: prior samples z (the g
steps) and encoder codes e(x) (L_X). In training mode each batch is normalised with its own
statistics, but a served g uses moving averages that mostly come from prior samples, so a
g(e(x)) computed in training mode is not what `reconstruct` returns (measured on MNIST,
docs/results.md#age-on-mnist-and-fashion-mnist: the classifier kept the label of 96% of
training-mode reconstructions and 38% of served ones).
The e step therefore runs g in inference mode for L_X: e learns to reconstruct through the g
that is served, and g's statistics come from prior samples only.

Scale of Delta. The official code averages its per-dimension KL terms over the M dimensions,
and the paper's weights (lambda = 1000, mu = 10) were tuned against that scale, so Delta here
is the textbook KL divided by M (the KL itself, M times larger, swamps L_Z on MNIST: e(g(z))
stays unrelated to z; docs/results.md#age-on-mnist-and-fashion-mnist).

Scale of L_Z. The official default (``--match_z cos``) is 2 - mean_j z_j e(g(z))_j = 2 -
cos / M, ``latent_loss="mean_cos"`` (the default here, and configs/age_mnist.cfg's); the mean
squared distance ``latent_loss="l2"`` is (2 - 2 cos) / M on unit vectors, twice its
gradient, so lambda = 1000 with "l2" weighs L_Z as lambda = 2000 there. On MNIST at 6000
steps (seed 0 each, docs/results.md#age-on-mnist-and-fashion-mnist) "mean_cos" gave
classifier-FID 17.4 against 24.5 and kept the identity of 88.6% of reconstructed digits
against 87.4%.
"""

import dataclasses
from typing import Tuple

import tensorflow as tf

from tfgan_info import data as data_lib
from tfgan_info import distribute
from tfgan_info import grids
from tfgan_info import latents as latents_lib
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info import params as P
from tfgan_info import signatures as sig
from tfgan_info.models import registry
from tfgan_info.models.base import TwoPlayerModel
from tfgan_info.networks import normalization


@dataclasses.dataclass(frozen=True)
class AGEParams:
  generator_steps: int = P.field(2, "g steps per e step.", lower=1)
  lambda_z: float = P.field(
      1000.0, "lambda, weight of the latent reconstruction L_Z(z, e(g(z))) in the g step.",
      lower=0.0)
  mu_x: float = P.field(
      10.0, "mu, weight of the image reconstruction ||x - g(e(x))|| in the e step.", lower=0.0)
  image_loss: str = P.field("l1", "Norm of the image reconstruction.",
                            choices=losses.IMAGE_RECONSTRUCTION_LOSSES)
  latent_loss: str = P.field(
      "mean_cos", "Distance of the latent reconstruction: 'mean_cos' (the official --match_z "
      "cos), 'l2' (mean squared, twice its gradient) or 'cosine' (M times it); see "
      "losses.latent_reconstruction_loss.",
      choices=losses.LATENT_RECONSTRUCTION_LOSSES)


@registry.register("age", AGEParams)
class AGE(TwoPlayerModel):
  """Generator g and encoder e trained with the AGE game.

  Args:
    generator: keras.Model, codes [batch, M] -> images [batch, H, W, C].
    encoder: keras.Model, images -> codes [batch, M] of unit norm.
    latent_spec: `latents.LatentSpec` with no codes, noise_dim M and noise "sphere".
    generator_steps: g steps per e step (official code: 2).
    lambda_z: lambda, weight of L_Z in the g step (paper: 1000).
    mu_x: mu, weight of L_X in the e step (paper: 10).
    image_loss: "l1" or "l2", the norm of L_X.
    latent_loss: "mean_cos" (the official code's), "l2" or "cosine", the distance of L_Z
      (`losses.latent_reconstruction_loss` compares their scales).
    seed: seed of the model's `keras.random.SeedGenerator`.

  Raises:
    ValueError: for a latent spec with codes or without the sphere prior, or bad settings.
  """

  players = ("e", "g")
  summary_groups = {"e_loss": "loss", "g_loss": "loss", "kl_real": "divergence",
                    "kl_fake": "divergence", "recon_x": "reconstruction",
                    "recon_z": "reconstruction"}

  def __init__(self, generator, encoder, latent_spec: latents_lib.LatentSpec,
               generator_steps: int = 2, lambda_z: float = 1000.0, mu_x: float = 10.0,
               image_loss: str = "l1", latent_loss: str = "mean_cos", seed: int = 0, **kwargs):
    if latent_spec.codes or latent_spec.noise != "sphere":
      raise ValueError("AGE's latent is z on the unit sphere and nothing else: set --codes= "
                       f"(empty) and --noise=sphere, got codes {latent_spec.to_spec()!r} and "
                       f"noise {latent_spec.noise!r}")
    if generator_steps < 1:
      raise ValueError(f"generator_steps must be >= 1, got {generator_steps}")
    if image_loss not in losses.IMAGE_RECONSTRUCTION_LOSSES:
      raise ValueError(f"Unknown image loss {image_loss!r}: use one of "
                       f"{losses.IMAGE_RECONSTRUCTION_LOSSES}")
    if latent_loss not in losses.LATENT_RECONSTRUCTION_LOSSES:
      raise ValueError(f"Unknown latent loss {latent_loss!r}: use one of "
                       f"{losses.LATENT_RECONSTRUCTION_LOSSES}")
    super().__init__(latent_spec, seed=seed, **kwargs)
    self.generator = generator
    self.encoder = encoder
    self.build()
    self.generator_steps = int(generator_steps)
    self.lambda_z = float(lambda_z)
    self.mu_x = float(mu_x)
    self.image_loss = image_loss
    self.latent_loss = latent_loss

  # -- the registration's interface ---------------------------------------------------------
  grid_real_images = 40  # the "reconstructions" grid: 40 test images and their g(e(x))

  @classmethod
  def from_config(cls, config):
    if config.runtime.float32_network != "none":
      raise ValueError("AGE's networks share one policy: --float32_network does not apply")
    spec = latents_lib.LatentSpec.from_config(config.model)
    generator, encoder = networks.build_age_networks(
        config.model.architecture, spec.noise_dim, data_lib.image_shape_of(config.data),
        width=config.model.width)
    return cls(generator, encoder, spec, seed=config.runtime.seed,
               **dataclasses.asdict(config.params))

  def image_grids(self, seed=0, real_images=None):
    """"samples", and "reconstructions" of ``real_images``: pairs of columns, a real image x
    next to g(e(x))."""
    out = super().image_grids(seed)
    if real_images is not None:
      out["reconstructions"] = grids.reconstruction_grid(self.reconstruct, real_images)
    return out

  def serving_networks(self):
    if not self.built:  # ExportArchive tracks built models only: call it once.
      self(tf.ones([1, self.latent_spec.noise_dim]))
    if not self.encoder.built:
      self.encode(tf.zeros((1,) + self.image_shape))
    return [self.generator, self.encoder]

  def generator_statistics(self):
    """g's batch-norm layers, run in training mode on prior draws (see the base class)."""
    return (normalization.batch_norm_layers(self.generator),
            lambda latents: self.generate(*latents, training=True))

  def serving_signatures(self):
    """generate (noise: z, projected onto the sphere), encode, reconstruct, sample."""
    spec = self.latent_spec

    @tf.function(input_signature=[
        tf.TensorSpec([None, spec.noise_dim], tf.float32, name="noise")])
    def generate(noise):
      return {"images": self.generate(sig.checked("generate", noise=noise)["noise"],
                                      training=False)}

    @tf.function(input_signature=sig.count_and_seed_specs())
    def sample(count, seed):
      count, seed = sig.checked_count("sample", count, seed)
      noise, _ = spec.sample(count, sig.stateless_seed(seed))
      return {"images": self.generate(noise, training=False), "noise": noise}
    return {"generate": generate,
            **sig.encoder_signatures(self.encode, self.reconstruct, self.image_shape),
            "sample": sample}

  def tracked_names(self) -> Tuple[str, ...]:
    return ("e_loss", "g_loss", "kl_real", "kl_fake", "recon_x", "recon_z")

  def player_variables(self, player):
    model = self.encoder if player == "e" else self.generator
    return model.trainable_variables

  # -- the three maps ----------------------------------------------------------------------
  def call(self, latent, training=False):
    return self.generate(latent, training=training)

  def generate(self, noise, codes=None, training=False):
    """Images g(z) [batch, H, W, C] for z [batch, M], projected onto the unit sphere first.

    ``codes`` (AGE has none: [batch, 0] or None) is accepted so that AGE fits the interface
    of the other models' grids and samplers.
    """
    del codes
    return self.generator(tf.math.l2_normalize(noise, axis=-1), training=training)

  def encode(self, images, training=False):
    """Codes e(x) [batch, M] of unit norm for images [batch, H, W, C] in [-1, 1]."""
    return self.encoder(images, training=training)

  def reconstruct(self, images, training=False):
    """g(e(x)) [batch, H, W, C]."""
    return self.generator(self.encode(images, training=training), training=training)

  # -- the game ----------------------------------------------------------------------------
  def divergence(self, codes):
    """Delta(codes || N(0, I)) of the GLOBAL batch: moments all-reduced across replicas.

    Args:
      codes: [batch, M] this replica's codes.

    Returns:
      Scalar float32, `losses.batch_gaussian_kl` of the global batch divided by M (the
      official code's scale; module docstring).
    """
    scale = 1.0 / self.latent_spec.noise_dim
    mean, var = distribute.global_batch_moments(tf.cast(codes, tf.float32))
    return scale * losses.gaussian_kl_to_standard_normal(
        mean, tf.sqrt(var + losses.KL_VARIANCE_EPS))

  def encoder_terms(self, images, z):
    """The e step: minimise Delta(e(X)) - Delta(e(g(Z))) + mu L_X (i.e. maximise V - mu L_X).

    Args:
      images: [batch, H, W, C] real images.
      z: [batch, M] prior samples.

    Returns:
      (per-example mu L_X [batch], the divergence part (scalar), report).
    """
    fake = tf.stop_gradient(self.generate(z, training=True))
    real_codes = self.encode(images, training=True)
    fake_codes = self.encode(fake, training=True)
    kl_real, kl_fake = self.divergence(real_codes), self.divergence(fake_codes)
    # g in inference mode, as `reconstruct` serves it (see the module docstring).
    recon_x = losses.image_reconstruction_loss(
        images, self.generator(real_codes, training=False), self.image_loss)
    batch = tf.shape(recon_x)
    report = {"e_loss": tf.fill(batch, kl_real - kl_fake) + self.mu_x * recon_x,
              "kl_real": tf.fill(batch, kl_real), "recon_x": recon_x}
    return self.mu_x * recon_x, kl_real - kl_fake, report

  def generator_terms(self, z):
    """The g step: minimise Delta(e(g(Z))) + lambda L_Z.

    Args:
      z: [batch, M] prior samples.

    Returns:
      (per-example lambda L_Z [batch], Delta(e(g(Z))) (scalar), report).
    """
    fake_codes = self.encode(self.generate(z, training=True), training=True)
    kl_fake = self.divergence(fake_codes)
    recon_z = losses.latent_reconstruction_loss(z, fake_codes, self.latent_loss)
    batch = tf.shape(recon_z)
    report = {"g_loss": tf.fill(batch, kl_fake) + self.lambda_z * recon_z,
              "kl_fake": tf.fill(batch, kl_fake), "recon_z": recon_z}
    return self.lambda_z * recon_z, kl_fake, report

  def train_step(self, data):
    """One e step, then ``generator_steps`` g steps, on a batch {"image": [batch, H, W, C]}."""
    images = data["image"]
    batch = tf.shape(images)[0]
    z, _ = self.sample_latents(batch)
    report = self.apply_step(lambda: self.encoder_terms(images, z), "e")
    for _ in range(self.generator_steps):
      z, _ = self.sample_latents(batch)
      report.update(self.apply_step(lambda z=z: self.generator_terms(z), "g"))
    return self.end_step(report, batch)

