"""Losses as pure functions of tensors.

Every function returns a per-example vector of shape [batch]; the caller reduces it once with
`tf.nn.compute_average_loss` so that a step under a distribution strategy equals the step on
one device (docs/design.md, convention 3). Logits are pre-sigmoid discriminator outputs
D(x) = sigmoid(l).
"""

from typing import Sequence

import tensorflow as tf


def _flat(logits):
  logits = tf.convert_to_tensor(logits)
  return tf.reshape(tf.cast(logits, tf.float32), [tf.shape(logits)[0]])


def minimax_discriminator_loss(real_logits, fake_logits, fake_weight: float = 1.0):
  """Discriminator loss of the GAN value function (Goodfellow et al. 2014, Eq. 1).

  -[log D(x) + w_f log(1 - D(G(z)))] = softplus(-l_real) + w_f softplus(l_fake); w_f = 1 is
  the value function (GAN-CLS, Reed et al. 2016 Alg. 1, gives its two negatives 1/2 each).

  Args:
    real_logits: [batch] or [batch, 1] logits on real data.
    fake_logits: [batch] or [batch, 1] logits on generated data (same batch size).
    fake_weight: w_f, the weight of the generated-data term.

  Returns:
    [batch] float32 per-example loss, >= 0.
  """
  return tf.nn.softplus(-_flat(real_logits)) + fake_weight * tf.nn.softplus(_flat(fake_logits))


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


def gan_cls_discriminator_loss(right_logits, wrong_logits, fake_logits,
                               mismatch_weight: float = 1.0):
  """GAN-CLS's matching-aware discriminator loss (Reed et al. 2016, Alg. 1, lines 7-9).

  L_D = -log D(x, h) - [log(1 - D(G(z, h), h)) + w log(1 - D(x, h'))] / (1 + w)
      = softplus(-s_r) + [softplus(s_f) + w softplus(s_w)] / (1 + w),

  with h the right text of the real image x, h' a wrong one, w = 1 the paper's 1/2 each.
  The same as `minimax_discriminator_loss` (fake weight 1 / (1 + w)) plus w / (1 + w)
  `wrong_label_discriminator_loss`, the two parts a conditional model's step adds.

  Args:
    right_logits: [batch] or [batch, 1] s_r, D on (real image, right text).
    wrong_logits: s_w, D on (real image, wrong text).
    fake_logits: s_f, D on (generated image, the text it was generated from).
    mismatch_weight: w >= 0.

  Returns:
    [batch] float32 per-example loss, >= 0.
  """
  share = 1.0 / (1.0 + mismatch_weight)
  return (minimax_discriminator_loss(right_logits, fake_logits, share)
          + mismatch_weight * share * wrong_label_discriminator_loss(wrong_logits))


def joint_embedding_loss(image_vectors, text_vectors, temperature: float = 0.1):
  """Symmetric contrastive loss of a joint image-text embedding (Reed et al. 2016, Sec. 3's
  matching objective in its softmax form, as CLIP, Radford et al. 2021, Fig. 3).

  With s_ij = <u_i, v_j> / tau for image vectors u and text vectors v of one batch, example
  i's loss is [CE(softmax_j s_ij, i) + CE(softmax_j s_ji, i)] / 2: its image must pick its
  caption among the batch's, and its caption its image.

  Args:
    image_vectors: [batch, E] (unit vectors).
    text_vectors: [batch, E] (unit vectors), row i describing image i.
    temperature: tau > 0.

  Returns:
    [batch] float32 per-example loss, >= 0.
  """
  u = tf.cast(image_vectors, tf.float32)
  v = tf.cast(text_vectors, tf.float32)
  logits = tf.matmul(u, v, transpose_b=True) / temperature
  labels = tf.range(tf.shape(logits)[0])
  rows = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
  cols = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                        logits=tf.transpose(logits))
  return 0.5 * (rows + cols)


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
      shape [dim_i], Q(c_i | G(z, c)) from the Q head (see `posterior.q_distributions`).

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


