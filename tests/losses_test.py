import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp

from tfgan_info import latents
from tfgan_info import losses
from tfgan_info import posterior


def np_softplus(x):
  return np.log1p(np.exp(x))


class AdversarialLossTest(tf.test.TestCase):

  def setUp(self):
    super().setUp()
    rng = np.random.default_rng(0)
    self.real = rng.normal(size=(7, 1)).astype(np.float32)
    self.fake = rng.normal(size=(7, 1)).astype(np.float32)

  def test_minimax_discriminator_matches_numpy(self):
    d_real, d_fake = 1 / (1 + np.exp(-self.real[:, 0])), 1 / (1 + np.exp(-self.fake[:, 0]))
    expected = -(np.log(d_real) + np.log(1 - d_fake))
    self.assertAllClose(losses.minimax_discriminator_loss(self.real, self.fake), expected,
                        rtol=1e-5)
    weighted = -np.log(d_real) - 0.5 * np.log(1 - d_fake)
    self.assertAllClose(losses.minimax_discriminator_loss(self.real, self.fake, 0.5), weighted,
                        rtol=1e-5)

  def test_generator_losses_match_numpy(self):
    d_fake = 1 / (1 + np.exp(-self.fake[:, 0]))
    self.assertAllClose(losses.minimax_generator_loss(self.fake), np.log(1 - d_fake), rtol=1e-5)
    self.assertAllClose(losses.non_saturating_generator_loss(self.fake), -np.log(d_fake),
                        rtol=1e-5)

  def test_optimal_discriminator_value(self):
    # At D = 1/2 everywhere the D loss is 2 ln 2 (Goodfellow et al. 2014, Thm. 1).
    zeros = np.zeros((3, 1), np.float32)
    self.assertAllClose(losses.minimax_discriminator_loss(zeros, zeros),
                        np.full(3, 2 * np.log(2)))

  def test_per_example_shape(self):
    self.assertEqual(losses.minimax_discriminator_loss(self.real, self.fake).shape, (7,))

  def test_gan_cls_matches_numpy(self):
    # Reed et al. 2016, Alg. 1: L_D = log(s_r) + (log(1 - s_w) + log(1 - s_f)) / 2, negated.
    wrong = np.random.default_rng(1).normal(size=(7, 1)).astype(np.float32)
    s_r, s_w, s_f = (1 / (1 + np.exp(-x[:, 0])) for x in (self.real, wrong, self.fake))
    half = -(np.log(s_r) + (np.log(1 - s_w) + np.log(1 - s_f)) / 2)
    self.assertAllClose(losses.gan_cls_discriminator_loss(self.real, wrong, self.fake), half,
                        rtol=1e-5)
    w = 3.0
    weighted = -(np.log(s_r) + (w * np.log(1 - s_w) + np.log(1 - s_f)) / (1 + w))
    self.assertAllClose(losses.gan_cls_discriminator_loss(self.real, wrong, self.fake, w),
                        weighted, rtol=1e-5)
    # w = 0: the plain GAN value function.
    self.assertAllClose(losses.gan_cls_discriminator_loss(self.real, wrong, self.fake, 0.0),
                        losses.minimax_discriminator_loss(self.real, self.fake), rtol=1e-6)


