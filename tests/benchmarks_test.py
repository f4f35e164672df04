import tensorflow as tf

from tests import testutil
from tfgan_info import benchmarks


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


if __name__ == "__main__":
  tf.test.main()