def paired_cluster_joint(probs, probs_other):
  """The symmetrised sum of outer products of paired cluster posteriors (IIC, Ji et al. 2019,
  Eq. 3 before its division by n).

  sum_b (p_b p'_b^T + p'_b p_b^T) / 2; divided by the (global) batch size it is IIC's joint
  P of the cluster of an image and of its transformed copy.

  Args:
    probs: [batch, K] Q(c | x) of the images.
    probs_other: [batch, K] Q(c | x') of their transformed copies.

  Returns:
    [K, K] float32, symmetric, summing to batch.
  """
  p, q = tf.cast(probs, tf.float32), tf.cast(probs_other, tf.float32)
  outer = tf.matmul(p, q, transpose_a=True)
  return (outer + tf.transpose(outer)) / 2.0


def invariant_information(probs, probs_other, joint):
  """Per-example terms of IIC's objective I(c; c') (Ji et al. 2019, Eq. 1-3).

  I(c; c') = sum_ij P_ij (ln P_ij - ln P_i - ln P_j), with P the joint of the clusters c of
  an image and c' of its transformed copy (``joint``) and P_i, P_j its marginals. The term
  of example b is t_b = sum_ij o_bij (ln P_ij - ln P_i - ln P_j) with o_b = (p_b p'_b^T +
  p'_b p_b^T) / 2, so that when ``joint`` is the batch mean of o_b (`paired_cluster_joint` /
  batch, over the global batch under a distribution strategy) the mean of t_b is I(c; c')
  in value and in gradient. I <= ln K, reached by confident predictions, equal for the two
  copies, with a uniform marginal; so maximising it clusters without collapsing.

  Args:
    probs: [batch, K] Q(c | x).
    probs_other: [batch, K] Q(c | x') of the transformed copies.
    joint: [K, K] P (sums to 1), a function of probs and probs_other (not held fixed).

  Returns:
    [batch] float32 (maximise its mean; the penalty is -lambda t_b).
  """
  p, q = tf.cast(probs, tf.float32), tf.cast(probs_other, tf.float32)
  joint = tf.maximum(tf.cast(joint, tf.float32), 1e-8)  # IIC clips P at machine epsilon
  log_ratio = (tf.math.log(joint) - tf.math.log(tf.reduce_sum(joint, 1, keepdims=True)) -
               tf.math.log(tf.reduce_sum(joint, 0, keepdims=True)))
  # sum_ij o_bij L_ij = (p_b^T L q_b + q_b^T L p_b) / 2, and L is symmetric.
  return tf.reduce_sum(tf.matmul(p, log_ratio) * q, -1)


def code_equivariance(means, means_other, shifts):
  """Squared error of Q's continuous codes against known transforms (beyond the papers).

  E_b = sum_j (mu_j(T_b x_b) - mu_j(x_b) - t_bj)^2, where T_b moves factor j of image x_b by
  t_bj of its unit (`augment.factor_affine`: a rotation, a horizontal scale, ...) and mu_j
  is Q's mean of the code tied to that factor. E = 0 when code j reads the factor on a
  fixed scale (one code unit per factor unit) and no other factor the transform moves; so
  maximising L_I(G, Q) through such a Q makes G carry code j in that factor. No labels: the
  targets are the transform's own parameters, as IIC's pairs are.

  Args:
    means: [batch, n] Q's means of the tied codes on the images.
    means_other: [batch, n] the same on the transformed copies.
    shifts: [batch, n] t, the factor changes in units.

  Returns:
    [batch] float32 (minimise its mean).
  """
  diff = (tf.cast(means_other, tf.float32) - tf.cast(means, tf.float32) -
          tf.cast(shifts, tf.float32))
  return tf.reduce_sum(tf.square(diff), axis=-1)


# -- AGE (Ulyanov, Vedaldi and Lempitsky 2017) --------------------------------------------


