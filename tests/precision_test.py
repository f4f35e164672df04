"""--precision: 16-bit compute with float32 variables, losses, batch-norm statistics, optimizer
state and endpoints."""

import os

import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tests import testutil
from tests.models.infogan_test import loss_of
from tfgan_info import config as config_lib
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

  @parameterized.product(architecture=["infogan_mnist", "dcgan", "mlp"],
                         policy=["mixed_bfloat16", "mixed_float16"])
  def test_optimal_discriminator_value(self, architecture, policy):
    # The optimal-discriminator check of tests/losses_test.py through a network built in 16
    # bits: with D's output layer zeroed, D = 1/2 on every image, and the D-step loss is
    # 2 ln 2 (Goodfellow et al. 2014, Thm. 1) to float32 round-off, because the logits and the
    # loss stay float32 while the body computes in 16 bits.
    config = testutil.tiny_config(self.get_temp_dir()).replace(
        model=dict(model="infogan", architecture=architecture), runtime={"precision": policy})
    keras.utils.set_random_seed(0)
    model = train_lib.build_model(config)
    data = next(iter(train_lib.train_dataset(config)))
    noise, codes = model.sample_latents(config.data.batch_size)
    fake = model.generate(noise, codes, training=True)
    head = model.discriminator.d_head
    head(tf.zeros((1,) + tuple(head.input_shape[1:])))
    for v in head.weights:
      v.assign(tf.zeros_like(v))
    self.assertEqual(model.discriminator.body.compute_dtype, policy.split("_")[1])
    loss, report = loss_of(model, "d", data, noise, codes, fake)
    self.assertEqual(loss.dtype, tf.float32)
    self.assertAllClose(report["d_loss"], np.full(config.data.batch_size, 2 * np.log(2)),
                        rtol=1e-6)

  @parameterized.parameters(("infogan", "discriminator"), ("infogan", "generator"),
                            ("cgan", "generator"), ("age", "generator"))
  def test_float32_network_builds_the_other_in_16_bits(self, name, network):
    # --float32_network: that network's layers (D's body and heads, Q included) compute in
    # float32, the other's in bf16, and the step trains across the boundary.
    model_dir = os.path.join(self.get_temp_dir(), f"f32_{name}_{network}")
    config = testutil.tiny_config(model_dir, train_steps=2).replace(
        model=MODELS[name], runtime={"precision": "mixed_bfloat16", "float32_network": network})
    if name == "age":
      with self.assertRaisesRegex(ValueError, "--float32_network does not apply"):
        train_lib.build_model(config)
      return
    model, _ = train_lib.run(config)
    dtypes = {}
    for net in ("generator", "discriminator"):
      layers = [x for x in getattr(model, net)._flatten_layers() if x.weights]
      self.assertNotEmpty(layers)
      dtypes[net] = {x.compute_dtype for x in layers}
    other = "generator" if network == "discriminator" else "discriminator"
    self.assertEqual(dtypes[network], {"float32"})
    self.assertIn("bfloat16", dtypes[other])  # its last layer stays float32 (module docstring)
    self.assertTrue(all(np.isfinite(m.result()) for m in model.metrics))

  def test_auto_is_float32(self):
    # A 16-bit default only where full runs matched float32 (none has yet).
    self.assertEqual(precision.resolve("auto"), "float32")
    self.assertEqual(precision.resolve("mixed_float16"), "mixed_float16")
    with self.assertRaisesRegex(ValueError, "Unknown precision"):
      precision.resolve("float64")

  def test_auto_is_resolved_once_and_kept_on_resume(self):
    model_dir = os.path.join(self.get_temp_dir(), "auto")
    config = testutil.tiny_config(model_dir, train_steps=2)
    self.assertEqual(config.runtime.precision, "auto")  # the default
    expected = precision.resolve("auto")
    self.assertEqual(train_lib.resolve_precision(config).runtime.precision, expected)
    bf16 = config.replace(runtime={"precision": "mixed_bfloat16"})
    train_lib.prepare_model_dir(bf16)
    # The run in model_dir trained in bfloat16: auto resumes it so, on any machine.
    self.assertEqual(train_lib.resolve_precision(config).runtime.precision, "mixed_bfloat16")
    self.assertFalse(train_lib.check_model_dir(train_lib.resolve_precision(config)))
    self.assertEqual(train_lib.resolve_precision(config.replace(runtime={"overwrite": True}))
                     .runtime.precision, expected)
    model, _ = train_lib.run(config.replace(runtime={"train_steps": 1}))
    self.assertEqual(model.generator.compute_dtype, "bfloat16")
    stored = config_lib.read_run_config(model_dir)
    self.assertEqual(stored.runtime.precision, "mixed_bfloat16")

  def test_a_resume_keeps_the_precision(self):
    model_dir = os.path.join(self.get_temp_dir(), "resume")
    config = testutil.tiny_config(model_dir, train_steps=2)
    train_lib.run(config)
    with self.assertRaisesRegex(ValueError, r"differs in runtime.precision"):
      train_lib.check_model_dir(config.replace(runtime={"precision": "mixed_bfloat16"}))


if __name__ == "__main__":
  tf.test.main()
