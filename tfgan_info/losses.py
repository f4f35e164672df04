"""Losses as pure functions of tensors.

Every function returns a per-example vector of shape [batch]; the caller reduces it once with
`tf.nn.compute_average_loss` so that a step under a distribution strategy equals the step on
one device (style convention 3). Logits are pre-sigmoid discriminator outputs D(x) = sigmoid(l).
"""

from typing import Sequence

import tensorflow as tf


def _flat(logits):
  logits = tf.convert_to_tensor(logits)
  return tf.reshape(tf.cast(logits, tf.float32), [tf.shape(logits)[0]])


def minimax_discriminator_loss(real_logits, fake_logits):
  """Discriminator loss of the GAN value function (Goodfellow et al. 2014, Eq. 1).

  -[log D(x) + log(1 - D(G(z)))] = softplus(-l_real) + softplus(l_fake).

  Args:
    real_logits: [batch] or [batch, 1] logits on real data.
    fake_logits: [batch] or [batch, 1] logits on generated data (same batch size).

  Returns:
    [batch] float32 per-example loss, >= 0.
  """
  return tf.nn.softplus(-_flat(real_logits)) + tf.nn.softplus(_flat(fake_logits))


def wrong_label_discriminator_loss(mismatched_logits):
  """Matching-aware term of a conditional D (Reed et al. 2016, Sec. 4.1, "GAN-CLS").

  -log(1 - D(x, y')) = softplus(l) for real images x paired with a wrong label y' != y, so
  that D rejects a real image whose label does not match it.

  Args:
    mismatched_logits: [batch] or [batch, 1] logits D gives real images with wrong labels.

  Returns:
    [batch] float32 per-example loss, >= 0.
  """
  return tf.nn.softplus(_flat(mismatched_logits))


def minimax_generator_loss(fake_logits):
  """Generator loss of the minimax game (Goodfellow et al. 2014, Eq. 1).

  log(1 - D(G(z))) = -softplus(l_fake); saturates when D rejects samples confidently.

  Args:
    fake_logits: [batch] or [batch, 1] logits on generated data.

  Returns:
    [batch] float32 per-example loss, <= 0.
  """
  return -tf.nn.softplus(_flat(fake_logits))


def non_saturating_generator_loss(fake_logits):
  """Non-saturating generator loss (Goodfellow et al. 2014, Sec. 3).

  -log D(G(z)) = softplus(-l_fake): same fixed point as the minimax loss, strong gradients
  early in training.

  Args:
    fake_logits: [batch] or [batch, 1] logits on generated data.

  Returns:
    [batch] float32 per-example loss, >= 0.
  """
  return tf.nn.softplus(-_flat(fake_logits))


GENERATOR_LOSSES = {
    "minimax": minimax_generator_loss,
    "non_saturating": non_saturating_generator_loss,
}


def code_log_likelihoods(codes: Sequence[tf.Tensor], predicted_distributions):
  """log Q(c_i | x) for each code, per example.

  Args:
    codes: list of [batch, dim_i] tensors, the codes c_i fed to the generator.
    predicted_distributions: list of `tfp.distributions` with batch shape [batch] and event
      shape [dim_i], Q(c_i | G(z, c)) from the Q head (see `LatentSpec.q_distributions`).

  Returns:
    list of [batch] float32 tensors.

  Raises:
    ValueError: if the two lists differ in length.
  """
  if len(codes) != len(predicted_distributions):
    raise ValueError(f"{len(codes)} codes but {len(predicted_distributions)} distributions")
  return [tf.cast(d.log_prob(c), tf.float32) for c, d in zip(codes, predicted_distributions)]


def mutual_information_lower_bound(codes, predicted_distributions, prior_entropies):
  """InfoGAN's variational lower bound on I(c; G(z, c)) (Chen et al. 2016, Eq. 4/5).

  L_I(G, Q) = E_{c~p(c), x~G(z,c)}[log Q(c|x)] + H(c), summed over the codes, per example.
  For a categorical code with K classes, 0 <= I <= ln K and L_I -> ln K when Q recovers c.

  Args:
    codes: list of [batch, dim_i] codes c_i.
    predicted_distributions: list of Q(c_i | x) distributions (batch shape [batch]).
    prior_entropies: list of floats H(c_i) in nats.

  Returns:
    [batch] float32, the per-example bound in nats (maximise it; the penalty is -lambda L_I).
  """
  lls = code_log_likelihoods(codes, predicted_distributions)
  if not lls:
    raise ValueError("mutual_information_lower_bound needs at least one code")
  return tf.add_n([ll + h for ll, h in zip(lls, prior_entropies)])
