"""--precision: 16-bit compute with float32 variables, losses, batch-norm statistics, optimizer
state and endpoints."""

import os

import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tests import testutil
from tfgan_info import precision
from tfgan_info import train_lib

MODELS = {
    "infogan": dict(model="infogan"),
    "cgan": dict(model="cgan", architecture="mlp", codes="cat:10"),
    "age": dict(model="age", architecture="dcgan", codes="", noise="sphere", noise_dim=16),
}


class PrecisionTest(tf.test.TestCase, parameterized.TestCase):

  def test_policy_scope_restores_the_global_policy(self):
    before = keras.config.dtype_policy().name
    with precision.policy_scope("mixed_bfloat16"):
      self.assertEqual(keras.config.dtype_policy().name, "mixed_bfloat16")
      layer = keras.layers.Dense(2)
    self.assertEqual(keras.config.dtype_policy().name, before)
    self.assertEqual(layer.compute_dtype, "bfloat16")
    with self.assertRaisesRegex(ValueError, "Unknown precision"):
      with precision.policy_scope("int8"):
        pass

  @parameterized.product(name=sorted(MODELS), policy=["mixed_bfloat16", "mixed_float16"])
  def test_trains_and_exports_float32(self, name, policy):
    model_dir = os.path.join(self.get_temp_dir(), f"{name}_{policy}")
    config = testutil.tiny_config(model_dir, train_steps=2).replace(
        model=MODELS[name], runtime={"precision": policy})
    model, path = train_lib.run(config)
    self.assertEqual(model.generator.compute_dtype, policy.split("_")[1])
    self.assertTrue(all(v.dtype == "float32" for v in model.weights
                        if v.dtype.startswith("float")))
    for opt in model.optimizers.values():
      self.assertEqual(isinstance(opt, keras.optimizers.LossScaleOptimizer),
                       policy == "mixed_float16")
      self.assertTrue(all(v.dtype in ("float32", "int64", "int32") for v in opt.variables))
    self.assertEqual(train_lib.callbacks_lib.model_step(model), 2)
    self.assertTrue(all(np.isfinite(m.result()) for m in model.metrics))
    loaded = tf.saved_model.load(path)
    for endpoint, fn in loaded.signatures.items():
      for out, spec in fn.structured_outputs.items():
        self.assertIn(spec.dtype, (tf.float32, tf.int32), f"{endpoint}/{out}")

  def test_a_resume_keeps_the_precision(self):
    model_dir = os.path.join(self.get_temp_dir(), "resume")
    config = testutil.tiny_config(model_dir, train_steps=2)
    train_lib.run(config)
    with self.assertRaisesRegex(ValueError, r"differs in runtime.precision"):
      train_lib.check_model_dir(config.replace(runtime={"precision": "mixed_bfloat16"}))


if __name__ == "__main__":
  tf.test.main()
