"""tfgan_info.optimizers: the fused Adam step is Keras' Adam step."""

import contextlib

import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import optimizers


def _train(optimizer, jit_compile: bool, steps: int = 12, strategy=None):
  """Weights and optimizer variables after ``steps`` steps of a small regression."""
  keras.utils.set_random_seed(0)
  scope = strategy.scope() if strategy else contextlib.nullcontext()
  with scope:
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(7, activation="tanh"),
                              keras.layers.Dense(1)])
    optimizer.build(model.trainable_variables)

  def step_fn(x):
    with tf.GradientTape() as tape:
      loss = tf.reduce_mean(tf.square(model(x) - 1.0))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

  @tf.function(jit_compile=jit_compile)
  def step(x):
    if strategy:
      strategy.run(step_fn, (x,))
    else:
      step_fn(x)

  for i in range(steps):
    step(tf.random.stateless_normal((8, 5), (i, 0)))
  return [v.numpy() for v in model.weights + list(optimizer.variables)]


class FusedAdamTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(("graph", False), ("xla", True))
  def test_same_weights_moments_and_average_as_keras_adam(self, jit_compile):
    kwargs = dict(beta_1=0.5, beta_2=0.99, use_ema=True, ema_momentum=0.9)
    expected = _train(keras.optimizers.Adam(1e-2, **kwargs), jit_compile)
    fused = _train(optimizers.FusedAdam(1e-2, **kwargs), jit_compile)
    self.assertLen(fused, len(expected))
    for a, b in zip(expected, fused):
      self.assertAllClose(a, b, rtol=1e-5, atol=1e-6)
    # the step moved the weights, so the comparison is not of two untouched models
    self.assertGreater(np.abs(fused[0] - _train(optimizers.FusedAdam(0.0), False, 1)[0]).max(),
                       1e-3)

  def test_under_mirrored_strategy(self):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    expected = _train(keras.optimizers.Adam(1e-2), False)
    with strategy.scope():
      opt = optimizers.FusedAdam(1e-2)
    for a, b in zip(expected, _train(opt, False, strategy=strategy)):
      self.assertAllClose(a, b, rtol=1e-5, atol=1e-6)

  def test_amsgrad_falls_back_to_keras(self):
    expected = _train(keras.optimizers.Adam(1e-2, amsgrad=True), False)
    for a, b in zip(expected, _train(optimizers.FusedAdam(1e-2, amsgrad=True), False)):
      self.assertAllClose(a, b, rtol=1e-6, atol=1e-7)

  def test_adam_factory(self):
    self.assertIsInstance(optimizers.adam(1e-3), optimizers.FusedAdam)
    with optimizers.keras_adam():
      plain = optimizers.adam(1e-3, beta_1=0.5)
    self.assertNotIsInstance(plain, optimizers.FusedAdam)
    self.assertEqual(plain.beta_1, 0.5)
    self.assertIsInstance(optimizers.adam(1e-3), optimizers.FusedAdam)

  def test_on_step_reads_the_step_counter_and_survives_a_copy(self):
    step = tf.Variable(0, dtype=tf.int64)
    schedule = optimizers.OnStep(keras.optimizers.schedules.ExponentialDecay(
        1.0, decay_steps=2, decay_rate=0.5, staircase=True), step)
    adam = optimizers.adam(schedule)
    adam.iterations.assign(100)  # the optimizer's own count does not matter
    self.assertAllClose(adam.learning_rate, 1.0)
    step.assign(5)
    self.assertAllClose(adam.learning_rate, 0.25)
    settings = adam.get_config()
    settings["learning_rate"] = schedule
    self.assertAllClose(type(adam).from_config(settings).learning_rate, 0.25)


if __name__ == "__main__":
  tf.test.main()
