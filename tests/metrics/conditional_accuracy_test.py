import numpy as np
import tensorflow as tf

from tfgan_info.metrics import conditional_accuracy


class ConditionalAccuracyTest(tf.test.TestCase):

  def test_accuracy_and_per_class(self):
    requested = np.array([0, 0, 1, 1, 2, 2])
    predicted = np.array([0, 1, 1, 1, 0, 0])
    out = conditional_accuracy.compute_conditional_accuracy(predicted, requested, 4)
    self.assertAllClose(out["accuracy"], 0.5)
    self.assertAllClose(out["per_class_accuracy"][:3], [0.5, 1.0, 0.0])
    self.assertTrue(np.isnan(out["per_class_accuracy"][3]))  # never requested
    self.assertEqual(out["num_generated"], 6)

  def test_bad_inputs(self):
    with self.assertRaisesRegex(ValueError, "same non-zero length"):
      conditional_accuracy.compute_conditional_accuracy([0, 1], [0], 2)
    with self.assertRaisesRegex(ValueError, r"\[0, 2\)"):
      conditional_accuracy.compute_conditional_accuracy([0, 2], [0, 1], 2)


if __name__ == "__main__":
  tf.test.main()