def contrastive_regularizer_loss(pair_logits, shared):
  """InfoGAN-CR's contrastive regulariser (Lin et al. 2020, Eq. 3): the cross-entropy of a
  classifier H that sees a pair of generated images and names the code they share.

  L_c = -E[log H_k(G(z, c_a), G(z, c_b))], where c_a and c_b agree on code k only
  (`latents.LatentSpec.sample_pairs`); H minimises it, and so does G (the two cooperate:
  G is pushed to change one visible factor per code).

  Args:
    pair_logits: [batch, n_codes] H's logits.
    shared: int [batch], the index of the shared code.

  Returns:
    [batch] float32 per-example cross-entropy, >= 0.
  """
  return tf.nn.sparse_softmax_cross_entropy_with_logits(
      labels=tf.cast(shared, tf.int32), logits=tf.cast(pair_logits, tf.float32))


def gaussian_kl_to_standard_normal(mean, std):
  """KL(N(m, diag(s^2)) || N(0, I)) of a diagonal Gaussian (AGE, Sec. 3.2).

  KL = sum_j (s_j^2 + m_j^2) / 2 - log s_j - 1/2, the textbook formula. The official AGE code
  (DmitryUlyanov/AGE, ``KLN01Loss``, direction "qp") computes mean_j (v_j^2 + m_j^2) / 2 -
  log v_j - 1/2 with v_j = s_j^2 the variance: s_j^4 where s_j^2 belongs, -log s_j^2 where
  -log s_j belongs, and a mean over j instead of a sum. This function follows the paper's
  definition (`models.age` divides it by M to keep the official scale).

  Args:
    mean: [M] per-dimension means m_j.
    std: [M] per-dimension standard deviations s_j > 0.

  Returns:
    Scalar float32 >= 0, in nats.
  """
  mean = tf.cast(mean, tf.float32)
  std = tf.cast(std, tf.float32)
  return tf.reduce_sum((tf.square(std) + tf.square(mean)) / 2.0 - tf.math.log(std) - 0.5)


KL_VARIANCE_EPS = 1e-6  # added to a fitted variance before the square root


def batch_gaussian_kl(codes, eps: float = KL_VARIANCE_EPS):
  """AGE's divergence Delta(codes || N(0, I)): the KL of the batch's diagonal Gaussian fit.

  Fits m_j = mean_i codes_ij and s_j^2 = mean_i (codes_ij - m_j)^2 (the maximum-likelihood
  fit) over the batch and returns `gaussian_kl_to_standard_normal(m, s)`. A batch statistic,
  not a per-example loss: under a distribution strategy the model fits the moments over the
  global batch (see `models.AGE.divergence`).

  Args:
    codes: [batch, M] latent codes (e.g. encoder outputs on the unit sphere).
    eps: added to s^2 before the square root (keeps log s finite for a collapsed dimension).

  Returns:
    Scalar float32, in nats.
  """
  codes = tf.cast(codes, tf.float32)
  mean = tf.reduce_mean(codes, axis=0)
  var = tf.reduce_mean(tf.square(codes - mean), axis=0)
  return gaussian_kl_to_standard_normal(mean, tf.sqrt(var + eps))


def image_reconstruction_loss(images, reconstructions, kind: str = "l1"):
  """AGE's L_X = ||x - g(e(x))|| per example (AGE, Eq. 9), averaged over the pixels.

  The mean over pixels (as the official code's L1Loss) keeps the weight mu = 10 meaningful
  for every image size.

  Args:
    images: [batch, H, W, C] images x.
    reconstructions: [batch, H, W, C] g(e(x)).
    kind: "l1" (mean |x - x'|, the default) or "l2" (mean (x - x')^2).

  Returns:
    [batch] float32.

  Raises:
    ValueError: for an unknown kind.
  """
  diff = tf.cast(images, tf.float32) - tf.cast(reconstructions, tf.float32)
  if kind == "l1":
    diff = tf.abs(diff)
  elif kind == "l2":
    diff = tf.square(diff)
  else:
    raise ValueError(f"Unknown image reconstruction loss {kind!r}: use 'l1' or 'l2'")
  return tf.reduce_mean(tf.reshape(diff, [tf.shape(diff)[0], -1]), axis=-1)


