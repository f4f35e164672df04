import numpy as np
import scipy.linalg
import tensorflow as tf

from tfgan_info.metrics import fid


class FIDTest(tf.test.TestCase):

  def test_frechet_distance_matches_closed_form(self):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    s1, s2 = a @ a.T + np.eye(5), b @ b.T + np.eye(5)
    mu1, mu2 = rng.normal(size=5), rng.normal(size=5)
    # Heusel et al. Eq. 6 with scipy's general matrix square root (well conditioned here).
    expected = (np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2)
                - 2 * np.trace(np.real(scipy.linalg.sqrtm(s1 @ s2))))
    self.assertAllClose(fid._frechet_distance(mu1, s1, mu2, s2), expected, rtol=1e-6)  # pylint: disable=protected-access

  def test_same_distribution_near_zero_shifted_mean(self):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20000, 4))
    y = rng.normal(size=(20000, 4))
    self.assertLess(fid.compute_fid(x, y)["fid"], 0.01)
    shifted = fid.compute_fid(x, y + np.array([1.0, 0, 0, 2.0]))
    self.assertAllClose(shifted["fid"], 5.0, atol=0.05)
    self.assertEqual(shifted["num_real"], 20000)
    self.assertAllClose(fid.compute_fid(x, x)["fid"], 0.0, atol=1e-9)

  def test_variance_difference(self):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(50000, 2)), 2.0 * rng.normal(size=(50000, 2))
    # sum_j (1 + 4 - 2 * 2) = 2.
    self.assertAllClose(fid.compute_fid(x, y)["fid"], 2.0, atol=0.05)

  def test_singular_covariances(self):
    # Features with dead (constant) dimensions: the distance is that of the live ones.
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(20000, 3)), 2.0 * rng.normal(size=(20000, 3))
    x[:, 2] = y[:, 2] = 0.0
    self.assertAllClose(fid.compute_fid(x, y)["fid"], 2.0, atol=0.05)

  def test_bad_inputs(self):
    with self.assertRaisesRegex(ValueError, "same F"):
      fid.compute_fid(np.zeros((5, 3)), np.zeros((5, 4)))
    with self.assertRaisesRegex(ValueError, "at least 2"):
      fid.compute_fid(np.zeros((1, 3)), np.zeros((5, 3)))


if __name__ == "__main__":
  tf.test.main()
