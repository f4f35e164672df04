import os
import sys

import tensorflow as tf

from tests import testutil

sys.path.insert(0, os.path.join(testutil.ROOT, "tools"))
import disentanglement_baselines  # pylint: disable=g-import-not-at-top,wrong-import-position


class DisentanglementBaselinesTest(tf.test.TestCase):

  def test_reference_representations(self):
    out = disentanglement_baselines.baselines(["identity", "constant", "random"],
                                              num_train=300, num_eval=200, time_render=False)
    reps = out["representations"]
    self.assertEqual(reps["identity"]["factor_vae"]["eval_accuracy"], 1.0)
    self.assertEqual(reps["identity"]["beta_vae"]["eval_accuracy"], 1.0)
    # 0.896 with 10,000 points; plug-in MI estimates from 300 points are biased.
    self.assertGreater(reps["identity"]["mig"]["discrete_mig"], 0.6)
    self.assertEqual(reps["constant"]["factor_vae"]["num_active_dims"], 0)
    self.assertEqual(reps["constant"]["mig"]["discrete_mig"], 0.0)
    self.assertLess(reps["random"]["mig"]["discrete_mig"], 0.1)
    self.assertLess(reps["random"]["factor_vae"]["eval_accuracy"], 0.4)
    self.assertNotIn("render_all_seconds", out)

  def test_unknown_representation(self):
    with self.assertRaisesRegex(ValueError, "Unknown representations"):
      disentanglement_baselines.baselines(["oracle"], time_render=False)


if __name__ == "__main__":
  tf.test.main()
