"""Translation quality: L1 and SSIM of G(x) against the targets (metrics/translation.py)."""

import numpy as np
import tensorflow as tf

from tfgan_info import metrics


class TranslationTest(tf.test.TestCase):

  def setUp(self):
    super().setUp()
    rng = np.random.default_rng(0)
    self.y = rng.uniform(-1, 1, (6, 28, 28, 1)).astype(np.float32)
    self.g = np.clip(self.y + rng.normal(0, 0.2, self.y.shape), -1, 1).astype(np.float32)

  def test_identity_scores_perfectly(self):
    out = metrics.compute_translation(self.y, self.y)
    self.assertEqual(out["l1"], 0.0)
    self.assertAllClose(out["ssim"], 1.0)
    self.assertEqual(out["num_pairs"], 6)

  def test_l1_matches_numpy_and_ssim_orders_the_outputs(self):
    out = metrics.compute_translation(self.y, self.g, batch_size=4)
    self.assertAllClose(out["l1"], np.abs(self.y - self.g).mean(), rtol=1e-6)
    self.assertAllClose(out["l1_01"], out["l1"] / 2)
    expected = tf.image.ssim((self.y + 1) / 2, (self.g + 1) / 2, max_val=1.0).numpy().mean()
    self.assertAllClose(out["ssim"], expected, rtol=1e-5)
    constant = metrics.compute_translation(self.y, np.zeros_like(self.y))
    self.assertLess(constant["ssim"], 0.05)  # a constant image has no structure in common
    self.assertLess(constant["ssim"], out["ssim"])
    self.assertLess(out["l1"], constant["l1"])

  def test_bad_arguments(self):
    with self.assertRaisesRegex(ValueError, "same non-empty"):
      metrics.compute_translation(self.y, self.y[:3])
    with self.assertRaisesRegex(ValueError, "at least 11x11"):
      metrics.compute_translation(self.y[:, :8, :8], self.y[:, :8, :8])


if __name__ == "__main__":
  tf.test.main()
