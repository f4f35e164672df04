import numpy as np
import tensorflow as tf

from tfgan_info.data import ground_truth


class GroundTruthTest(tf.test.TestCase):

  def test_identity_observations_are_the_factors(self):
    gt = ground_truth.IdentityObservations((3, 6, 40))
    self.assertEqual(gt.num_factors, 3)
    factors, obs = gt.sample(5000, np.random.RandomState(0))
    self.assertAllEqual(obs, factors)
    self.assertEqual(obs.dtype, np.float64)
    for k, size in enumerate((3, 6, 40)):  # every value drawn, uniformly
      counts = np.bincount(factors[:, k], minlength=size)
      self.assertLen(counts, size)
      self.assertLess(counts.std() / counts.mean(), 0.25)

  def test_same_random_state_same_factors(self):
    gt = ground_truth.IdentityObservations()
    self.assertAllEqual(gt.sample_factors(10, np.random.RandomState(1)),
                        gt.sample_factors(10, np.random.RandomState(1)))


if __name__ == "__main__":
  tf.test.main()
