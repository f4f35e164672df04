import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info.metrics import beta_vae


class BetaVaeTest(tf.test.TestCase):

  def test_identity_scores_near_one(self):
    scores = beta_vae.compute_beta_vae(dt.identity, dt.DATA, dt.rs(), num_train=500,
                                       num_eval=300)
    self.assertBetween(scores["eval_accuracy"], 0.9, 1.0)
    self.assertBetween(scores["train_accuracy"], 0.9, 1.0)

  def test_constant_and_noise_score_near_chance(self):
    for fn in (dt.constant, dt.noise):
      scores = beta_vae.compute_beta_vae(fn, dt.DATA, dt.rs(), num_train=500, num_eval=300)
      self.assertBetween(scores["eval_accuracy"], 0.0, 0.25)

  def test_batched_sampling_draws_like_one_point_at_a_time(self):
    a = beta_vae._sample_points(dt.identity, dt.DATA, 21, dt.rs(2), 4, points_per_call=16)
    b = beta_vae._sample_points(dt.identity, dt.DATA, 21, dt.rs(2), 4, points_per_call=1)
    self.assertAllClose(a[0], b[0])
    self.assertAllEqual(a[1], b[1])


if __name__ == "__main__":
  tf.test.main()
