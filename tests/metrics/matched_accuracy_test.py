import numpy as np
import tensorflow as tf

from tfgan_info import metrics


class MatchedAccuracyTest(tf.test.TestCase):

  def test_permuted_categories_score_one(self):
    labels = np.random.default_rng(0).integers(0, 10, 1000)
    perm = np.random.default_rng(1).permutation(10)
    result = metrics.matched_accuracy(perm[labels], labels, 10)
    self.assertEqual(result["accuracy"], 1.0)
    self.assertEqual(result["mapping"], {int(perm[c]): c for c in range(10)})
    self.assertAllEqual(result["per_class_accuracy"], np.ones(10))
    confusion = np.array(result["confusion"])
    self.assertEqual(confusion.sum(), 1000)
    self.assertEqual(np.count_nonzero(confusion), 10)  # one cell per category
    self.assertEqual(confusion[perm[3], 3], np.sum(labels == 3))

  def test_constant_prediction_scores_largest_class_share(self):
    labels = np.array([0] * 50 + [1] * 30 + [2] * 20)
    self.assertAlmostEqual(metrics.matched_accuracy(np.zeros(100), labels, 3)["accuracy"], 0.5)

  def test_random_predictions_score_near_chance(self):
    rng = np.random.default_rng(2)
    acc = metrics.matched_accuracy(rng.integers(0, 10, 20000), rng.integers(0, 10, 20000))
    self.assertBetween(acc["accuracy"], 0.09, 0.13)

  def test_against_brute_force(self):
    # 3 classes: check against all 6 one-to-one mappings.
    import itertools
    rng = np.random.default_rng(3)
    preds, labels = rng.integers(0, 3, 40), rng.integers(0, 3, 40)
    best = max(np.mean(np.array(p)[preds] == labels) for p in itertools.permutations(range(3)))
    self.assertAlmostEqual(metrics.matched_accuracy(preds, labels, 3)["accuracy"], best)

  def test_compute_over_batches(self):
    ds = [{"image": np.eye(4)[[0, 1]], "label": np.array([2, 3])},
          {"image": np.eye(4)[[2, 3]], "label": np.array([0, 1])}]
    result = metrics.compute_matched_accuracy(lambda x: x, ds, 4)
    self.assertEqual(result["accuracy"], 1.0)
    self.assertEqual(result["num_examples"], 4)

  def test_bad_input(self):
    with self.assertRaisesRegex(ValueError, "equal, non-empty"):
      metrics.matched_accuracy([1, 2], [1])
    with self.assertRaisesRegex(ValueError, "must lie in"):
      metrics.matched_accuracy([5], [1], 3)


if __name__ == "__main__":
  tf.test.main()
