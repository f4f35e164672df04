"""The shared base of every adversarial model: one train_step skeleton.

`GAN.train_step` runs the D step, then the G step (Goodfellow et al. 2014, Alg. 1 with k=1);
subclasses change what the steps compute through hooks (`discriminate`, `real_codes`,
`code_terms`, `real_terms`, `discriminator_terms`, `generator_terms`,
`discriminator_step_variables`, `generator_step_variables`) and never copy the skeleton. A DCGAN is this model with
convolutional networks (Radford et al. 2015).
"""

from typing import Dict, Tuple

import keras
import tensorflow as tf

from tfgan_info import latents as latents_lib
from tfgan_info import losses


def _replica_slice(global_tensor, per_replica_batch):
  """The rows of a global batch that belong to the current replica."""
  ctx = tf.distribute.get_replica_context()
  if ctx is None or ctx.num_replicas_in_sync == 1:
    return global_tensor
  start = tf.cast(ctx.replica_id_in_sync_group, tf.int32) * per_replica_batch
  return global_tensor[start:start + per_replica_batch]


class GAN(keras.Model):
  """Generator G and discriminator D trained with the GAN objective.

  Args:
    generator: keras.Model, [batch, noise_dim + code_dim] -> images.
    discriminator: `networks.Discriminator`.
    latent_spec: `latents.LatentSpec` of G's input.
    generator_loss: "non_saturating" (default) or "minimax".
    seed: seed of the model's `keras.random.SeedGenerator`; all latent sampling uses it.
  """

  def __init__(self, generator, discriminator, latent_spec: latents_lib.LatentSpec,
               generator_loss: str = "non_saturating", seed: int = 0, **kwargs):
    super().__init__(**kwargs)
    if generator_loss not in losses.GENERATOR_LOSSES:
      raise ValueError(f"Unknown generator loss {generator_loss!r}: use one of "
                       f"{sorted(losses.GENERATOR_LOSSES)}")
    self.generator = generator
    self.discriminator = discriminator
    self.latent_spec = latent_spec
    self.generator_loss_fn = losses.GENERATOR_LOSSES[generator_loss]
    self.seed_generator = keras.random.SeedGenerator(seed, name="latent_seed")
    self.trackers = {name: keras.metrics.Mean(name=name) for name in self.tracked_names()}

  def tracked_names(self) -> Tuple[str, ...]:
    """Names of the scalars train_step reports (one `keras.metrics.Mean` each)."""
    return ("d_loss", "g_loss", "d_real", "d_fake")

  @property
  def metrics(self):
    return list(self.trackers.values())

  def compile(self, d_optimizer, g_optimizer, *, jit_compile=True, **kwargs):
    """Sets the two optimizers; ``jit_compile`` is forwarded explicitly (see STYLE.md)."""
    super().compile(jit_compile=jit_compile, **kwargs)
    self.d_optimizer = d_optimizer
    self.g_optimizer = g_optimizer

  def build_optimizers(self):
    """Creates optimizer slots (call inside the strategy scope before `fit`)."""
    self.d_optimizer.build(self.discriminator_step_variables())
    self.g_optimizer.build(self.generator_step_variables())

  # -- generator inputs ------------------------------------------------------------------
  def sample_global(self, sample_fn, batch_size):
    """This replica's ``batch_size`` rows of sample_fn(global batch, seed) (a nest of tensors).

    Every replica draws the same global batch from the model's seed generator and keeps its
    own rows, so a step under MirroredStrategy sees the same random values as on one device.
    """
    ctx = tf.distribute.get_replica_context()
    replicas = 1 if ctx is None else ctx.num_replicas_in_sync
    values = sample_fn(batch_size * replicas, self.seed_generator.next())
    return tf.nest.map_structure(lambda t: _replica_slice(t, batch_size), values)

  def sample_latents(self, batch_size) -> Tuple[tf.Tensor, tf.Tensor]:
    """(noise [batch, noise_dim], codes [batch, code_dim]) for this replica, from the priors."""
    return self.sample_global(self.latent_spec.sample, batch_size)

  def call(self, latent, training=False):
    """Images G(latent) for latent [batch, noise_dim + code_dim]."""
    return self.generator(latent, training=training)

  def generate(self, noise, codes, training=False):
    """Images [batch, H, W, C] from noise [batch, noise_dim] and codes [batch, code_dim]."""
    return self.generator(tf.concat([noise, codes], axis=-1), training=training)

  # -- hooks -----------------------------------------------------------------------------
  q_in_discriminator_step = False  # whether code_terms also enter the D-step loss
  conditional = False  # whether G and D take labels (the codes of a conditional GAN)

  def discriminate(self, images, codes, training=False):
    """D's (logits [batch, 1], Q output or None) for images and the codes they were made with.

    An unconditional D ignores ``codes``; a conditional GAN passes its labels.
    """
    del codes
    return self.discriminator(images, training=training)

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

  def discriminator_terms(self, data, noise, codes) -> Tuple[tf.Tensor, Dict[str, tf.Tensor]]:
    """Per-example D-step loss [batch] and the per-example terms to report."""
    real = data["image"]
    fake = self.generate(noise, codes, training=True)
    # Real and fake batches go through D separately (Radford et al. 2015), so D's batch-norm
    # statistics in the D step match those of the G step, which sees a fake-only batch.
    real_logits, real_q = self.discriminate(real, self.real_codes(data), training=True)
    fake_logits, fake_q = self.discriminate(fake, codes, training=True)
    loss = losses.minimax_discriminator_loss(real_logits, fake_logits)
    report = {"d_loss": loss, "d_real": tf.sigmoid(real_logits[:, 0]),
              "d_fake": tf.sigmoid(fake_logits[:, 0])}
    if self.q_in_discriminator_step:
      penalty, _ = self.code_terms(codes, fake_q)
      real_penalty, real_report = self.real_terms(data, real_q)
      loss += penalty + real_penalty
      report.update(real_report)
    return loss, report

  def generator_terms(self, data, noise, codes) -> Tuple[tf.Tensor, Dict[str, tf.Tensor]]:
    """Per-example G-step loss [batch] and the per-example terms to report."""
    del data
    fake = self.generate(noise, codes, training=True)
    logits, q = self.discriminate(fake, codes, training=True)
    adversarial = self.generator_loss_fn(logits)
    penalty, report = self.code_terms(codes, q)
    report["g_loss"] = adversarial
    return adversarial + penalty, report

  # -- the skeleton ----------------------------------------------------------------------
  def _step(self, data, terms_fn, variables, optimizer):
    batch = tf.shape(data["image"])[0]
    noise, codes = self.sample_latents(batch)
    with tf.GradientTape() as tape:
      per_example, report = terms_fn(data, noise, codes)
      loss = tf.nn.compute_average_loss(per_example)
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(grads, variables))
    return report

  def train_step(self, data):
    """One D step then one G step on a batch {"image": [batch, H, W, C], ...}."""
    report = self._step(data, self.discriminator_terms,
                        self.discriminator_step_variables(), self.d_optimizer)
    report.update(self._step(data, self.generator_terms,
                             self.generator_step_variables(), self.g_optimizer))
    for name, tracker in self.trackers.items():
      tracker.update_state(report[name])
    return {name: tracker.result() for name, tracker in self.trackers.items()}
