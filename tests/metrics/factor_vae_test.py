import numpy as np
import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info.metrics import factor_vae

KW = dict(num_train=500, num_eval=300, num_variance_estimate=1000)


class FactorVaeTest(tf.test.TestCase):

  def test_identity_scores_near_one(self):
    scores = factor_vae.compute_factor_vae(dt.identity, dt.DATA, dt.rs(), **KW)
    self.assertBetween(scores["eval_accuracy"], 0.9, 1.0)
    self.assertEqual(scores["num_active_dims"], 10)

  def test_constant_has_no_active_dims(self):
    scores = factor_vae.compute_factor_vae(dt.constant, dt.DATA, dt.rs(), **KW)
    self.assertEqual(scores, {"train_accuracy": 0.0, "eval_accuracy": 0.0,
                              "num_active_dims": 0})

  def test_noise_scores_near_chance(self):
    scores = factor_vae.compute_factor_vae(dt.noise, dt.DATA, dt.rs(), **KW)
    self.assertBetween(scores["eval_accuracy"], 0.0, 0.25)

  def test_half_the_codes_constant_scores_lower(self):
    half = lambda x: np.concatenate([x[:, :5], np.zeros_like(x[:, 5:])], 1)
    scores = factor_vae.compute_factor_vae(half, dt.DATA, dt.rs(), **KW)
    self.assertEqual(scores["num_active_dims"], 5)
    self.assertBetween(scores["eval_accuracy"], 0.4, 0.7)

  def test_votes_and_accuracy(self):
    local = np.array([[1.0, 4.0], [4.0, 1.0], [1.0, 4.0]])
    votes = factor_vae._votes(local, np.array([0, 1, 1]), np.array([2.0, 2.0]),
                              np.array([True, True]), num_factors=2)
    self.assertAllEqual(votes, [[1, 0], [1, 1]])
    self.assertAllClose(factor_vae._accuracy(votes, np.argmax(votes, 0)), 2 / 3)

  def test_batched_sampling_draws_like_disentanglement_lib(self):
    # disentanglement_lib's loop: per vote a factor, a batch of factors, their observations.
    rs = dt.rs(3)
    variances, fixed = [], []
    for _ in range(37):
      k = rs.randint(dt.NOISY.num_factors)
      factors = dt.NOISY.sample_factors(8, rs)
      factors[:, k] = factors[0, k]
      codes = dt.identity(dt.NOISY.sample_observations_from_factors(factors, rs))
      variances.append(np.var(codes, axis=0, ddof=1))
      fixed.append(k)
    got = factor_vae._sample_votes(dt.identity, dt.NOISY, 37, dt.rs(3), 8, points_per_call=16)
    self.assertAllClose(got[0], np.array(variances))
    self.assertAllEqual(got[1], fixed)


if __name__ == "__main__":
  tf.test.main()
