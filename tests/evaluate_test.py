import json
import os

import tensorflow as tf

from tests import testutil
from tfgan_info import evaluate
from tfgan_info import train_lib


class EvaluateTest(tf.test.TestCase):

  def test_evaluates_an_exported_run(self):
    model_dir = os.path.join(self.get_temp_dir(), "eval_run")
    train_lib.run(testutil.tiny_config(model_dir, train_steps=2))
    results = evaluate.evaluate(model_dir, batch_size=1000)
    self.assertEqual(results["num_examples"], 10000)
    self.assertBetween(results["c1_matched_accuracy"], 0.0, 1.0)
    self.assertLen(results["c1_mapping"], 10)
    self.assertEqual(sorted(results["c1_mapping"].values()), list(range(10)))
    with open(os.path.join(model_dir, "results", "metrics.json")) as f:
      saved = json.load(f)
    self.assertEqual(saved["c1_matched_accuracy"], results["c1_matched_accuracy"])
    self.assertTrue(saved["export"].endswith(os.path.join("export", "infogan", "2")))


if __name__ == "__main__":
  tf.test.main()
