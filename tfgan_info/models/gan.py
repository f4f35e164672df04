"""The GAN game on the shared base: one train_step skeleton for every GAN of the package.

`GAN.train_step` runs the D step, then the G step (Goodfellow et al. 2014, Alg. 1 with k=1);
subclasses change what the steps compute through hooks (`discriminate`, `real_codes`,
`auxiliary_steps`,
`code_terms`, `real_terms`, `discriminator_terms`, `generator_terms`,
`discriminator_step_variables`, `generator_step_variables`) and never copy the skeleton. A
DCGAN is this model with convolutional networks (Radford et al. 2015).
"""

import dataclasses
import functools
from typing import Dict, Tuple

import tensorflow as tf

from tfgan_info import augment
from tfgan_info import data as data_lib
from tfgan_info import latents as latents_lib
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info import params as P
from tfgan_info import signatures as sig
from tfgan_info.models import base
from tfgan_info.models import registry
from tfgan_info.models.base import TwoPlayerModel
from tfgan_info.networks import normalization


@dataclasses.dataclass(frozen=True)
class GANParams:
  """The parameters of a GAN (and, as the base of theirs, of every GAN of the package)."""
  generator_loss: str = P.field("non_saturating", "Generator objective.",
                                choices=lambda: sorted(losses.GENERATOR_LOSSES))
  reuse_fakes: bool = P.field(
      False, "One generator forward pass per train step: the G step reuses the D step's "
      "generated batch and latents (as the PyTorch DCGAN example) instead of drawing its own; "
      "G's batch-norm statistics then move once per step.")
  augment_d: bool = P.field(
      False, "Differentiable random affine transforms (rotation, shear, scale, shift; "
      "tfgan_info/augment.py) of every image D sees, real and generated, in both steps (as "
      "DiffAugment, Zhao et al. 2020; beyond the papers). Q then recovers the codes from "
      "transformed fakes, so G cannot carry a code in a slant or a shift.")
  augment_scale: str = P.field(
      "independent", "How the random transforms (--augment_d, and the invariance term "
      "--lambda_iic of InfoGAN / ss-InfoGAN) scale the two image axes: 'independent' (width "
      "and height apart), 'isotropic' (one factor: the aspect ratio is kept, so D's body is "
      "not taught to ignore a digit's width) or 'none'.", choices=augment.SCALE_MODES,
      after_flat_layout=True)
  generator_steps: int = P.field(
      1, "G steps per D step, each on a fresh generated batch (InfoGAN-CR's code: 2).",
      lower=1, after_flat_layout=True)


