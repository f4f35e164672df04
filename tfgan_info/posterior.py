"""Q's posterior Q(c | x) over the codes of a `latents.LatentSpec` (InfoGAN, Sec. 5).

The Q head outputs plain tensors [batch, spec.q_dim] (docs/design.md, convention 6); these
functions turn them into one ``tfp.distributions`` posterior per code, for the mutual
information bound L_I (`losses.mutual_information_lower_bound`), and into point estimates for
the ``infer_codes`` endpoint.
"""

from typing import List, Tuple

import tensorflow as tf
import tensorflow_probability as tfp

from tfgan_info import latents

tfd = tfp.distributions


def q_distributions(spec: latents.LatentSpec, q_outputs: tf.Tensor) -> List[tfd.Distribution]:
  """Turns the Q head output [batch, q_dim] into one posterior Q(c_i | x) per code.

  Categorical codes get a OneHotCategorical with the slice as logits; continuous codes a
  diagonal Gaussian with the slice's first half as mean and second half as log-std
  (clipped to [-5, 2] for stability), or unit std if ``learn_std`` is False.
  """
  q_outputs = tf.cast(q_outputs, tf.float32)
  parts = tf.split(q_outputs, [c.q_dim(spec.learn_std) for c in spec.codes], axis=-1)
  dists = []
  for code, part in zip(spec.codes, parts):
    if code.is_categorical:
      dists.append(tfd.OneHotCategorical(logits=part, dtype=tf.float32))
      continue
    if spec.learn_std:
      mean, log_std = tf.split(part, 2, axis=-1)
      scale = tf.exp(tf.clip_by_value(log_std, -5.0, 2.0))
    else:
      mean, scale = part, tf.ones_like(part)
    dists.append(tfd.Independent(tfd.Normal(mean, scale), reinterpreted_batch_ndims=1))
  return dists


def q_summaries(spec: latents.LatentSpec, q_outputs: tf.Tensor) -> Tuple[tf.Tensor, tf.Tensor]:
  """Point estimates of the codes from Q: (categorical probabilities, continuous means).

  Returns:
    probs [batch, sum of categorical sizes] (softmax per code, concatenated) and
    means [batch, sum of continuous dims], float32.
  """
  dists = q_distributions(spec, q_outputs)
  batch = tf.shape(q_outputs)[0]
  probs = [d.probs_parameter() for c, d in zip(spec.codes, dists) if c.is_categorical]
  means = [d.mean() for c, d in zip(spec.codes, dists) if not c.is_categorical]
  probs = tf.concat(probs, -1) if probs else tf.zeros([batch, 0])
  means = tf.concat(means, -1) if means else tf.zeros([batch, 0])
  return probs, means
