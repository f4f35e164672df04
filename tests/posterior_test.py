import tensorflow as tf

from tfgan_info import latents
from tfgan_info import posterior


class PosteriorTest(tf.test.TestCase):

  def setUp(self):
    super().setUp()
    self.spec = latents.LatentSpec("cat:10,uniform:2,normal:1", noise_dim=5, learn_std=True)

  def test_q_distributions(self):
    q = tf.random.normal([4, self.spec.q_dim])
    dists = posterior.q_distributions(self.spec, q)
    self.assertLen(dists, 3)
    self.assertAllClose(dists[0].probs_parameter(), tf.nn.softmax(q[:, :10]))
    self.assertAllClose(dists[1].mean(), q[:, 10:12])
    self.assertAllClose(dists[1].distribution.stddev(), tf.exp(q[:, 12:14]))
    probs, means = posterior.q_summaries(self.spec, q)
    self.assertEqual(probs.shape, (4, 10))
    self.assertEqual(means.shape, (4, 3))

  def test_fixed_std_posterior_has_unit_scale(self):
    spec = latents.LatentSpec("uniform:2", 3, learn_std=False)
    dist = posterior.q_distributions(spec, tf.zeros([2, 2]))[0]
    self.assertAllClose(dist.distribution.stddev(), tf.ones([2, 2]))


if __name__ == "__main__":
  tf.test.main()
