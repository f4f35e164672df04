"""The GAN game on the shared base: one train_step skeleton for every GAN of the package.

An objective is an adversarial loss pair (`objective.Adversarial`) plus composable terms
(`objective.Term`). `GAN.train_step` runs ``discriminator_steps`` D steps, each on its own
real batch, then ``generator_steps`` G steps (Goodfellow et al. 2014, Alg. 1: k D steps per
G step); each step draws latents, generates a batch, runs D on it (and on the real batch
where the step needs it: `GAN.play`), and adds to the adversarial loss the terms that enter
that step. A model says what its game is through `adversarial_loss`, `objective_terms`,
what D is shown beside an image (`real_condition`, `fake_condition`) and the variables of
each player; it never copies the skeleton. A DCGAN is this model with convolutional networks
(Radford et al. 2015).
"""

import dataclasses
from typing import Dict, List

import tensorflow as tf

from tfgan_info import augment
from tfgan_info import data as data_lib
from tfgan_info import latents as latents_lib
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info import params as P
from tfgan_info import signatures as sig
from tfgan_info.models import base
from tfgan_info.models import objective
from tfgan_info.models import registry
from tfgan_info.models.base import TwoPlayerModel
from tfgan_info.networks import normalization


@dataclasses.dataclass(frozen=True)
class GANParams:
  """The parameters of a GAN (and, as the base of theirs, of every GAN of the package)."""
  generator_loss: str = P.field("non_saturating", "Generator objective.",
                                choices=lambda: sorted(losses.GENERATOR_LOSSES))
  reuse_fakes: bool = P.field(
      False, "The first G step reuses the last D step's generated batch and latents, from the "
      "same forward pass (as the PyTorch DCGAN example), instead of drawing its own; with one "
      "D and one G step, G runs forward once per train step.")
  augment_d: bool = P.field(
      False, "Differentiable random affine transforms (rotation, shear, scale, shift; "
      "tfgan_info/augment.py) of every image D sees, real and generated, in both steps (as "
      "DiffAugment, Zhao et al. 2020; beyond the papers).")
  generator_steps: int = P.field(
      1, "G steps per train step, each on a fresh generated batch.",
      lower=1)
  discriminator_steps: int = P.field(
      1, "D steps per train step, each on its own real batch and a fresh generated batch "
      "(Goodfellow et al. 2014, Alg. 1: k).", lower=1)


