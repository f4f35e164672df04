"""tools/compare_runs.py: two runs' latest checkpoints, value by value."""

import os
import subprocess
import sys

import tensorflow as tf

from tests import testutil

sys.path.insert(0, os.path.join(testutil.ROOT, "tools"))
import compare_runs  # pylint: disable=g-import-not-at-top,wrong-import-position


def save_run(model_dir, weights, extra=None):
  """A run folder whose checkpoint holds model/w = weights (and model/<extra> = 1)."""
  model = tf.Module()
  model.w = tf.Variable(weights)
  if extra:
    setattr(model, extra, tf.Variable(1, dtype=tf.int64))
  tf.train.CheckpointManager(tf.train.Checkpoint(model=model),
                             os.path.join(model_dir, "checkpoints"), 1).save()


class CompareRunsTest(tf.test.TestCase):

  def test_finds_the_differing_values_and_the_largest_difference(self):
    root = self.get_temp_dir()
    save_run(f"{root}/a", [1.0, 2.0])
    save_run(f"{root}/b", [1.0, 2.0], extra="global_step")
    save_run(f"{root}/c", [1.0, 2.5])
    same = compare_runs.compare(f"{root}/a", f"{root}/b")
    self.assertEqual((same["different"], same["max_abs_diff"]), ([], 0.0))
    self.assertEqual(same["missing"], ["model/global_step/.ATTRIBUTES/VARIABLE_VALUE"])
    other = compare_runs.compare(f"{root}/a", f"{root}/c")
    self.assertEqual(other["different"], ["model/w/.ATTRIBUTES/VARIABLE_VALUE"])
    self.assertAllClose(other["max_abs_diff"], 0.5)

    def cli(*args):
      return subprocess.run([sys.executable, os.path.join(testutil.ROOT, "tools",
                                                          "compare_runs.py"), *args],
                            capture_output=True, text=True, check=False)
    refused = cli(f"--run_a={root}/a", f"--run_b={root}/b")
    self.assertEqual(refused.returncode, 1)
    self.assertIn("DIFFERENT", refused.stdout)
    allowed = cli(f"--run_a={root}/a", f"--run_b={root}/b", "--new_in_b=model/global_step")
    self.assertEqual(allowed.returncode, 0, allowed.stderr)
    self.assertIn("identical: 1 tensors, 2 values; 0 differ (max |a - b| 0), 0 in one run only "
                  "(only in run_b, allowed: model/global_step", allowed.stdout)


if __name__ == "__main__":
  tf.test.main()
