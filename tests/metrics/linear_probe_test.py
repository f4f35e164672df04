import numpy as np
import tensorflow as tf

from tfgan_info import metrics


class LinearProbeTest(tf.test.TestCase):

  def test_separable_codes_score_near_one_and_noise_near_chance(self):
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(10, 16)) * 5
    train_y, test_y = rng.integers(0, 10, 200), rng.integers(0, 10, 1000)
    train_x = centres[train_y] + rng.normal(size=(200, 16))
    test_x = centres[test_y] + rng.normal(size=(1000, 16))
    good = metrics.compute_linear_probe(train_x, train_y, test_x, test_y)
    self.assertGreater(good["accuracy"], 0.98)
    self.assertEqual(good["num_labeled"], 200)
    noise = metrics.compute_linear_probe(rng.normal(size=(200, 16)), train_y,
                                         rng.normal(size=(1000, 16)), test_y)
    self.assertBetween(noise["accuracy"], 0.03, 0.2)

  def test_bad_inputs_raise(self):
    with self.assertRaisesRegex(ValueError, "two classes"):
      metrics.compute_linear_probe(np.zeros((4, 2)), np.zeros(4), np.zeros((3, 2)), np.zeros(3))
    with self.assertRaisesRegex(ValueError, "codes must be"):
      metrics.compute_linear_probe(np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((3, 3)), [0, 1, 0])


if __name__ == "__main__":
  tf.test.main()
