"""tools/factor_reference.py: each factor moves its own stroke factor on real-like digits."""

import os
import subprocess
import sys

import numpy as np
import tensorflow as tf

from tests import testutil


class FactorReferenceTest(tf.test.TestCase):

  def test_each_factor_moves_its_own_measure(self):
    x = np.full((4, 28, 28, 1), -1.0, np.float32)
    for i in range(4):  # upright strokes 3 px wide, 16 px tall, and a cross-bar
      x[i, 6:22, 12 + i % 2:15 + i % 2] = 1.0
      x[i, 13:16, 9:19] = 1.0
    tool = testutil.load_tool("factor_reference")
    out = tool.factor_reference(x, ["rotation", "width", "height"])
    self.assertEqual(set(out), {"rotation", "width", "height"})
    self.assertGreater(out["rotation"]["slant"]["correlation"], 0.9)
    self.assertGreater(out["rotation"]["slant"]["change"], 0.2)
    self.assertGreater(out["width"]["width"]["correlation"], 0.9)
    self.assertLess(abs(out["width"]["slant"]["change"]), 0.05)
    self.assertGreater(out["height"]["height"]["change"], 1.0)
    self.assertLess(abs(out["height"]["width"]["change"]), 0.1)

  def test_command_line_prints_json_for_the_test_split(self):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=testutil.ROOT)
    proc = subprocess.run(
        [sys.executable, "tools/factor_reference.py", f"--data_dir={testutil.TFDS_DIR}",
         f"--raw_data_dir={testutil.RAW_DATA_DIR}", "--num_images=20", "--factors=width"],
        cwd=testutil.ROOT, env=env, capture_output=True, text=True, timeout=300)
    self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
    self.assertIn('"width"', proc.stdout)
    self.assertIn('"num_draws": 20', proc.stdout)


if __name__ == "__main__":
  tf.test.main()
