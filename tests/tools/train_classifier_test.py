import json
import os
import sys

import keras
import numpy as np
import tensorflow as tf

from tests import testutil

sys.path.insert(0, os.path.join(testutil.ROOT, "tools"))
import train_classifier  # pylint: disable=g-import-not-at-top,wrong-import-position


class TrainClassifierTest(tf.test.TestCase):

  def test_trains_saves_and_reports(self):
    out_dir = os.path.join(self.get_temp_dir(), "clf")
    results = train_classifier.train_classifier(
        "mnist", out_dir, testutil.RAW_DATA_DIR, testutil.TFDS_DIR, epochs=1,
        steps_per_epoch=200, batch_size=32, jit_compile=False, verbose=0)
    with open(os.path.join(out_dir, "results.json")) as f:
      self.assertEqual(json.load(f), results)
    # 200 steps beat chance by far on real MNIST batches; the test accuracy (batch-norm
    # moving statistics, not yet settled after so few steps) is only checked to be reported.
    self.assertGreater(results["last_epoch_train_accuracy"], 0.5)
    self.assertBetween(results["test_accuracy"], 0.0, 1.0)
    model = keras.models.load_model(results["path"])
    self.assertEqual(model(np.zeros((2, 28, 28, 1), np.float32)).shape, (2, 10))

  def test_paired_dataset_trains_on_the_inputs(self):
    out_dir = os.path.join(self.get_temp_dir(), "edges")
    results = train_classifier.train_classifier(
        "edges2fashion_mnist", out_dir, testutil.RAW_DATA_DIR, testutil.TFDS_DIR, epochs=1,
        steps_per_epoch=3, batch_size=8, jit_compile=False, verbose=0)
    self.assertEqual(results["input"], "AtoB")
    model = keras.models.load_model(results["path"])
    # one half of the 28 x 56 A|B example, not the pair
    self.assertEqual(tuple(model.input_shape), (None, 28, 28, 1))
    batch = next(iter(train_classifier.input_batches(
        "edges2fashion_mnist", "test", batch_size=4, raw_data_dir=testutil.RAW_DATA_DIR,
        data_dir=testutil.TFDS_DIR)))
    edges = batch[0].numpy()
    # A = binary Sobel edges: only the two extremes of [-1, 1]
    self.assertAllInSet(np.unique(edges), [-1.0, 1.0])

  def test_dataset_without_labels(self):
    with self.assertRaisesRegex(ValueError, "no class labels"):
      train_classifier.train_classifier("celeb_a", self.get_temp_dir())


if __name__ == "__main__":
  tf.test.main()
