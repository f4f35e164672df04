"""The command line tools/serving_request.py, in subprocesses; the library it runs,
tfgan_info.serving, is tested in tests/serving/."""

import json
import os
import subprocess
import sys

import tensorflow as tf

from tests import testutil
from tests.serving import serving_testutil


def run_tool(*flags):
  """The command-line tool in a subprocess (started now, waited for in the test), on this
  checkout's package."""
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=testutil.ROOT)
  return subprocess.Popen(
      [sys.executable, os.path.join(testutil.ROOT, "tools", "serving_request.py")] + list(flags),
      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


class ServingRequestToolTest(tf.test.TestCase):
  """The tool on one small InfoGAN export (`serving_testutil.infogan_export`)."""

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    _, cls.model_dir, _, _ = serving_testutil.infogan_export()
    cls.output = os.path.join(tf.compat.v1.test.get_temp_dir(), "serving_request_out.json")
    script_flags = ("--model_dir", cls.model_dir, "--endpoint", "generate")
    cls.cli_ok = run_tool(*script_flags, "--output", cls.output)
    cls.cli_bad = run_tool(*script_flags, "--inputs_json",
                           json.dumps({"noise": [[0.0] * 3], "codes": [[0.0] * 12]}))

  @classmethod
  def tearDownClass(cls):
    for process in (cls.cli_ok, cls.cli_bad):
      if process.poll() is None:
        process.kill()
      process.communicate()
    super().tearDownClass()

  def test_tool_on_the_command_line(self):
    out, err = self.cli_ok.communicate(timeout=120)
    self.assertEqual(self.cli_ok.returncode, 0, err)
    self.assertIn("images: shape (2, 28, 28, 1) dtype float32", out)
    with open(self.output) as f:
      self.assertEqual(json.load(f)["outputs"], {"images": {"shape": [2, 28, 28, 1],
                                                            "dtype": "float32"}})
    _, err = self.cli_bad.communicate(timeout=120)
    self.assertEqual(self.cli_bad.returncode, 1)
    self.assertNotIn("Traceback", err)
    self.assertEqual(err.strip().splitlines()[-1],
                     "Error: input 'noise' of signature 'generate' must be float32 [N, 62], "
                     "got float32 [1, 3]")


if __name__ == "__main__":
  tf.test.main()
