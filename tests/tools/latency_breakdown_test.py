import subprocess
import sys

import tensorflow as tf

from tests import testutil
from tests.train_test import cli_env


class LatencyBreakdownTest(tf.test.TestCase):

  def test_prints_every_part(self):
    proc = subprocess.run(
        [sys.executable, "tools/latency_breakdown.py", "--flagfile=configs/gan_mnist.cfg",
         "--calls=40", "--repeats=1"], cwd=testutil.ROOT, env=cli_env(), capture_output=True,
        text=True, timeout=300)
    self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
    for pattern in (r"exported generate, run 1: p50 \d+\.\d\d ms",
                    r"generator in a tf.function, XLA False: p50 \d+\.\d\d ms",
                    r"generator in a tf.function, XLA True: p50 \d+\.\d\d ms",
                    r"largest Dense matmul 1024x784 \(3\.2 MB float32\): p50 \d+\.\d\d ms",
                    r"pass-through signature: p50 \d+\.\d us, with the in-graph checks "
                    r"\d+\.\d us \([+-]\d+\.\d us\)"):
      self.assertRegex(proc.stdout, pattern)


if __name__ == "__main__":
  tf.test.main()