@registry.register("gan", GANParams)
class GAN(TwoPlayerModel):
  """Generator G and discriminator D trained with the GAN objective (DCGAN: with
  --architecture=dcgan).

  Args:
    generator: keras.Model, [batch, noise_dim + code_dim] -> images.
    discriminator: `networks.Discriminator`.
    latent_spec: `latents.LatentSpec` of G's input.
    generator_loss: "non_saturating" (default) or "minimax".
    reuse_fakes: one generated batch per train_step for both steps (`_single_pass_step`).
    augment_d: D (and its Q head) sees randomly transformed images only (`d_view`).
    augment_scale: how `transformed` scales the two axes (`augment.SCALE_MODES`).
    generator_steps: G steps after each D step (Goodfellow et al. 2014, Alg. 1 has k D steps
      per G step; InfoGAN-CR's code runs 2 G steps per D step).
    seed: seed of the model's `keras.random.SeedGenerator`; all latent sampling uses it.
  """

  players = ("d", "g")
  # Weight of D's generated-data term (`losses.minimax_discriminator_loss`); a model with
  # further negatives may share the weight among them (`ConditionalGAN`, GAN-CLS).
  fake_loss_weight = 1.0
  summary_groups = {"d_loss": "loss", "g_loss": "loss", "d_real": "discriminator",
                    "d_fake": "discriminator"}

  def __init__(self, generator, discriminator, latent_spec: latents_lib.LatentSpec,
               generator_loss: str = "non_saturating", reuse_fakes: bool = False,
               augment_d: bool = False, augment_scale: str = "independent",
               generator_steps: int = 1, seed: int = 0, **kwargs):
    if generator_loss not in losses.GENERATOR_LOSSES:
      raise ValueError(f"Unknown generator loss {generator_loss!r}: use one of "
                       f"{sorted(losses.GENERATOR_LOSSES)}")
    if generator_steps < 1:
      raise ValueError(f"generator_steps must be >= 1, got {generator_steps}")
    if augment_scale not in augment.SCALE_MODES:
      raise ValueError(f"Unknown augment_scale {augment_scale!r}: use one of "
                       f"{augment.SCALE_MODES}")
    super().__init__(latent_spec, seed=seed, **kwargs)
    self.generator = generator
    self.discriminator = discriminator
    self.build()
    self.generator_loss_fn = losses.GENERATOR_LOSSES[generator_loss]
    self.reuse_fakes = bool(reuse_fakes)
    self.augment_d = bool(augment_d)
    self.augment_scale = augment_scale
    self.generator_steps = int(generator_steps)

  # -- the registration's interface (docs/design.md, "Adding a model") -------------------
  @classmethod
  def network_options(cls, config, spec: latents_lib.LatentSpec) -> Dict[str, object]:
    """The keyword arguments of `networks.build_gan_networks` beyond the architecture and
    image shape: input_dim (G's input width), q_dim (Q head width(s), 0: none) and
    num_classes (> 0: a conditional pair).

    Raises:
      ValueError: if the latent spec does not fit the model.
    """
    del config
    return dict(input_dim=spec.noise_dim + spec.code_dim, q_dim=0, num_classes=0)

  @classmethod
  def model_kwargs(cls, config) -> Dict[str, object]:
    """The constructor's keyword arguments from ``config.params`` (default: all of them)."""
    return dataclasses.asdict(config.params)

  @classmethod
  def from_config(cls, config):
    spec = latents_lib.LatentSpec.from_config(config.model)
    options = cls.network_options(config, spec)
    generator, discriminator = networks.build_gan_networks(
        config.model.architecture, image_shape=data_lib.IMAGE_SHAPES[config.data.dataset],
        width=config.model.width, **base.network_policies(config), **options)
    return cls(generator, discriminator, spec, seed=config.runtime.seed,
               **cls.model_kwargs(config))

  def serving_networks(self):
    """G only: D's weights are not needed to serve a plain or conditional GAN."""
    return [self.generator]

  def generator_statistics(self):
    """G's batch-norm layers, run in training mode on prior draws (see the base class)."""
    return (normalization.batch_norm_layers(self.generator),
            lambda latents: self.generate(*latents, training=True))

  def generate_signature(self):
    """``generate``: noise [N, noise_dim], codes [N, code_dim] -> {"images"}."""
    spec = self.latent_spec

    @tf.function(input_signature=[
        tf.TensorSpec([None, spec.noise_dim], tf.float32, name="noise"),
        tf.TensorSpec([None, spec.code_dim], tf.float32, name="codes")])
    def generate(noise, codes):
      inputs = sig.checked("generate", noise=noise, codes=codes)
      return {"images": self.generate(inputs["noise"], inputs["codes"], training=False)}
    return generate

  def sample_outputs(self, noise, codes) -> Dict[str, tf.Tensor]:
    """The outputs of ``sample`` for prior draws noise [N, noise_dim], codes [N, code_dim]."""
    return {"images": self.generate(noise, codes, training=False), "noise": noise,
            "codes": codes}

  def serving_signatures(self):
    spec = self.latent_spec

    @tf.function(input_signature=sig.count_and_seed_specs())
    def sample(count, seed):
      count, seed = sig.checked_count("sample", count, seed)
      noise, codes = spec.sample(count, sig.stateless_seed(seed))
      return self.sample_outputs(noise, codes)
    return {"generate": self.generate_signature(), "sample": sample}

  def tracked_names(self) -> Tuple[str, ...]:
    return ("d_loss", "g_loss", "d_real", "d_fake")

  def compile(self, d_optimizer, g_optimizer, *, jit_compile=True, **kwargs):
    """Sets the two optimizers; ``jit_compile`` is forwarded explicitly (docs/design.md,
    convention 2)."""
    super().compile(d_optimizer, g_optimizer, jit_compile=jit_compile, **kwargs)

  def player_variables(self, player):
    if player == "d":
      return self.discriminator_step_variables()
    return self.generator_step_variables()

  def call(self, latent, training=False):
    """Images G(latent) for latent [batch, noise_dim + code_dim]."""
    return self.generator(latent, training=training)

  def generate(self, noise, codes, training=False):
    """Images [batch, H, W, C] from noise [batch, noise_dim] and codes [batch, code_dim]."""
    return self.generator(tf.concat([noise, codes], axis=-1), training=training)

  # -- hooks -----------------------------------------------------------------------------
  q_in_discriminator_step = False  # whether code_terms also enter the D-step loss

  def discriminate(self, images, codes, training=False):
    """D's (logits [batch, 1], Q output or None) for images and the codes they were made with.

    An unconditional D ignores ``codes``; a conditional GAN passes its labels.
    """
    del codes
    return self.discriminator(images, training=training)

  def transformed(self, images):
    """A random affine transform of each of images [batch, H, W, C] (`augment.affine_warp`,
    differentiable; parameters from the model's seed generator, drawn for the global
    batch; the axes scaled as ``augment_scale`` says)."""
    params = self.sample_global(
        functools.partial(augment.sample_affine, scale=self.augment_scale),
        tf.shape(images)[0])
    return augment.affine_warp(images, params)

  def d_view(self, images):
    """What D is shown of images [batch, H, W, C] in a training step: the images, or with
    ``augment_d`` their `transformed` copies (so G's gradient passes through them)."""
    return self.transformed(images) if self.augment_d else images

  def auxiliary_steps(self, data) -> Dict[str, tf.Tensor]:
    """Updates of further players (beyond D and G) after the D step, and their report; none
    for a plain GAN (InfoGAN-CR trains its pair classifier here)."""
    del data
    return {}

  def real_codes(self, data):
    """The codes D pairs with real images (None: D sees no codes)."""
    del data
    return None

  def discriminator_step_variables(self):
    return self.discriminator.d_variables

  def generator_step_variables(self):
    return self.generator.trainable_variables

  def code_terms(self, codes, q_outputs) -> Tuple[tf.Tensor, Dict[str, tf.Tensor]]:
    """Per-example penalty [batch] on the codes and its report; none for a plain GAN."""
    del q_outputs
    return tf.zeros([tf.shape(codes)[0]]), {}

  def discriminator_code_terms(self, codes, q_outputs) -> Tuple[tf.Tensor, Dict[str, tf.Tensor]]:
    """The code penalty of the D step (when Q learns there): `code_terms`, unless a model
    keeps some code terms out of the D step's variables (they then train G only)."""
    return self.code_terms(codes, q_outputs)

  def real_terms(self, data, real_q) -> Tuple[tf.Tensor, Dict[str, tf.Tensor]]:
    """Per-example penalty [batch] on Q's output for the REAL batch, and its report.

    Called in the D step with the Q output D already computed on data["image"] (so no second
    pass through D's body), when Q learns in the D step; none for a plain GAN.

    Args:
      data: the training batch.
      real_q: [batch, q_dim] Q output on data["image"] (None when D has no Q head).
    """
    del real_q
    return tf.zeros([tf.shape(data["image"])[0]]), {}

  def discriminator_terms(self, data, codes, fake) -> Tuple[tf.Tensor, Dict[str, tf.Tensor]]:
    """Per-example D-step loss [batch] and the per-example terms to report.

    Args:
      data: the training batch {"image": [batch, H, W, C], ...}.
      codes: [batch, code_dim] the codes of the generated batch.
      fake: [batch, H, W, C] G(z, c), generated by the skeleton in training mode.
    """
    real = self.d_view(data["image"])
    # Real and fake batches go through D separately (Radford et al. 2015), so D's batch-norm
    # statistics in the D step match those of the G step, which sees a fake-only batch.
    real_logits, real_q = self.discriminate(real, self.real_codes(data), training=True)
    fake_logits, fake_q = self.discriminate(self.d_view(fake), codes, training=True)
    loss = losses.minimax_discriminator_loss(real_logits, fake_logits, self.fake_loss_weight)
    report = {"d_loss": loss, "d_real": tf.sigmoid(real_logits[:, 0]),
              "d_fake": tf.sigmoid(fake_logits[:, 0])}
    if self.q_in_discriminator_step:
      penalty, _ = self.discriminator_code_terms(codes, fake_q)
      real_penalty, real_report = self.real_terms(data, real_q)
      loss += penalty + real_penalty
      report.update(real_report)
    return loss, report

  def generator_terms(self, data, codes, fake) -> Tuple[tf.Tensor, Dict[str, tf.Tensor]]:
    """Per-example G-step loss [batch] and the per-example terms to report (arguments as
    `discriminator_terms`; ``fake`` carries G's gradient)."""
    del data
    logits, q = self.discriminate(self.d_view(fake), codes, training=True)
    adversarial = self.generator_loss_fn(logits)
    penalty, report = self.code_terms(codes, q)
    report["g_loss"] = adversarial
    return adversarial + penalty, report

  # -- the skeleton ----------------------------------------------------------------------
  def _step(self, data, terms_fn, player):
    batch = tf.shape(data["image"])[0]
    noise, codes = self.sample_latents(batch)

    def loss_fn():
      per_example, report = terms_fn(data, codes, self.generate(noise, codes, training=True))
      return per_example, None, report
    return self.apply_step(loss_fn, player)

  def _single_pass_step(self, data):
    """The D step and the G step on ONE generated batch (``reuse_fakes``).

    G runs forward once, under a tape that watches the G step's variables only; D's update
    sees the batch without G's gradient, then the G step scores the same batch with the
    updated D and back-propagates through the stored forward pass (the loop of the PyTorch
    DCGAN example: fake = G(z); D step on fake.detach(); G step on D(fake)).
    """
    noise, codes = self.sample_latents(tf.shape(data["image"])[0])
    with tf.GradientTape(watch_accessed_variables=False) as tape:
      tape.watch([v.value for v in self.player_variables("g")])  # the tf.Variables
      fake = self.generate(noise, codes, training=True)
      detached = tf.stop_gradient(fake)

      def d_loss_fn():
        per_example, d_report = self.discriminator_terms(data, codes, detached)
        return per_example, None, d_report
      report = self.apply_step(d_loss_fn, "d")
      per_example, g_report = self.generator_terms(data, codes, fake)
      loss = self.total_loss(per_example, None, "g")
    self.update_player(tape, loss, "g")
    report.update(g_report)
    return report

  def train_step(self, data):
    """One D step then ``generator_steps`` G steps on a batch {"image": [batch, H, W, C],
    ...}: each on its own generated batch (Goodfellow et al. 2014, Alg. 1), or with
    ``reuse_fakes`` the D step and the first G step on one (`_single_pass_step`). A
    model's `auxiliary_steps` run after the D step (after the first G step with
    ``reuse_fakes``). The G report is the last G step's."""
    if self.reuse_fakes:
      report = self._single_pass_step(data)
      report.update(self.auxiliary_steps(data))
    else:
      report = self._step(data, self.discriminator_terms, "d")
      report.update(self.auxiliary_steps(data))
      report.update(self._step(data, self.generator_terms, "g"))
    for _ in range(self.generator_steps - 1):
      report.update(self._step(data, self.generator_terms, "g"))
    return self.update_trackers(report)
