"""WGAN-GP: the Wasserstein GAN with a gradient penalty (Gulrajani et al. 2017).

A critic D (no sigmoid, no batch norm: the penalty is per example) estimates the Wasserstein-1
distance between the data and G's distribution; G minimises it (Alg. 1):

  L_D = E[D(G(z))] - E[D(x)] + lambda E[(||grad_x_hat D(x_hat)||_2 - 1)^2],
        x_hat = eps x + (1 - eps) G(z),  eps ~ U[0, 1] per example
  L_G = -E[D(G(z))]

with lambda = 10, n_critic = 5 critic steps per G step, each on its own real batch, and Adam
(lr 1e-4, beta_1 0, beta_2 0.9) for both (the paper's defaults; configs/wgan_gp_mnist.cfg).
The adversarial pair and the penalty are pure functions of tensors below; the model states
them as its objective (`objective.Adversarial`, `objective.Term`) on the GAN skeleton, whose
``discriminator_steps`` runs the critic steps.
"""

import dataclasses

import tensorflow as tf

from tfgan_info import params as P
from tfgan_info.models import objective
from tfgan_info.models import registry
from tfgan_info.models.gan import GAN, GANParams
from tfgan_info.networks import normalization


def critic_loss(real_scores, fake_scores):
  """The critic's adversarial loss D(G(z)) - D(x) per example (Alg. 1, line 7 without the
  penalty).

  Args:
    real_scores: [batch, 1] or [batch] critic outputs on real data.
    fake_scores: the same on generated data.

  Returns:
    [batch] float32.
  """
  return tf.reshape(fake_scores, [-1]) - tf.reshape(real_scores, [-1])


def generator_loss(fake_scores):
  """G's loss -D(G(z)) per example (Alg. 1, line 11): [batch] float32."""
  return -tf.reshape(fake_scores, [-1])


def gradient_penalty(gradients):
  """(||g||_2 - 1)^2 per example for the critic's input gradients g (Eq. 3).

  Args:
    gradients: [batch, ...] d D(x_hat) / d x_hat.

  Returns:
    [batch] float32 (a tiny constant inside the root keeps its gradient finite at g = 0).
  """
  g = tf.reshape(tf.cast(gradients, tf.float32), [tf.shape(gradients)[0], -1])
  return tf.square(tf.sqrt(tf.reduce_sum(tf.square(g), axis=1) + 1e-12) - 1.0)


def interpolates(real, fake, eps):
  """x_hat = eps x + (1 - eps) G(z) for real, fake [batch, ...] and eps [batch]."""
  eps = tf.reshape(eps, tf.concat([[-1], tf.ones([tf.rank(real) - 1], tf.int32)], 0))
  return eps * real + (1.0 - eps) * fake


@dataclasses.dataclass(frozen=True)
class WGANGPParams(GANParams):
  discriminator_steps: int = P.field(
      5, "Critic steps per train step (n_critic), each on its own real batch and a fresh "
      "generated batch.", lower=1)
  gradient_penalty_weight: float = P.field(
      10.0, "lambda, weight of the critic's gradient penalty (Gulrajani et al. 2017: 10).",
      lower=0.0)


@registry.register("wgan_gp", WGANGPParams)
class WGANGP(GAN):
  """Generator G and a critic D trained with the Wasserstein loss and a gradient penalty.

  Args:
    gradient_penalty_weight: lambda (paper: 10).
    Others: see `GAN`; ``generator_loss`` must stay at its default (G minimises -D(G(z))).

  Raises:
    ValueError: for a critic with batch norm, --augment_d, another generator loss or a
      negative weight.
  """

  summary_groups = {**GAN.summary_groups, "gradient_penalty": "critic",
                    "w_distance": "critic"}

  def __init__(self, generator, discriminator, latent_spec,
               gradient_penalty_weight: float = 10.0, **kwargs):
    if kwargs.get("generator_loss", "non_saturating") != "non_saturating":
      raise ValueError("WGAN-GP's generator minimises -D(G(z)): --generator_loss does not "
                       "apply")
    if gradient_penalty_weight < 0:
      raise ValueError(f"gradient_penalty_weight must be >= 0, got {gradient_penalty_weight}")
    if normalization.batch_norm_layers(discriminator):
      raise ValueError("A WGAN-GP critic has no batch norm (its penalty is per example)")
    if kwargs.get("augment_d"):
      raise ValueError("--augment_d does not apply to WGAN-GP: its penalty is taken at "
                       "interpolates of the images themselves")
    self.gradient_penalty_weight = float(gradient_penalty_weight)
    super().__init__(generator, discriminator, latent_spec, **kwargs)

  @classmethod
  def network_options(cls, config, spec):
    """GAN's, with a critic built without batch norm."""
    return dict(super().network_options(config, spec),
                discriminator_options={"normalize": False})

  def tracked_names(self):
    return super().tracked_names() + ("gradient_penalty", "w_distance")

  def adversarial_loss(self):
    """`critic_loss` and `generator_loss`; d_real / d_fake report the critic's scores."""
    return objective.Adversarial(critic_loss, lambda real, fake: generator_loss(fake),
                                 score=tf.identity)

  def objective_terms(self):
    """The gradient penalty in the critic's step."""
    return [objective.Term("gradient_penalty", self.penalty_term, ("d",))]

  def penalty_term(self, play):
    """lambda (||grad D(x_hat)|| - 1)^2 per example at interpolates of the step's real and
    generated batches (eps from the model's seed generator, drawn for the global batch), and
    {"gradient_penalty": the unweighted penalty, "w_distance": D(x) - D(G(z))}."""
    real, fake = play.data["image"], tf.stop_gradient(play.fake)
    eps = self.sample_global(
        lambda n, seed: tf.random.stateless_uniform([n], seed), tf.shape(real)[0])
    x_hat = interpolates(real, fake, eps)
    with tf.GradientTape() as tape:
      tape.watch(x_hat)
      scores, _ = self.discriminate(x_hat, None, training=True)
    penalty = gradient_penalty(tape.gradient(scores, x_hat))
    distance = -critic_loss(play.real_logits, play.fake_logits)
    return (self.gradient_penalty_weight * penalty,
            {"gradient_penalty": penalty, "w_distance": distance})
