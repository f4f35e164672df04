"""InfoGAN (Chen et al. 2016): a GAN whose codes c stay recoverable from G(z, c).

min_{G,Q} max_D V_I(D, G, Q) = V(D, G) - lambda L_I(G, Q)   (Eq. 6)

with lambda L_I = lambda_cat L_I(categorical codes) + lambda_cont L_I(continuous codes). Where Q
learns is ``q_step``:

- "g" (default): the D step trains D's body and D head on V alone; the G+Q step trains G and
  the Q head (not the shared body) on the G loss - lambda L_I, with G's optimizer.
- "d" (as openai/InfoGAN): the D step minimises -V - lambda L_I over D's body, D head and Q
  head (on the D step's fake batch); the G step minimises the G loss - lambda L_I over G alone.
"""

import dataclasses
from typing import Tuple

import tensorflow as tf

from tfgan_info import losses
from tfgan_info import params as P
from tfgan_info import posterior
from tfgan_info import signatures as sig
from tfgan_info.models import registry
from tfgan_info.models.gan import GAN, GANParams

Q_STEPS = ("d", "g")


@dataclasses.dataclass(frozen=True)
class InfoGANParams(GANParams):
  lambda_cat: float = P.field(1.0, "Weight of L_I for categorical codes.", lower=0.0)
  lambda_cont: float = P.field(0.1, "Weight of L_I for continuous codes.", lower=0.0)
  q_step: str = P.field(
      "g", "Train the Q head in the G+Q step with G's optimizer ('g'), or Q head and shared "
      "body with D's optimizer in the D step ('d', openai/InfoGAN).", choices=Q_STEPS)


@registry.register("infogan", InfoGANParams)
class InfoGAN(GAN):
  """GAN with structured codes and a Q head on D's body.

  Args:
    lambda_cat: weight of L_I for categorical codes (paper: 1).
    lambda_cont: weight of L_I for continuous codes (paper: smaller, e.g. 0.1).
    q_step: "d" or "g", the step whose optimizer trains Q (see the module docstring).
    Others: see `GAN`.

  Raises:
    ValueError: if the latent spec has no code, D has no Q head or q_step is unknown.
  """

  def __init__(self, generator, discriminator, latent_spec, lambda_cat: float = 1.0,
               lambda_cont: float = 0.1, q_step: str = "g", **kwargs):
    if not latent_spec.codes:
      raise ValueError("InfoGAN needs at least one code: set --codes, e.g. cat:10")
    if discriminator.q_head is None:
      raise ValueError("InfoGAN needs a discriminator with a Q head (q_dim > 0)")
    if q_step not in Q_STEPS:
      raise ValueError(f"Unknown q_step {q_step!r}: use one of {Q_STEPS}")
    self.lambda_cat = float(lambda_cat)
    self.lambda_cont = float(lambda_cont)
    self.q_step = q_step
    super().__init__(generator, discriminator, latent_spec, **kwargs)

  @classmethod
  def network_options(cls, config, spec):
    return dict(super().network_options(config, spec), q_dim=spec.q_dim)

  def serving_networks(self):
    """G, and D (body + Q head) for infer_codes."""
    if not self.discriminator.built:  # e.g. restored and exported without a training step
      self.discriminator(tf.zeros((1,) + self.image_shape))
    return [self.generator, self.discriminator]

  def serving_signatures(self):
    @tf.function(input_signature=[sig.images_spec(self.image_shape)])
    def infer_codes(images):
      images = sig.checked("infer_codes", images=images)["images"]
      probs, means = self.infer_codes(images, training=False)
      return {"categorical_probs": probs, "continuous_means": means}
    return dict(super().serving_signatures(), infer_codes=infer_codes)

  # L_I in nats: mi_cat (categorical codes, at most mi_cat_bound = H(c)) and mi_cont.
  summary_groups = {**GAN.summary_groups, "mi_cat": "info", "mi_cat_bound": "info",
                    "mi_cont": "info"}

  @property
  def q_in_discriminator_step(self):
    return self.q_step == "d"

  def tracked_names(self):
    names = super().tracked_names()
    if self.latent_spec.categorical:
      names += ("mi_cat", "mi_cat_bound")
    if self.latent_spec.continuous:
      names += ("mi_cont",)
    return names

  def discriminator_step_variables(self):
    extra = self.discriminator.q_variables if self.q_in_discriminator_step else []
    return self.discriminator.d_variables + extra

  def generator_step_variables(self):
    extra = [] if self.q_in_discriminator_step else self.discriminator.q_variables
    return self.generator.trainable_variables + extra

  def information_terms(self, codes, q_outputs):
    """L_I per example for the categorical and for the continuous codes.

    Args:
      codes: [batch, code_dim] codes fed to G.
      q_outputs: [batch, q_dim] Q head output on G(z, c).

    Returns:
      (mi_cat [batch], mi_cont [batch]) in nats; zeros for a kind with no code.
    """
    spec = self.latent_spec
    codes, dists = spec.split_codes(codes), posterior.q_distributions(spec, q_outputs)
    zero = tf.zeros([tf.shape(q_outputs)[0]])

    def bound(indices):
      if not indices:
        return zero
      return losses.mutual_information_lower_bound(
          [codes[i] for i in indices], [dists[i] for i in indices],
          [spec.codes[i].entropy() for i in indices])
    return bound(spec.categorical), bound(spec.continuous)

  def code_terms(self, codes, q_outputs):
    """-lambda_cat L_I(cat) - lambda_cont L_I(cont) per example, and the L_I report."""
    mi_cat, mi_cont = self.information_terms(codes, q_outputs)
    penalty = -self.lambda_cat * mi_cat - self.lambda_cont * mi_cont
    report = {"mi_cat": mi_cat, "mi_cont": mi_cont}
    if self.latent_spec.categorical:
      h = sum(self.latent_spec.codes[i].entropy() for i in self.latent_spec.categorical)
      report["mi_cat_bound"] = tf.fill(tf.shape(mi_cat), h)
    return penalty, report

  def infer_codes(self, images, training=False) -> Tuple[tf.Tensor, tf.Tensor]:
    """Q's estimate of the codes of images [batch, H, W, C].

    Returns:
      (categorical probabilities [batch, K_total], continuous means [batch, D_total]).
    """
    return posterior.q_summaries(self.latent_spec,
                                 self.discriminator.q(images, training=training))