def latent_reconstruction_loss(codes, reconstructed_codes, kind: str = "l2"):
  """AGE's L_Z = ||z - e(g(z))||^2 per example (AGE, Eq. 10).

  Args:
    codes: [batch, M] prior samples z (unit vectors).
    reconstructed_codes: [batch, M] e(g(z)) (unit vectors).
    kind: for unit vectors z, z' = e(g(z)) with cos = z . z':
      "mean_cos" (the official code's default, ``--match_z cos``: 2 - mean_j z_j z'_j =
      2 - cos / M, gradient -d cos / M);
      "l2" (squared distance averaged over the M dimensions, the official ``--match_z L2``:
      (2 - 2 cos) / M, twice the gradient of "mean_cos", so lambda here is 2 lambda there);
      "cosine" (1 - cos, M times the gradient of "mean_cos").

  Returns:
    [batch] float32.

  Raises:
    ValueError: for an unknown kind.
  """
  z = tf.cast(codes, tf.float32)
  z_rec = tf.cast(reconstructed_codes, tf.float32)
  if kind == "l2":
    return tf.reduce_mean(tf.square(z - z_rec), axis=-1)
  if kind in ("cosine", "mean_cos"):
    cos = tf.reduce_sum(tf.math.l2_normalize(z, -1) * tf.math.l2_normalize(z_rec, -1), -1)
    if kind == "cosine":
      return 1.0 - cos
    return 2.0 - cos / tf.cast(tf.shape(z)[-1], tf.float32)
  raise ValueError(f"Unknown latent reconstruction loss {kind!r}: use one of "
                   f"{LATENT_RECONSTRUCTION_LOSSES}")


IMAGE_RECONSTRUCTION_LOSSES = ("l1", "l2")
LATENT_RECONSTRUCTION_LOSSES = ("l2", "cosine", "mean_cos")


def _patch_logits(logits):
  """[batch, h, w, 1] (or [batch, ...]) logits -> float32 [batch, h*w...] (one per patch)."""
  logits = tf.convert_to_tensor(logits)
  return tf.reshape(tf.cast(logits, tf.float32), [tf.shape(logits)[0], -1])


def patch_discriminator_loss(real_logits, fake_logits):
  """A PatchGAN discriminator's loss: the conditional GAN loss of every patch, averaged over
  the patches of each example (pix2pix, Isola et al. 2017, Eq. 1 and Sec. 3.2.2).

  L_cGAN(G, D) = E_{x,y}[log D(x, y)] + E_{x,z}[log(1 - D(x, G(x, z)))]; D maximises it, so
  the loss is -[log D(x, y) + log(1 - D(x, G(x, z)))] = softplus(-l_real) + softplus(l_fake)
  per patch (the patches of D's output grid are scored independently, "the PatchGAN").

  Args:
    real_logits: [batch, h, w, 1] patch logits of D(x, y) on real pairs.
    fake_logits: [batch, h, w, 1] patch logits of D(x, G(x, z)) on generated pairs.

  Returns:
    [batch] float32 per-example loss (mean over patches), >= 0.
  """
  return tf.reduce_mean(tf.nn.softplus(-_patch_logits(real_logits)) +
                        tf.nn.softplus(_patch_logits(fake_logits)), axis=-1)


def patch_generator_loss(fake_logits):
  """A generator's non-saturating cGAN loss against a PatchGAN (pix2pix, Isola et al. 2017,
  Sec. 3.3: "rather than training G to minimize log(1 - D(x, G(x, z))), we instead train to
  maximize log D(x, G(x, z))"), averaged over the patches of each example.

  -log D(x, G(x, z)) = softplus(-l_fake) per patch.

  Args:
    fake_logits: [batch, h, w, 1] patch logits of D(x, G(x, z)).

  Returns:
    [batch] float32 per-example loss (mean over patches), >= 0.
  """
  return tf.reduce_mean(tf.nn.softplus(-_patch_logits(fake_logits)), axis=-1)
