"""The command line: bad input gives a one-line error and no traceback."""

import os
import shutil
import subprocess
import sys

import tensorflow as tf
from absl.testing import parameterized

from tests import testutil


def run_cli(module, *args):
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=testutil.ROOT)
  return subprocess.run([sys.executable, "-m", module, *args], cwd=testutil.ROOT, env=env,
                        capture_output=True, text=True, timeout=300)


class TrainCliTest(tf.test.TestCase, parameterized.TestCase):

  def _check_error(self, proc, pattern):
    self.assertNotEqual(proc.returncode, 0)
    self.assertNotIn("Traceback", proc.stderr)
    self.assertRegex(proc.stderr, pattern)

  @parameterized.named_parameters(
      ("bad_codes", ["--codes=cat:ten"], r"Error: Code spec entry 'cat:ten' has a bad size"),
      ("unknown_model", ["--model=vae"], r"flag --model=vae: value should be one of"),
      ("bad_batch", ["--batch_size=0"], r"flag --batch_size=0: 0 is not a positive integer"),
      ("no_model_dir", ["--model_dir="], r"Error: --model_dir is required"),
  )
  def test_bad_flags(self, args, pattern):
    proc = run_cli("tfgan_info.train", "--flagfile=configs/infogan_mnist.cfg", *args)
    self._check_error(proc, pattern)

  def test_missing_raw_file_and_different_run(self):
    raw = os.path.join(self.get_temp_dir(), "raw")
    shutil.copytree(os.path.join(testutil.RAW_DATA_DIR, "mnist"), raw, dirs_exist_ok=True)
    os.chmod(raw, 0o755)
    os.remove(os.path.join(raw, "train-images-idx3-ubyte.gz"))
    model_dir = os.path.join(self.get_temp_dir(), "cli_run")
    common = ["--flagfile=configs/infogan_mnist.cfg", f"--model_dir={model_dir}",
              f"--data_dir={self.get_temp_dir()}/tfds"]
    proc = run_cli("tfgan_info.train", *common, f"--raw_data_dir={raw}")
    self._check_error(proc, r"Error: Missing raw file .*train-images-idx3-ubyte.gz")
    # model_dir now holds that run's config; another code spec is a different run.
    proc = run_cli("tfgan_info.train", *common, f"--raw_data_dir={raw}", "--codes=cat:5")
    self._check_error(proc, r"Error: .* holds a different run \(differs in model.codes\)")

  def test_evaluate_without_a_run(self):
    proc = run_cli("tfgan_info.evaluate", f"--model_dir={self.get_temp_dir()}/nothing")
    self._check_error(proc, r"Error: No run in .*config.json is missing")


if __name__ == "__main__":
  tf.test.main()
