"""Attribute rank correlation and R-precision (metrics/text_conditioning.py)."""

import numpy as np
import tensorflow as tf
from scipy import stats

from tfgan_info.metrics import text_conditioning as tc


class AttributeCorrelationsTest(tf.test.TestCase):

  def test_within_class_spearman_and_marked_pairs(self):
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1], 90)
    requested = rng.integers(3, size=(180, 2))
    measured = np.stack([requested[:, 0] + 0.1 * rng.normal(size=180),  # follows
                         rng.normal(size=180)], axis=1)  # ignores the request
    measured[labels == 1, 0] += 100.0  # a class offset: within-class ranks only
    out = tc.attribute_correlations(requested, measured, labels, ("a", "b"))
    expected = [stats.spearmanr(requested[labels == k, 0], measured[labels == k, 0])[0]
                for k in (0, 1)]
    self.assertAllClose(out["a"]["per_class"], expected)
    self.assertGreater(out["a"]["correlation"], 0.9)
    self.assertLess(abs(out["b"]["correlation"]), 0.2)
    marked = tc.attribute_correlations(requested, measured, labels, ("a", "b"),
                                       pairs=np.array([[True, False], [False, False]]))
    self.assertAllClose(marked["a_marked"]["per_class"][0], expected[0])
    self.assertIsNone(marked["a_marked"]["per_class"][1])
    self.assertAllClose(marked["a"]["correlation"], expected[1])
    self.assertIsNone(marked["b_marked"]["correlation"])

  def test_nan_measurements_are_left_out_and_shapes_checked(self):
    requested = np.tile([[0], [1], [2]], (4, 1))
    measured = requested.astype(float)
    measured[0] = np.nan
    out = tc.attribute_correlations(requested, measured, np.zeros(12, int), ("a",))
    self.assertAllClose(out["a"]["correlation"], 1.0)
    with self.assertRaisesRegex(ValueError, "need requested and measured"):
      tc.attribute_correlations(requested, measured[:5], np.zeros(12, int), ("a",))


class RPrecisionTest(tf.test.TestCase):

  def test_perfect_and_random_encoders(self):
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(50), 4)
    basis = rng.normal(size=(50, 16))
    basis /= np.linalg.norm(basis, axis=1, keepdims=True)
    text = basis[groups]
    perfect = tc.r_precision(text, text, groups, candidates=100)
    self.assertEqual(perfect["r_precision"], 1.0)
    self.assertEqual(perfect["mean_rank"], 1.0)
    noise = rng.normal(size=text.shape)
    chance = tc.r_precision(noise / np.linalg.norm(noise, axis=1, keepdims=True), text,
                            groups, candidates=100)
    self.assertLess(chance["r_precision"], 0.06)  # 1 / 100 expected
    self.assertBetween(chance["mean_rank"], 35, 65)

  def test_distractors_come_from_other_groups(self):
    # Two groups whose captions share a vector: a same-group "distractor" would tie.
    v = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    out = tc.r_precision(v, v, np.array([0, 0, 1]), candidates=5)
    self.assertEqual(out["r_precision"], 1.0)
    with self.assertRaisesRegex(ValueError, "at least two groups"):
      tc.r_precision(v, v, np.zeros(3, int))


if __name__ == "__main__":
  tf.test.main()
