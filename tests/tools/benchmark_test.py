"""The command line tools/benchmark.py, in a subprocess; its measurements,
tfgan_info.benchmarks, are tested in tests/benchmarks_test.py."""

import json
import os
import subprocess
import sys

import tensorflow as tf

from tests import testutil
from tfgan_info.models.infogan import InfoGANParams


class BenchmarkToolTest(tf.test.TestCase):

  def test_a_variant_sets_model_parameters_by_name(self):
    tool = testutil.load_tool("benchmark")
    params = InfoGANParams()
    self.assertEqual(
        tool.parse_variant("float32/off/lambda_equivariance=0/reuse_fakes=true/reuse", params),
        ("float32", False, {"lambda_equivariance": 0.0, "reuse_fakes": True}, 1, {}))
    self.assertEqual(tool.parse_variant("float32/on/equivariant_codes=rotation", params)[2],
                     {"equivariant_codes": "rotation"})
    with self.assertRaisesRegex(ValueError, "takes true or false"):
      tool.parse_variant("float32/on/reuse_fakes=1", params)

  def test_prints_and_writes_the_results(self):
    output = os.path.join(self.get_temp_dir(), "benchmark.json")
    proc = subprocess.run(
        [sys.executable, "tools/benchmark.py", "--flagfile=configs/gan_mnist.cfg",
         f"--data_dir={testutil.TFDS_DIR}", f"--raw_data_dir={testutil.RAW_DATA_DIR}",
         "--batch_size=8", "--shuffle_buffer=256", "--xla=off", "--warmup_steps=1",
         "--window_steps=2", "--windows=2", "--latency_calls=5", f"--output={output}"],
        cwd=testutil.ROOT, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=testutil.ROOT),
        capture_output=True, text=True, timeout=300)
    self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
    self.assertRegex(proc.stdout, r"gan mnist xla=off: \d+ images/s \(windows \[[\d., ]+\]\), "
                     r"input wait \d+\.\d%, first step \d+\.\ds")
    self.assertRegex(proc.stdout, r"generate, batch 1, from the SavedModel: p50 \d+\.\d\d ms, "
                     r"p90 \d+\.\d\d ms \(5 calls\)")
    with open(output) as f:
      results = json.load(f)
    self.assertEqual((results["model"], results["dataset"]), ("gan", "mnist"))
    self.assertLen(results["runs"], 1)
    self.assertFalse(results["runs"][0]["xla"])
    self.assertLen(results["runs"][0]["window_images_per_s"], 2)
    self.assertEqual(results["generate_latency"]["calls"], 5)
    self.assertNotIn("xla_speedup", results)

  def test_exports_mode_and_a_bad_variant(self):
    from tfgan_info import export as export_lib  # pylint: disable=g-import-not-at-top
    from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
    from tfgan_info import served as served_lib  # pylint: disable=g-import-not-at-top
    config = testutil.tiny_config("")
    model = train_lib.build_model(config)
    half = served_lib.serving_model(model, config.replace(runtime={"export_weights": "bfloat16"}))
    paths = [export_lib.export(model, self.get_temp_dir(), "a", 1),
             export_lib.export(half, self.get_temp_dir(), "b", 1)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=testutil.ROOT)
    proc = subprocess.run(
        [sys.executable, "tools/benchmark.py", f"--exports={','.join(paths)}",
         "--latency_calls=3", "--windows=2"],
        cwd=testutil.ROOT, env=env, capture_output=True, text=True, timeout=300)
    self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
    self.assertRegex(proc.stdout, r"/b/1: generate batch 1 p50 [\d.]+ ms, p90 [\d.]+ ms "
                     r"\([\d.]+x the first's p50, median of 2 rounds\); batch 64: \d+ "
                     r"images/s; max \|difference\| from the first 0\.\d{4}")
    proc = subprocess.run(
        [sys.executable, "tools/benchmark.py", "--flagfile=configs/gan_mnist.cfg",
         "--variants=float32/on/spe0"],
        cwd=testutil.ROOT, env=env, capture_output=True, text=True, timeout=300)
    self.assertNotEqual(proc.returncode, 0)
    self.assertIn("Unknown option 'spe0'", proc.stderr)
    proc = subprocess.run(
        [sys.executable, "tools/benchmark.py", "--flagfile=configs/gan_mnist.cfg",
         "--variants=float32/off/lambda_iic=1"],
        cwd=testutil.ROOT, env=env, capture_output=True, text=True, timeout=300)
    self.assertNotEqual(proc.returncode, 0)
    self.assertIn("'lambda_iic' in --variants='float32/off/lambda_iic=1' is not a parameter "
                  "of the config's model", proc.stderr)
    # the peer does the paper's step: a config with more work on our side is refused
    proc = subprocess.run(
        [sys.executable, "tools/benchmark.py", "--flagfile=configs/infogan_mnist.cfg",
         "--variants=float32/off/unfused", "--peers=eager"],
        cwd=testutil.ROOT, env=env, capture_output=True, text=True, timeout=300)
    self.assertNotEqual(proc.returncode, 0)
    self.assertIn("add --q_step=g --lambda_iic=0", proc.stderr)


if __name__ == "__main__":
  tf.test.main()