@registry.register("gan", GANParams)
class GAN(TwoPlayerModel):
  """Generator G and discriminator D trained with the GAN objective (DCGAN: with
  --architecture=dcgan).

  Args:
    generator: keras.Model, [batch, noise_dim + code_dim] -> images.
    discriminator: `networks.Discriminator`.
    latent_spec: `latents.LatentSpec` of G's input.
    generator_loss: "non_saturating" (default) or "minimax".
    reuse_fakes: the first G step scores the last D step's generated batch, from the same
      forward pass (`train_step`).
    augment_d: D sees randomly transformed images only (`d_view`).
    generator_steps: G steps per train step.
    discriminator_steps: D steps per train step, each on its own real batch
      (`batches_per_step`).
    seed: seed of the model's `keras.random.SeedGenerator`; all latent sampling uses it.
  """

  players = ("d", "g")
  summary_groups = {"d_loss": "loss", "g_loss": "loss", "d_real": "discriminator",
                    "d_fake": "discriminator"}

  def __init__(self, generator, discriminator, latent_spec: latents_lib.LatentSpec,
               generator_loss: str = "non_saturating", reuse_fakes: bool = False,
               augment_d: bool = False, generator_steps: int = 1,
               discriminator_steps: int = 1, seed: int = 0, **kwargs):
    if generator_loss not in losses.GENERATOR_LOSSES:
      raise ValueError(f"Unknown generator loss {generator_loss!r}: use one of "
                       f"{sorted(losses.GENERATOR_LOSSES)}")
    if generator_steps < 1 or discriminator_steps < 1:
      raise ValueError("generator_steps and discriminator_steps must be >= 1, got "
                       f"{generator_steps} and {discriminator_steps}")
    super().__init__(latent_spec, seed=seed, **kwargs)
    self.generator = generator
    self.discriminator = discriminator
    self.build()
    self.generator_loss = generator_loss
    self.reuse_fakes = bool(reuse_fakes)
    self.augment_d = bool(augment_d)
    self.generator_steps = int(generator_steps)
    self.discriminator_steps = int(discriminator_steps)

  # -- the registration's interface (docs/design.md, "Adding a model") -------------------
  @classmethod
  def network_options(cls, config, spec: latents_lib.LatentSpec) -> Dict[str, object]:
    """The keyword arguments of `networks.build_gan_networks` beyond the architecture and
    image shape: input_dim, G's input width (a model adds the options of its D).

    Raises:
      ValueError: if the latent spec does not fit the model.
    """
    del config
    return dict(input_dim=spec.noise_dim + spec.code_dim)

  @classmethod
  def model_kwargs(cls, config) -> Dict[str, object]:
    """The constructor's keyword arguments from ``config.params`` (default: all of them)."""
    return dataclasses.asdict(config.params)

  @classmethod
  def batches_per_step(cls, config) -> int:
    """``discriminator_steps`` (1 for a model whose parameters lack it): each D step takes
    its own real batch."""
    return getattr(config.params, "discriminator_steps", 1)

  @classmethod
  def from_config(cls, config):
    spec = latents_lib.LatentSpec.from_config(config.model)
    options = cls.network_options(config, spec)
    generator, discriminator = networks.build_gan_networks(
        config.model.architecture, image_shape=data_lib.image_shape_of(config.data),
        width=config.model.width, **base.network_policies(config), **options)
    return cls(generator, discriminator, spec, seed=config.runtime.seed,
               **cls.model_kwargs(config))

  def serving_networks(self):
    """G only: D's weights are not needed to generate."""
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

  def tracked_names(self):
    return ("d_loss", "g_loss", "d_real", "d_fake")

  def compile(self, d_optimizer, g_optimizer, *, jit_compile=True, **kwargs):
    """Sets the two optimizers; ``jit_compile`` is forwarded explicitly (docs/design.md,
    convention 2)."""
    super().compile(d_optimizer, g_optimizer, jit_compile=jit_compile, **kwargs)

  def player_variables(self, player):
    """The variables of ``player``'s step: its networks' (`discriminator_variables`,
    `generator_variables`; none for a further player), then those its terms train."""
    own = {"d": self.discriminator_variables, "g": self.generator_variables}.get(player)
    return objective.step_variables(own() if own else [], self.objective_terms(), player)

  def call(self, latent, training=False):
    """Images G(latent) for latent [batch, noise_dim + code_dim]."""
    return self.generator(latent, training=training)

  def generate(self, noise, codes, training=False):
    """Images [batch, H, W, C] from noise [batch, noise_dim] and codes [batch, code_dim]."""
    return self.generator(tf.concat([noise, codes], axis=-1), training=training)

  # -- the game a model states -----------------------------------------------------------
  def adversarial_loss(self) -> objective.Adversarial:
    """The adversarial pair: D's `losses.minimax_discriminator_loss` and G's
    ``generator_loss`` (Goodfellow et al. 2014, Eq. 1; the non-saturating G of Sec. 3)."""
    generator_loss = losses.GENERATOR_LOSSES[self.generator_loss]
    return objective.Adversarial(losses.minimax_discriminator_loss,
                                 lambda real, fake: generator_loss(fake))

  def objective_terms(self) -> List[objective.Term]:
    """The terms added to the adversarial losses (none for a plain GAN). Read when a step is
    traced, so a model may return other terms in another `training_phase`; the variables a
    term trains must be its step's from phase 0 on (`build_optimizers` builds each
    optimizer's slots once)."""
    return []

  def discriminator_variables(self):
    """D's own trainable variables (its network's ``d_variables``)."""
    return self.discriminator.d_variables

  def generator_variables(self):
    """G's own variables."""
    return self.generator.trainable_variables

  def discriminate(self, images, condition, training=False):
    """D's (logits [batch, 1], auxiliary output or None) for images and what D is shown
    beside them (`real_condition` / `fake_condition`; None for an unconditional D)."""
    return self.discriminator(images, condition, training=training)

  def step_latents(self, data):
    """(noise [batch, noise_dim], codes [batch, code_dim]) of a step's generated batch, whose
    real batch is ``data``: draws from the priors (`sample_latents`). A model whose G is
    conditioned on the real batch (its captions) takes the codes from ``data``."""
    return self.sample_latents(tf.shape(data["image"])[0])

  def real_condition(self, data):
    """What D is shown beside a real image of the batch ``data`` (None: nothing)."""
    del data
    return None

  def fake_condition(self, noise, codes):
    """What D is shown beside G(noise, codes) (None: nothing)."""
    del noise, codes
    return None

  def d_view(self, images):
    """What D is shown of images [batch, H, W, C] in a training step: the images, or with
    ``augment_d`` a random affine transform of each (`augment.affine_warp`, differentiable,
    so G's gradient passes through; parameters from the model's seed generator)."""
    if not self.augment_d:
      return images
    return augment.affine_warp(images, self.sample_global(augment.sample_affine,
                                                          tf.shape(images)[0]))

  # -- the skeleton ----------------------------------------------------------------------
  def play(self, data, step: str, noise, codes, fake) -> objective.Play:
    """D's passes of one step on the generated batch ``fake`` = G(noise, codes) and, in the
    D step (or when the adversarial G loss reads it), on the real batch. Real and fake
    batches go through D separately (Radford et al. 2015), so D's batch-norm statistics in
    the D step match those of the G step, which sees a fake-only batch."""
    play = objective.Play(step, data, noise, codes, fake)
    if step == "d" or self.adversarial_loss().generator_sees_real:
      play.real_logits, play.real_aux = self.discriminate(
          self.d_view(data["image"]), self.real_condition(data), training=True)
    play.fake_logits, play.fake_aux = self.discriminate(
        self.d_view(fake), self.fake_condition(noise, codes), training=True)
    return play

  def step_loss(self, play: objective.Play):
    """(per-example loss [batch], None, report) of a step: the adversarial loss of its
    player plus the terms that enter it (`objective.add_terms`)."""
    pair = self.adversarial_loss()
    if play.step == "d":
      loss = pair.discriminator(play.real_logits, play.fake_logits)
      report = {"d_loss": loss, "d_real": pair.score(play.real_logits)[:, 0],
                "d_fake": pair.score(play.fake_logits)[:, 0]}
    elif play.step == "g":
      loss = pair.generator(play.real_logits, play.fake_logits)
      report = {"g_loss": loss}
    else:
      loss, report = tf.zeros([play.batch]), {}
    loss, report = objective.add_terms(loss, report, self.objective_terms(), play)
    return loss, None, report

  def _step(self, data, step: str):
    """One update of ``step``'s player on a fresh generated batch."""
    noise, codes = self.step_latents(data)

    def loss_fn():
      fake = self.generate(noise, codes, training=True)
      return self.step_loss(self.play(data, step, noise, codes, fake))
    return self.apply_step(loss_fn, step)

  def _shared_pass_steps(self, data):
    """The D step and a G step on ONE generated batch (``reuse_fakes``).

    G runs forward once, under a tape that watches the G step's variables only; D's update
    sees the batch without G's gradient, then the G step scores the same batch with the
    updated D and back-propagates through the stored forward pass (the loop of the PyTorch
    DCGAN example: fake = G(z); D step on fake.detach(); G step on D(fake)).
    """
    noise, codes = self.step_latents(data)
    tape = tf.GradientTape(watch_accessed_variables=False)
    with tape:
      tape.watch([v.value for v in self.player_variables("g")])  # the tf.Variables
      fake = self.generate(noise, codes, training=True)
    detached = tf.stop_gradient(fake)
    report = self.apply_step(
        lambda: self.step_loss(self.play(data, "d", noise, codes, detached)), "d")
    report.update(self.apply_step(
        lambda: self.step_loss(self.play(data, "g", noise, codes, fake)), "g", tape=tape))
    return report

  def _further_step(self, data, player: str):
    """One update of a player beyond D and G: the sum of its terms (none: no update)."""
    if not objective.terms_of(self.objective_terms(), player):
      return {}
    return self.apply_step(lambda: self.step_loss(objective.Play(player, data)), player)

  def real_batches(self, data) -> List[Dict[str, tf.Tensor]]:
    """The ``discriminator_steps`` real batches of one train step: ``data`` itself, or its
    k batches stacked on axis 1 (`batches_per_step`)."""
    if self.discriminator_steps == 1:
      return [data]
    return [tf.nest.map_structure(lambda t, i=i: t[:, i], data)
            for i in range(self.discriminator_steps)]

  def train_step(self, data):
    """``discriminator_steps`` D steps, each on its own real batch, then the steps of any
    further player (`players` beyond d and g), then
    ``generator_steps`` G steps on the last real batch, each on a fresh generated batch
    (Goodfellow et al. 2014, Alg. 1); with ``reuse_fakes`` the last D step and the first G
    step share one (`_shared_pass_steps`). The report holds each player's last step."""
    batches = self.real_batches(data)
    report = {}
    for batch in batches[:-1]:
      report.update(self._step(batch, "d"))
    last = batches[-1]
    g_steps = self.generator_steps
    if self.reuse_fakes:
      report.update(self._shared_pass_steps(last))
      g_steps -= 1
    else:
      report.update(self._step(last, "d"))
    for player in self.players[2:]:
      report.update(self._further_step(last, player))
    for _ in range(g_steps):
      report.update(self._step(last, "g"))
    return self.end_step(report, tf.shape(last["image"])[0])
