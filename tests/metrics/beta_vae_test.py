import numpy as np
import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info.metrics import beta_vae


class BetaVaeTest(tf.test.TestCase):

  def test_identity_scores_near_one(self):
    scores = beta_vae.compute_beta_vae(dt.identity, dt.DATA, dt.rs(), num_train=500,
                                       num_eval=300)
    self.assertBetween(scores["eval_accuracy"], 0.9, 1.0)
    self.assertBetween(scores["train_accuracy"], 0.9, 1.0)

  def test_liblinear_one_vs_rest_variant(self):
    """scikit-learn 0.20's default classifier on the same points; the lbfgs score is the same
    as without it (fitted after the evaluation points are drawn)."""
    mixed = lambda x: np.asarray(x, np.float64) @ dt.rs(5).randn(10, 6)
    scores = beta_vae.compute_beta_vae(mixed, dt.DATA, dt.rs(), num_train=500, num_eval=300)
    self.assertContainsSubset(
        {"train_accuracy_liblinear_ovr", "eval_accuracy_liblinear_ovr"}, scores)
    self.assertBetween(scores["eval_accuracy_liblinear_ovr"], 0.0, 1.0)
    self.assertNotEqual(scores["eval_accuracy_liblinear_ovr"], scores["eval_accuracy"])
    identity = beta_vae.compute_beta_vae(dt.identity, dt.DATA, dt.rs(), num_train=500,
                                         num_eval=300)
    self.assertBetween(identity["eval_accuracy_liblinear_ovr"], 0.9, 1.0)

  def test_constant_and_noise_score_near_chance(self):
    for fn in (dt.constant, dt.noise):
      scores = beta_vae.compute_beta_vae(fn, dt.DATA, dt.rs(), num_train=500, num_eval=300)
      self.assertBetween(scores["eval_accuracy"], 0.0, 0.25)

  def test_batched_sampling_draws_like_disentanglement_lib(self):
    # disentanglement_lib's loop: per point a factor, two batches of factors, their observations.
    rs = dt.rs(2)
    features, labels = [], []
    for _ in range(21):
      k = rs.randint(dt.NOISY.num_factors)
      first = dt.NOISY.sample_factors(4, rs)
      second = dt.NOISY.sample_factors(4, rs)
      second[:, k] = first[:, k]
      z1 = dt.identity(dt.NOISY.sample_observations_from_factors(first, rs))
      z2 = dt.identity(dt.NOISY.sample_observations_from_factors(second, rs))
      features.append(np.mean(np.abs(z1 - z2), axis=0))
      labels.append(k)
    got = beta_vae._sample_points(dt.identity, dt.NOISY, 21, dt.rs(2), 4, points_per_call=16)
    self.assertAllClose(got[0], np.array(features))
    self.assertAllEqual(got[1], labels)


if __name__ == "__main__":
  tf.test.main()