class JointEmbeddingLossTest(tf.test.TestCase):

  def test_matches_numpy(self):
    rng = np.random.default_rng(0)
    u = rng.normal(size=(5, 3))
    v = rng.normal(size=(5, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    s = u @ v.T / 0.2

    def ce(rows):
      return -(np.diag(rows) - np.log(np.exp(rows).sum(1)))
    expected = 0.5 * (ce(s) + ce(s.T))
    self.assertAllClose(losses.joint_embedding_loss(u, v, 0.2), expected, rtol=1e-5)

  def test_matched_pairs_score_low(self):
    v = np.eye(4)
    self.assertAllLess(losses.joint_embedding_loss(v, v, 0.05), 1e-6)
    self.assertAllGreater(losses.joint_embedding_loss(v, np.roll(v, 1, 0), 0.05), 10.0)


class MutualInformationTest(tf.test.TestCase):

  def test_categorical_and_gaussian_bound_match_numpy(self):
    rng = np.random.default_rng(1)
    spec = latents.LatentSpec("cat:4,uniform:2", noise_dim=1, learn_std=True)
    q = rng.normal(size=(5, spec.q_dim)).astype(np.float32)
    labels = rng.integers(0, 4, 5)
    cat = np.eye(4, dtype=np.float32)[labels]
    cont = rng.uniform(-1, 1, (5, 2)).astype(np.float32)
    bound = losses.mutual_information_lower_bound(
        [cat, cont], posterior.q_distributions(spec, q), spec.entropies())

    logits, mean, log_std = q[:, :4], q[:, 4:6], np.clip(q[:, 6:8], -5.0, 2.0)  # as documented
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    ll_cat = log_softmax[np.arange(5), labels]
    ll_cont = (-0.5 * ((cont - mean) / np.exp(log_std)) ** 2 - log_std
               - 0.5 * np.log(2 * np.pi)).sum(-1)
    expected = ll_cat + np.log(4) + ll_cont + 2 * np.log(2)
    self.assertAllClose(bound, expected, rtol=1e-5)

  def test_fixed_std_is_scaled_squared_error(self):
    spec = latents.LatentSpec("uniform:3", noise_dim=1, learn_std=False)
    mean = np.array([[0.1, -0.2, 0.3]], np.float32)
    c = np.array([[0.5, 0.5, -0.5]], np.float32)
    bound = losses.mutual_information_lower_bound([c], posterior.q_distributions(spec, mean),
                                                  [3 * np.log(2)])
    expected = -0.5 * ((c - mean) ** 2).sum() - 1.5 * np.log(2 * np.pi) + 3 * np.log(2)
    self.assertAllClose(bound, [expected], rtol=1e-5)

  def test_perfect_categorical_q_reaches_entropy(self):
    labels = np.eye(10, dtype=np.float32)
    dist = tfp.distributions.OneHotCategorical(logits=labels * 50.0, dtype=tf.float32)
    bound = losses.mutual_information_lower_bound([labels], [dist], [np.log(10)])
    self.assertAllClose(bound, np.full(10, np.log(10)), atol=1e-4)

  def test_length_mismatch_raises(self):
    with self.assertRaisesRegex(ValueError, "codes but"):
      losses.code_log_likelihoods([tf.zeros([1, 2])], [])



class InvariantInformationTest(tf.test.TestCase):

  @staticmethod
  def reference(p, q):
    """IIC's I(z, z') from its definition (Ji et al. 2019, Eq. 3 and 1)."""
    joint = np.einsum("bi,bj->ij", p, q) / len(p)
    joint = (joint + joint.T) / 2
    pi, pj = joint.sum(1, keepdims=True), joint.sum(0, keepdims=True)
    return np.sum(joint * (np.log(joint) - np.log(pi) - np.log(pj)))

  def probs(self, n, k, seed):
    logits = np.random.default_rng(seed).normal(size=(n, k)) * 2
    return (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype(np.float32)

  def test_mean_of_terms_is_the_mutual_information_in_value_and_gradient(self):
    p, q = tf.constant(self.probs(16, 5, 0)), tf.constant(self.probs(16, 5, 1))
    self.assertAllClose(losses.paired_cluster_joint(p, q) / 16,
                        np.einsum("bi,bj->ij", p, q) / 32 + np.einsum("bi,bj->ji", p, q) / 32)
    with tf.GradientTape(persistent=True) as tape:
      tape.watch([p, q])
      terms = losses.invariant_information(p, q, losses.paired_cluster_joint(p, q) / 16)
      mean = tf.reduce_mean(terms)
      joint = tf.einsum("bi,bj->ij", p, q) / 16
      joint = (joint + tf.transpose(joint)) / 2
      direct = tf.reduce_sum(joint * (tf.math.log(joint) - tf.math.log(
          tf.reduce_sum(joint, 1, keepdims=True)) - tf.math.log(
              tf.reduce_sum(joint, 0, keepdims=True))))
    self.assertEqual(terms.shape, (16,))
    self.assertAllClose(mean, self.reference(p.numpy(), q.numpy()), rtol=1e-5)
    for x in (p, q):
      self.assertAllClose(tape.gradient(mean, x), tape.gradient(direct, x), rtol=1e-4,
                          atol=1e-6)

  def test_bounds(self):
    k = 4
    one_hot = np.eye(k, dtype=np.float32)[np.arange(8) % k]
    agreeing = losses.invariant_information(one_hot, one_hot,
                                            losses.paired_cluster_joint(one_hot, one_hot) / 8)
    self.assertAllClose(np.mean(agreeing), np.log(k), rtol=1e-5)  # the maximum, ln K
    same = np.tile(self.probs(1, k, 2), (8, 1))  # one prediction for every image: I = 0
    self.assertAllClose(np.mean(losses.invariant_information(
        same, same, losses.paired_cluster_joint(same, same) / 8)), 0.0, atol=1e-6)


class CodeEquivarianceTest(tf.test.TestCase):

  def test_matches_numpy_and_is_zero_for_an_equivariant_q(self):
    rng = np.random.default_rng(5)
    means, other, shifts = (rng.normal(size=(6, 2)).astype(np.float32) for _ in range(3))
    self.assertAllClose(losses.code_equivariance(means, other, shifts),
                        np.sum((other - means - shifts) ** 2, -1), rtol=1e-6)
    self.assertAllClose(losses.code_equivariance(means, means + shifts, shifts), np.zeros(6),
                        atol=1e-6)
    # An invariant Q (the codes do not move) pays the squared shift.
    self.assertAllClose(losses.code_equivariance(means, means, shifts),
                        np.sum(shifts ** 2, -1), rtol=1e-6)


class AGELossTest(tf.test.TestCase):

  def test_gaussian_kl_matches_numpy_and_closed_form(self):
    rng = np.random.default_rng(3)
    mean, std = rng.normal(size=5), rng.uniform(0.2, 2.0, 5)
    expected = np.sum((std ** 2 + mean ** 2) / 2 - np.log(std) - 0.5)
    self.assertAllClose(losses.gaussian_kl_to_standard_normal(mean, std), expected, rtol=1e-5)
    # The same KL from TFP's closed form, and 0 for N(0, I) itself.
    tfd = tfp.distributions
    kl = tfd.kl_divergence(tfd.MultivariateNormalDiag(mean, std),
                           tfd.MultivariateNormalDiag(np.zeros(5), np.ones(5)))
    self.assertAllClose(losses.gaussian_kl_to_standard_normal(mean, std), kl, rtol=1e-5)
    self.assertAllClose(losses.gaussian_kl_to_standard_normal(np.zeros(3), np.ones(3)), 0.0)

  def test_batch_kl_fits_the_batch_moments(self):
    codes = np.random.default_rng(4).normal(1.0, 0.5, (200, 6)).astype(np.float32)
    mean, std = codes.mean(0), codes.std(0)  # the maximum-likelihood fit (ddof=0)
    expected = np.sum((std ** 2 + mean ** 2) / 2 - np.log(std) - 0.5)
    self.assertAllClose(losses.batch_gaussian_kl(codes), expected, rtol=1e-4)
    # Not the official code's variant, which puts -log(s^2) where -log(s) belongs.
    official = np.mean((std ** 2 + mean ** 2) / 2 - np.log(std ** 2) - 0.5)
    self.assertNotAllClose(losses.batch_gaussian_kl(codes), official)

  def test_reconstruction_losses_match_numpy(self):
    rng = np.random.default_rng(5)
    x, y = rng.uniform(-1, 1, (2, 4, 4, 3, 4)).astype(np.float32)
    self.assertAllClose(losses.image_reconstruction_loss(x, y),
                        np.abs(x - y).reshape(4, -1).mean(1), rtol=1e-5)
    self.assertAllClose(losses.image_reconstruction_loss(x, y, "l2"),
                        ((x - y) ** 2).reshape(4, -1).mean(1), rtol=1e-5)
    z, z_rec = rng.normal(size=(2, 5, 8)).astype(np.float32)
    self.assertAllClose(losses.latent_reconstruction_loss(z, z_rec),
                        ((z - z_rec) ** 2).mean(1), rtol=1e-5)
    cos = (z * z_rec).sum(1) / np.linalg.norm(z, axis=1) / np.linalg.norm(z_rec, axis=1)
    self.assertAllClose(losses.latent_reconstruction_loss(z, z_rec, "cosine"), 1 - cos,
                        rtol=1e-5, atol=1e-6)
    with self.assertRaisesRegex(ValueError, "Unknown image reconstruction"):
      losses.image_reconstruction_loss(x, y, "l3")
    # "mean_cos" is the official AGE `match(x, y, "cos")`, 2 - mean(x_n * y_n) over the batch
    # and the M dimensions, per example; on unit vectors "l2" has twice its gradient.
    zn = z / np.linalg.norm(z, axis=1, keepdims=True)
    zn_rec = z_rec / np.linalg.norm(z_rec, axis=1, keepdims=True)
    official = 2 - (zn * zn_rec).mean()
    self.assertAllClose(np.mean(losses.latent_reconstruction_loss(z, z_rec, "mean_cos")),
                        official, rtol=1e-5)
    target = tf.constant(zn_rec)
    grads = {}
    for kind in ("l2", "mean_cos"):
      unit = tf.Variable(zn)
      with tf.GradientTape() as tape:
        loss = tf.reduce_sum(losses.latent_reconstruction_loss(
            tf.math.l2_normalize(unit, -1), target, kind))
      grads[kind] = tape.gradient(loss, unit)
    self.assertAllClose(grads["l2"], 2 * grads["mean_cos"], rtol=1e-4, atol=1e-6)
    with self.assertRaisesRegex(ValueError, "Unknown latent reconstruction"):
      losses.latent_reconstruction_loss(z, z_rec, "l1")

if __name__ == "__main__":
  tf.test.main()


class PatchGANLossTest(tf.test.TestCase):
  """pix2pix's per-patch cGAN losses (Isola et al. 2017, Eq. 1), averaged per example."""

  def setUp(self):
    super().setUp()
    rng = np.random.default_rng(3)
    self.real = rng.normal(size=(4, 3, 5, 1)).astype(np.float32)
    self.fake = rng.normal(size=(4, 3, 5, 1)).astype(np.float32)

  def test_discriminator_matches_numpy(self):
    d_real, d_fake = 1 / (1 + np.exp(-self.real)), 1 / (1 + np.exp(-self.fake))
    expected = -(np.log(d_real) + np.log(1 - d_fake)).reshape(4, -1).mean(1)
    self.assertAllClose(losses.patch_discriminator_loss(self.real, self.fake), expected,
                        rtol=1e-5)

  def test_generator_matches_numpy(self):
    d_fake = 1 / (1 + np.exp(-self.fake))
    self.assertAllClose(losses.patch_generator_loss(self.fake),
                        -np.log(d_fake).reshape(4, -1).mean(1), rtol=1e-5)

  def test_one_patch_is_the_plain_gan_loss(self):
    one_real, one_fake = self.real[:, :1, :1], self.fake[:, :1, :1]
    self.assertAllClose(losses.patch_discriminator_loss(one_real, one_fake),
                        losses.minimax_discriminator_loss(one_real[:, 0, 0], one_fake[:, 0, 0]))
    self.assertAllClose(losses.patch_generator_loss(one_fake),
                        losses.non_saturating_generator_loss(one_fake[:, 0, 0]))

  def test_optimal_discriminator_value(self):
    zeros = np.zeros((2, 30, 30, 1), np.float32)
    self.assertAllClose(losses.patch_discriminator_loss(zeros, zeros), [2 * np.log(2)] * 2)
