"""InfoGAN (Chen et al. 2016): a GAN whose codes c stay recoverable from G(z, c).

min_{G,Q} max_D V_I(D, G, Q) = V(D, G) - lambda L_I(G, Q)   (Eq. 6)

The D step trains D's body and head on V(D, G). The G+Q step trains G and the Q head on the
generator loss minus lambda_cat L_I(categorical codes) minus lambda_cont L_I(continuous codes).
"""

from typing import Tuple

import tensorflow as tf

from tfgan_info import losses
from tfgan_info.models.gan import GAN


class InfoGAN(GAN):
  """GAN with structured codes and a Q head on D's body.

  Args:
    lambda_cat: weight of L_I for categorical codes (paper: 1).
    lambda_cont: weight of L_I for continuous codes (paper: smaller, e.g. 0.1).
    Others: see `GAN`.

  Raises:
    ValueError: if the latent spec has no code or D has no Q head.
  """

  def __init__(self, generator, discriminator, latent_spec, lambda_cat: float = 1.0,
               lambda_cont: float = 0.1, **kwargs):
    if not latent_spec.codes:
      raise ValueError("InfoGAN needs at least one code: set --codes, e.g. cat:10")
    if discriminator.q_head is None:
      raise ValueError("InfoGAN needs a discriminator with a Q head (q_dim > 0)")
    self.lambda_cat = float(lambda_cat)
    self.lambda_cont = float(lambda_cont)
    super().__init__(generator, discriminator, latent_spec, **kwargs)

  def tracked_names(self):
    names = super().tracked_names()
    if self.latent_spec.categorical:
      names += ("mi_cat", "mi_cat_bound")
    if self.latent_spec.continuous:
      names += ("mi_cont",)
    return names

  def generator_step_variables(self):
    return self.generator.trainable_variables + self.discriminator.q_variables

  def information_terms(self, codes, q_outputs):
    """L_I per example for the categorical and for the continuous codes.

    Args:
      codes: [batch, code_dim] codes fed to G.
      q_outputs: [batch, q_dim] Q head output on G(z, c).

    Returns:
      (mi_cat [batch], mi_cont [batch]) in nats; zeros for a kind with no code.
    """
    spec = self.latent_spec
    lls = losses.code_log_likelihoods(spec.split_codes(codes), spec.q_distributions(q_outputs))
    zero = tf.zeros_like(lls[0])
    cat = [lls[i] + spec.codes[i].entropy() for i in spec.categorical]
    cont = [lls[i] + spec.codes[i].entropy() for i in spec.continuous]
    return (tf.add_n(cat) if cat else zero), (tf.add_n(cont) if cont else zero)

  def generator_terms(self, data, noise, codes):
    del data
    fake = self.generate(noise, codes, training=True)
    logits, q = self.discriminator(fake, training=True)
    adversarial = self.generator_loss_fn(logits)
    mi_cat, mi_cont = self.information_terms(codes, q)
    loss = adversarial - self.lambda_cat * mi_cat - self.lambda_cont * mi_cont
    report = {"g_loss": adversarial, "mi_cat": mi_cat, "mi_cont": mi_cont}
    if self.latent_spec.categorical:
      bound = sum(self.latent_spec.codes[i].entropy() for i in self.latent_spec.categorical)
      report["mi_cat_bound"] = tf.fill(tf.shape(mi_cat), bound)
    return loss, report

  def infer_codes(self, images, training=False) -> Tuple[tf.Tensor, tf.Tensor]:
    """Q's estimate of the codes of images [batch, H, W, C].

    Returns:
      (categorical probabilities [batch, K_total], continuous means [batch, D_total]).
    """
    return self.latent_spec.q_summaries(self.discriminator.q(images, training=training))
