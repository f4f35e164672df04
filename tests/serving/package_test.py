import os
import subprocess
import sys

import tensorflow as tf

from tests import testutil

HEAVY = ("numpy", "tensorflow", "grpc", "tensorflow_serving")


class PackageTest(tf.test.TestCase):

  def test_import_is_cheap(self):
    """Importing tfgan_info.serving (what the CLI's --help needs) loads none of the heavy
    modules: the functions import them."""
    code = ("import sys, tfgan_info.serving; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=testutil.ROOT, capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=testutil.ROOT))
    self.assertEqual(proc.returncode, 0, proc.stderr)
    self.assertEqual(proc.stdout.strip(), "[]")


if __name__ == "__main__":
  tf.test.main()
