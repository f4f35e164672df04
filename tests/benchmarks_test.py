import importlib.util
import os
import sys
import unittest

import tensorflow as tf

from tests import testutil
from tfgan_info import benchmarks

CHILD = """
import sys, time
print("ready", flush=True)
for line in sys.stdin:
  print(0.01 * int(line), flush=True)
"""


class BenchmarksTest(tf.test.TestCase):

  def test_reports_throughput_and_input_wait(self):
    config = testutil.tiny_config(self.get_temp_dir())
    r = benchmarks.benchmark(config, xla=False, warmup_steps=1, window_steps=2, windows=3)
    self.assertLen(r["window_images_per_s"], 3)
    self.assertGreater(r["images_per_s"], 0.0)
    self.assertBetween(r["input_wait_share"], 0.0, 1.0)
    self.assertEqual(r["batch_size"], 8)
    self.assertFalse(r["xla"])

  def test_serving_latency_of_every_generate_signature(self):
    for model in ("infogan", "cgan", "age"):
      config = testutil.tiny_config("")
      if model == "cgan":
        config = config.replace(model=dict(model="cgan", architecture="mlp", codes="cat:10"))
      if model == "age":
        config = config.replace(model=dict(model="age", architecture="dcgan", codes="",
                                           noise="sphere", noise_dim=8))
      r = benchmarks.serving_latency(config, calls=5, warmup=1)
      self.assertEqual(r["calls"], 5)
      self.assertBetween(r["p50_ms"], 0.0, r["p90_ms"], model)


  def test_round_ratio_pairs_the_windows_of_each_round(self):
    ours = {"window_images_per_s": [200.0, 100.0, 330.0]}
    peer = {"window_images_per_s": [100.0, 100.0, 110.0]}
    self.assertAlmostEqual(benchmarks.round_ratio(ours, peer), 2.0)  # of 2, 1, 3
    with self.assertRaises(ValueError):
      benchmarks.round_ratio(ours, {"window_images_per_s": [1.0]})

  def test_keras_step_with_steps_per_execution(self):
    config = testutil.tiny_config(self.get_temp_dir())
    window, info = benchmarks.keras_step(config, xla=False, steps_per_execution=2)
    self.assertGreater(window(4), 0.0)
    with self.assertRaisesRegex(ValueError, "not a multiple of steps_per_execution 2"):
      window(3)
    self.assertEqual(info["batch_size"], 8)

  def test_compare_exports(self):
    from tfgan_info import export as export_lib  # pylint: disable=g-import-not-at-top
    from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
    from tfgan_info import served as served_lib  # pylint: disable=g-import-not-at-top
    config = testutil.tiny_config("")
    model = train_lib.build_model(config)
    half = served_lib.serving_model(model, config.replace(runtime={"export_weights": "bfloat16"}))
    paths = {"float32": export_lib.export(model, self.get_temp_dir(), "a", 1),
             "bfloat16": export_lib.export(half, self.get_temp_dir(), "b", 1)}
    r = benchmarks.compare_exports(paths, calls=3, rounds=2, batch_size=4, warmup=1)
    self.assertEqual(list(r), ["float32", "bfloat16"])
    self.assertEqual(r["float32"]["p50_ratio"], 1.0)
    self.assertEqual(r["float32"]["max_abs_diff"], 0.0)
    self.assertBetween(r["bfloat16"]["max_abs_diff"], 1e-6, 0.05)  # bfloat16 rounding
    for v in r.values():
      self.assertBetween(v["p50_ms"], 0.0, v["p90_ms"])
      self.assertGreater(v["images_per_s"], 0.0)

  def test_alternate_rotates_the_order_and_pairs_the_ratios(self):
    order = []

    def window(name, seconds):
      return lambda steps: order.append(name) or seconds * steps
    variants = {"a": (window("a", 0.1), {"batch_size": 10}),
                "b": (window("b", 0.05), {"batch_size": 10})}
    r = benchmarks.alternate(variants, warmup_steps=1, window_steps=2, windows=3)
    self.assertEqual(order, ["a", "b", "a", "b", "b", "a", "a", "b"])  # warm-up, rotated
    self.assertAllClose([r["a"]["images_per_s"], r["b"]["images_per_s"]], [100.0, 200.0])
    self.assertAllClose([r["a"]["ratio"], r["b"]["ratio"]], [1.0, 2.0])

  def test_keras_step_and_a_peer_process_side_by_side(self):
    config = testutil.tiny_config(self.get_temp_dir())
    variants = {"keras": benchmarks.keras_step(config, xla=False, params={"reuse_fakes": True}),
                "child": benchmarks.process_step([sys.executable, "-c", CHILD], 8)}
    r = benchmarks.alternate(variants, warmup_steps=1, window_steps=2, windows=2)
    self.assertAllClose(r["child"]["images_per_s"], 8 * 2 / 0.02)
    self.assertGreater(r["keras"]["images_per_s"], 0.0)
    with self.assertRaisesRegex(RuntimeError, "did not start"):
      benchmarks.process_step([sys.executable, "-c", "print('no')"], 8)

  @unittest.skipUnless(importlib.util.find_spec("torch"), "pip install -e '.[peers]'")
  def test_the_pytorch_peer_answers_windows(self):
    peer = os.path.join(testutil.ROOT, "tools", "peers", "torch_infogan.py")
    window, info = benchmarks.process_step([sys.executable, peer, "--mode=eager"], 64)
    self.assertGreater(window(1), 0.0)
    self.assertEqual(info["batch_size"], 64)


if __name__ == "__main__":
  tf.test.main()
