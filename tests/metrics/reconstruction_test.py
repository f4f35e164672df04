import numpy as np
import tensorflow as tf

from tfgan_info import metrics


class ReconstructionTest(tf.test.TestCase):

  def test_error_and_identity_match_numpy(self):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (6, 4, 4, 1)).astype(np.float32)
    r = np.clip(x + rng.normal(0, 0.1, x.shape), -1, 1).astype(np.float32)
    out = metrics.compute_reconstruction(x, r, [1, 2, 3, 4, 5, 6], [1, 2, 0, 4, 5, 0],
                                         labels=[1, 2, 3, 4, 5, 5])
    self.assertAllClose(out["l1"], np.abs(x - r).mean(), rtol=1e-6)
    self.assertAllClose(out["l1_01"], np.abs(x - r).mean() / 2, rtol=1e-6)
    self.assertAllClose(out["identity_kept"], 4 / 6)
    self.assertAllClose(out["accuracy"], 4 / 6)
    perfect = metrics.compute_reconstruction(x, x, [0] * 6, [0] * 6)
    self.assertEqual(perfect["l1"], 0.0)
    self.assertEqual(perfect["identity_kept"], 1.0)
    self.assertNotIn("accuracy", perfect)
    error_only = metrics.compute_reconstruction(x, r)
    self.assertEqual(set(error_only), {"l1", "l1_01"})
    self.assertEqual(error_only["l1"], out["l1"])

  def test_shape_mismatch_raises(self):
    with self.assertRaisesRegex(ValueError, "differ in shape"):
      metrics.compute_reconstruction(np.zeros((2, 3)), np.zeros((2, 4)), [0, 0], [0, 0])


if __name__ == "__main__":
  tf.test.main()
