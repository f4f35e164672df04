import json
import os
import sys
from unittest import mock

import tensorflow as tf

from tests import testutil
from tests.train_test import checkpoint_step

sys.path.insert(0, os.path.join(testutil.ROOT, "tools"))
import learning_curve  # pylint: disable=g-import-not-at-top,wrong-import-position

TINY_DSPRITES = [f"--raw_data_dir={testutil.RAW_DATA_DIR}", f"--data_dir={testutil.TFDS_DIR}",
                 "--batch_size=8", "--shuffle_buffer=64", "--jit_compile=false",
                 "--codes=uniform:1,uniform:1,uniform:1", "--noise_dim=4", "--verbose=0",
                 "--image_every=1000", "--bn_recalibration_images=64", "--width=8"]


class LearningCurveTest(tf.test.TestCase):

  def test_one_run_in_chunks_scored_after_each_and_resumed(self):
    run = os.path.join(self.get_temp_dir(), "curve")
    lines = []
    real_run = learning_curve._run

    def killed_in_evaluate(args, log_path):  # the session ends while step 2 is scored
      if args[0] == "tfgan_info.evaluate":
        raise RuntimeError("killed")
      return real_run(args, log_path)

    def curve(until):
      return learning_curve.measure("configs/infogan_dsprites.cfg", run, every=1,
                                    until=until, train_flags=TINY_DSPRITES, points=40,
                                    eval_points=20, say=lines.append)

    with mock.patch.dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"):
      first = curve(1)
      with mock.patch.object(learning_curve, "_run", side_effect=killed_in_evaluate):
        with self.assertRaisesRegex(RuntimeError, "killed"):
          curve(2)
      self.assertEqual(learning_curve.load_curve(run), first)  # no row for step 2
      trained = learning_curve.trained_seconds(run, first)
      self.assertGreater(trained, first[0]["train_seconds"])  # step 2's chunk counted
      rows = curve(2)  # step 2 resumes at its checkpoint, is exported and scored
    self.assertGreater(rows[1]["train_seconds"], trained)
    self.assertEqual([r["step"] for r in rows], [1, 2])
    self.assertEqual(checkpoint_step(run), 2)  # one run, resumed: its checkpoint is at 2
    self.assertTrue(os.path.exists(os.path.join(run, "export", "infogan", "1")))
    self.assertTrue(os.path.exists(os.path.join(run, "export", "infogan", "2")))
    self.assertLess(rows[0]["train_seconds"], rows[1]["train_seconds"])
    for row in rows:
      scores = row["results"]["disentanglement"]
      self.assertBetween(scores["mig"]["discrete_mig"], 0.0, 1.0)
      self.assertBetween(scores["factor_vae_infogan_cr"]["accuracy"], 0.0, 1.0)
    self.assertLen(lines, 2)
    self.assertIn("step 2", lines[1])
    self.assertIn("MIG", lines[1])
    with open(os.path.join(run, "results", "learning_curve.json")) as f:
      self.assertEqual(json.load(f), rows)
    # Resumed: the measured steps are not run again.
    with mock.patch.object(learning_curve, "_run", side_effect=AssertionError("ran")):
      self.assertEqual(learning_curve.measure("configs/infogan_dsprites.cfg", run, every=1,
                                              until=2), rows)


if __name__ == "__main__":
  tf.test.main()
