import json
import os

import tensorflow as tf

from tests import testutil
from tfgan_info import data
from tfgan_info import evaluate
from tfgan_info import metrics
from tfgan_info import train_lib


class EvaluateTest(tf.test.TestCase):

  def test_evaluates_an_exported_run(self):
    model_dir = os.path.join(self.get_temp_dir(), "eval_run")
    model, _ = train_lib.run(testutil.tiny_config(model_dir, train_steps=2))
    results = evaluate.evaluate(model_dir, batch_size=1000)
    self.assertEqual(results["num_examples"], 10000)
    # The same number from the Keras model in memory (not the SavedModel).
    test = data.pipeline(data.load("mnist", "test", testutil.TFDS_DIR, testutil.RAW_DATA_DIR),
                         1000, shuffle=False, repeat=False, cache=False, drop_remainder=False)
    expected = metrics.compute_matched_accuracy(lambda x: model.infer_codes(x)[0], test, 10)
    self.assertAllClose(results["c1_matched_accuracy"], expected["accuracy"])
    self.assertEqual(results["c1_confusion"], expected["confusion"])
    self.assertLen(results["c1_mapping"], 10)
    self.assertEqual(sorted(results["c1_mapping"].values()), list(range(10)))
    with open(os.path.join(model_dir, "results", "metrics.json")) as f:
      saved = json.load(f)
    self.assertEqual(saved["c1_matched_accuracy"], results["c1_matched_accuracy"])
    self.assertTrue(saved["export"].endswith(os.path.join("export", "infogan", "2")))


if __name__ == "__main__":
  tf.test.main()
