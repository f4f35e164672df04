"""pix2pix: image-to-image translation with conditional adversarial networks (Isola et al.
2017).

A generator G maps an input image x to an output G(x, z) (the noise z is G's dropout), and a
discriminator D scores pairs: the input with the real target y, or with G's output. The
objective (Eq. 1-4):

  L_cGAN(G, D) = E_{x,y}[log D(x, y)] + E_{x,z}[log(1 - D(x, G(x, z)))]
  L_L1(G)      = E_{x,y,z}[||y - G(x, z)||_1]
  G* = arg min_G max_D  lambda_gan L_cGAN(G, D) + lambda_l1 L_L1(G)

with lambda_l1 = 100 and lambda_gan = 1 as in the paper; lambda_gan = 0 is the paper's "L1
alone" baseline (Table 1): the same U-Net trained on L1 only (D still trains and reports how
well it tells the L1 outputs from real targets, but G never sees its gradient). G's
adversarial term is the non-saturating -log D(x, G(x, z)) (Sec. 3.3) and D is a PatchGAN
that scores each patch of its output grid (`losses.patch_discriminator_loss`); L_L1 is the
mean absolute error per pixel, the reference code's L1Loss (`losses.image_reconstruction_loss`).

One train_step is the reference code's: G runs forward once (in training mode: dropout on,
batch statistics); D takes one step on (x, y) and (x, G(x)) with D's loss halved ("we divide
the objective by 2 while optimizing D, which slows down the rate at which D learns relative to
G", Sec. 3.3); then G takes one step through the same forward pass, scored by the updated D.

The data are pairs {"input", "target", "label"} from a paired dataset (`data.paired`), split
by --direction; the served ``translate`` runs G in inference mode (no dropout, moving
batch-norm averages): a deterministic translation, where the paper keeps dropout and batch
statistics at test time.
"""

import dataclasses
from typing import Tuple

import numpy as np
import tensorflow as tf

from tfgan_info import grids
from tfgan_info import latents as latents_lib
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info import params as P
from tfgan_info import signatures as sig
from tfgan_info.data import paired
from tfgan_info.models import base
from tfgan_info.models import registry
from tfgan_info.models.base import TwoPlayerModel


@dataclasses.dataclass(frozen=True)
class Pix2PixParams:
  lambda_l1: float = P.field(100.0, "lambda, weight of G's L1 term ||y - G(x)||_1 (pix2pix, "
                             "Eq. 4).", lower=0.0)
  lambda_gan: float = P.field(
      1.0, "Weight of G's adversarial term -log D(x, G(x)); 0 trains G on L1 alone (the "
      "paper's L1 baseline).", lower=0.0)


