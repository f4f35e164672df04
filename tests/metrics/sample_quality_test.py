import numpy as np
import tensorflow as tf

from tfgan_info.metrics import fid
from tfgan_info.metrics import sample_quality
from tfgan_info.networks import classifier


def toy_feature_fn(images):
  """Features: mean and std of each image; probs: softmax over (mean, -mean)."""
  flat = images.reshape(len(images), -1)
  feats = np.stack([flat.mean(1), flat.std(1)], 1)
  logits = np.stack([flat.mean(1), -flat.mean(1)], 1) * 5
  return feats, np.exp(logits) / np.exp(logits).sum(1, keepdims=True)


class SampleQualityTest(tf.test.TestCase):

  def test_fid_and_score_of_a_feature_fn(self):
    rng = np.random.default_rng(0)
    real = rng.uniform(-1, 1, (300, 4, 4, 1)).astype(np.float32)
    out = sample_quality.compute_sample_quality(real, real[::-1].copy(), toy_feature_fn,
                                                splits=3, batch_size=64)
    self.assertAllClose(out["fid"], 0.0, atol=1e-6)
    shifted = np.clip(real + 0.5, -1, 1)
    worse = sample_quality.compute_sample_quality(real, shifted, toy_feature_fn, splits=3)
    f_real, _ = toy_feature_fn(real)
    f_gen, _ = toy_feature_fn(shifted)
    self.assertAllClose(worse["fid"], fid.compute_fid(f_real, f_gen)["fid"])
    self.assertGreater(worse["fid"], 0.1)
    self.assertBetween(worse["score"], 1.0, 2.0)

  def test_classifier_feature_fn(self):
    fn = sample_quality.classifier_feature_fn(classifier.build_classifier((28, 28, 1), 10))
    feats, probs = fn(np.zeros((3, 28, 28, 1), np.float32))
    self.assertEqual(feats.shape, (3, 128))
    self.assertAllClose(probs.sum(1), np.ones(3), atol=1e-5)

  def test_inception_feature_path(self):
    # Random weights (weights=None): checks resizing, gray -> RGB and the output shapes that
    # the ImageNet weights would give.
    fn, reason = sample_quality.load_inception(None)
    self.assertEqual(reason, "")
    feats, probs = fn(np.zeros((2, 28, 28, 1), np.float32))
    self.assertEqual(feats.shape, (2, 2048))
    self.assertEqual(probs.shape, (2, 1000))
    self.assertAllClose(probs.sum(1), np.ones(2), atol=1e-4)

  def test_offline_without_cached_weights_skips_without_trying_to_download(self):
    with tf.compat.v1.test.mock.patch.object(
        sample_quality, "INCEPTION_CACHE", "/nonexistent/inception.h5"), \
        tf.compat.v1.test.mock.patch.object(sample_quality, "_reachable", lambda host: False), \
        tf.compat.v1.test.mock.patch("keras.applications.InceptionV3") as inception:
      fn, reason = sample_quality.load_inception("imagenet")
    self.assertIsNone(fn)
    inception.assert_not_called()  # so keras never prints "Downloading data from ..."
    self.assertIn("cannot be reached (offline); standard FID/IS skipped", reason)
    self.assertNotIn("\n", reason)

  def test_inception_without_weights_says_skipped(self):
    fn, reason = sample_quality.load_inception("/nonexistent/inception_v3.h5")
    self.assertIsNone(fn)
    self.assertIn("standard FID/IS skipped", reason)
    self.assertNotIn("\n", reason)


if __name__ == "__main__":
  tf.test.main()