@registry.register("pix2pix", Pix2PixParams)
class Pix2Pix(TwoPlayerModel):
  """Image-to-image translation: a U-Net G trained against a PatchGAN D on (input, output)
  pairs, with an L1 term (Isola et al. 2017).

  Args:
    generator: keras.Model, x [batch, H, W, C_x] -> G(x) [batch, H, W, C_y] in [-1, 1].
    discriminator: keras.Model, [x, y] -> patch logits [batch, h, w, 1].
    lambda_l1: weight of L_L1 in G's loss (paper: 100).
    lambda_gan: weight of the adversarial term in G's loss (1; 0: L1 only).
    direction: AtoB or BtoA, which image of a stored pair is the input (the data's
      --direction; kept for the image grids, which split stored pairs).
    seed: seed of the model's `keras.random.SeedGenerator` (pix2pix draws no latents: its
      noise is G's dropout, seeded by the layers).

  Raises:
    ValueError: for negative weights, both weights 0, or an unknown direction.
  """

  players = ("d", "g")
  summary_groups = {"d_loss": "loss", "g_loss": "loss", "g_gan": "generator",
                    "g_l1": "generator", "d_real": "discriminator", "d_fake": "discriminator"}
  default_signature = "translate"

  def __init__(self, generator, discriminator, lambda_l1: float = 100.0,
               lambda_gan: float = 1.0, direction: str = "AtoB", seed: int = 0, **kwargs):
    if lambda_l1 < 0 or lambda_gan < 0:
      raise ValueError(f"lambda_l1 and lambda_gan must be >= 0, got {lambda_l1}, {lambda_gan}")
    if not lambda_l1 and not lambda_gan:
      raise ValueError("lambda_l1 and lambda_gan are both 0: G would have no loss")
    paired.check_direction(direction)
    super().__init__(latents_lib.LatentSpec("", 0), seed=seed, **kwargs)
    self.generator = generator
    self.discriminator = discriminator
    self.build()
    self.lambda_l1 = float(lambda_l1)
    self.lambda_gan = float(lambda_gan)
    self.direction = direction

  # -- the registration's interface (docs/design.md, "Adding a model") -------------------
  @classmethod
  def from_config(cls, config):
    model_config, dataset = config.model, config.data.dataset
    if model_config.codes or model_config.noise_dim:
      raise ValueError("pix2pix has no latent input (its noise is G's dropout): set --codes= "
                       f"(empty) and --noise_dim=0, got --codes={model_config.codes} "
                       f"--noise_dim={model_config.noise_dim}")
    shape = paired.half_shape(dataset)
    generator, discriminator = networks.build_translation_networks(
        model_config.architecture, shape, shape, width=model_config.width,
        **base.network_policies(config))
    return cls(generator, discriminator, direction=config.data.direction,
               seed=config.runtime.seed, **dataclasses.asdict(config.params))

  @classmethod
  def train_batches(cls, ds, config):
    """{"input", "target", "label"} batches of the paired train split (`paired.train_pairs`:
    shuffled, and for a folder dataset jittered as in the paper)."""
    dc = config.data
    return paired.train_pairs(ds, dc.dataset, dc.direction, dc.batch_size,
                              seed=config.runtime.seed, cache=dc.cache,
                              shuffle_buffer=dc.shuffle_buffer)

  @property
  def grid_real_images(self) -> int:
    """Test pairs the "translations" grid shows: 10 rows of 3 at 28x28, 2 rows of 3 from
    128x128 up."""
    return 30 if self.image_shape[0] < 128 else 6

  def image_grids(self, seed=0, real_images=None):
    """"translations": triples of columns input x | G(x) | target y, for ``real_images``
    [n, H, 2W, C], the first test pairs as stored (A|B, split by the direction)."""
    del seed
    if real_images is None:
      return {}
    x, y = paired.split_pair(np.asarray(real_images, np.float32), self.direction)
    x, y = np.asarray(x), np.asarray(y)
    outputs = self.translate(x).numpy()
    return {"translations": grids.group_grid([x, outputs, y], groups_per_row=3)}

  def serving_networks(self):
    return [self.generator]

  def serving_signatures(self):
    """translate: images x [N, H, W, C_x] in [-1, 1] -> {"images": G(x) [N, H, W, C_y]}."""
    @tf.function(input_signature=[sig.images_spec(self.source_shape)])
    def translate(images):
      images = sig.checked("translate", images=images)["images"]
      return {"images": self.translate(images, training=False)}
    return {"translate": translate}

  def tracked_names(self) -> Tuple[str, ...]:
    return ("d_loss", "g_loss", "g_gan", "g_l1", "d_real", "d_fake")

  def player_variables(self, player):
    network = self.discriminator if player == "d" else self.generator
    return network.trainable_variables

  # -- the maps -----------------------------------------------------------------------------
  @property
  def source_shape(self) -> Tuple[int, int, int]:
    """(H, W, C_x) of G's inputs."""
    return tuple(self.generator.input_shape[1:])

  def call(self, images, training=False):
    return self.translate(images, training=training)

  def translate(self, images, training=False):
    """G(x) [batch, H, W, C_y] for images x [batch, H, W, C_x] in [-1, 1]."""
    return self.generator(tf.convert_to_tensor(images, tf.float32), training=training)

  def discriminate(self, inputs, images, training=False):
    """D's patch logits [batch, h, w, 1] for x [batch, H, W, C_x] paired with images y."""
    return self.discriminator([inputs, images], training=training)

  # -- the game ----------------------------------------------------------------------------
  def discriminator_terms(self, inputs, targets, outputs):
    """The D step: 1/2 [softplus(-D(x, y)) + softplus(D(x, G(x)))], mean over patches.

    Real and generated pairs go through D separately (as the reference code does), so D's
    batch-norm statistics are those of one kind of pair at a time.

    Args:
      inputs: x [batch, H, W, C_x]; targets: y; outputs: G(x) (no gradient to G).

    Returns:
      (per-example loss [batch], report).
    """
    real_logits = self.discriminate(inputs, targets, training=True)
    fake_logits = self.discriminate(inputs, outputs, training=True)
    loss = 0.5 * losses.patch_discriminator_loss(real_logits, fake_logits)
    batch = tf.shape(inputs)[0]
    report = {"d_loss": loss,
              "d_real": tf.reduce_mean(tf.reshape(tf.sigmoid(real_logits), [batch, -1]), -1),
              "d_fake": tf.reduce_mean(tf.reshape(tf.sigmoid(fake_logits), [batch, -1]), -1)}
    return loss, report

  def generator_terms(self, inputs, targets, outputs):
    """The G step: lambda_gan (-log D(x, G(x))) + lambda_l1 mean |y - G(x)| (Eq. 4).

    With lambda_gan = 0 D is not run (its term is reported as 0).

    Args:
      inputs: x; targets: y; outputs: G(x), carrying G's gradient.

    Returns:
      (per-example loss [batch], report).
    """
    l1 = losses.image_reconstruction_loss(targets, outputs, "l1")
    if self.lambda_gan:
      adversarial = losses.patch_generator_loss(
          self.discriminate(inputs, outputs, training=True))
    else:
      adversarial = tf.zeros_like(l1)
    loss = self.lambda_gan * adversarial + self.lambda_l1 * l1
    return loss, {"g_loss": loss, "g_gan": adversarial, "g_l1": l1}

  def train_step(self, data):
    """One D step and one G step on a batch {"input": x, "target": y, ...}, both on one
    forward pass of G (the reference code's backward_D, then backward_G). With lambda_gan
    = 0 (the L1-only baseline) G's loss does not involve D, so D is neither run nor
    trained, and its report (d_loss, d_real, d_fake) is 0."""
    inputs = tf.convert_to_tensor(data["input"], tf.float32)
    targets = tf.convert_to_tensor(data["target"], tf.float32)
    tape = tf.GradientTape(watch_accessed_variables=False)
    with tape:
      tape.watch([v.value for v in self.player_variables("g")])  # the tf.Variables
      outputs = self.generator(inputs, training=True)
    detached = tf.stop_gradient(outputs)

    def d_loss_fn():
      per_example, d_report = self.discriminator_terms(inputs, targets, detached)
      return per_example, None, d_report

    def g_loss_fn():
      per_example, g_report = self.generator_terms(inputs, targets, outputs)
      return per_example, None, g_report

    if self.lambda_gan:
      report = self.apply_step(d_loss_fn, "d")
    else:
      zeros = tf.zeros([tf.shape(inputs)[0]])
      report = {"d_loss": zeros, "d_real": zeros, "d_fake": zeros}
    report.update(self.apply_step(g_loss_fn, "g", tape=tape))
    return self.end_step(report, tf.shape(inputs)[0])
