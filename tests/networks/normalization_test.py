import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import precision
from tfgan_info.networks import normalization


class FusedBatchNormalizationTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters(
      ((16, 6), "float32", 1e-5), ((8, 5, 5, 4), "float32", 1e-5),
      ((16, 6), "mixed_bfloat16", 2e-2), ((8, 5, 5, 4), "mixed_bfloat16", 2e-2))
  def test_same_outputs_gradients_and_moving_statistics_as_keras(self, shape, policy, tol):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(2.0, 3.0, shape).astype(np.float32))
    r = tf.constant(rng.normal(size=shape).astype(np.float32))
    with precision.policy_scope(policy):
      fused = normalization.FusedBatchNormalization(momentum=0.9)
      plain = keras.layers.BatchNormalization(momentum=0.9)
    for layer in (fused, plain):
      layer.build(shape)
      layer.gamma.assign(rng.normal(1.0, 0.2, shape[-1]).astype(np.float32))
      layer.beta.assign(rng.normal(0.0, 0.2, shape[-1]).astype(np.float32))
    plain.set_weights(fused.get_weights())
    results = []
    for layer in (fused, plain):
      with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        loss = tf.reduce_sum(tf.cast(y, tf.float32) * r)
      grads = tape.gradient(loss, [x, layer.gamma, layer.beta])
      results.append([y] + grads + [layer.moving_mean, layer.moving_variance])
      self.assertEqual(y.dtype, layer.compute_dtype)
    for a, b in zip(*results):
      a, b = np.asarray(tf.cast(a, tf.float32)), np.asarray(tf.cast(b, tf.float32))
      self.assertAllClose(a, b, rtol=tol, atol=tol * max(1.0, np.abs(b).max()))
    # inference takes Keras' path: identical on the same weights
    plain.set_weights(fused.get_weights())
    self.assertAllEqual(fused(x, training=False), plain(x, training=False))

  def test_batch_norm_is_fused_on_one_replica_and_synchronised_on_several(self):
    self.assertIsInstance(normalization.batch_norm(), normalization.FusedBatchNormalization)
    with normalization.keras_layers():  # the benchmarks' side-by-side reference
      self.assertNotIsInstance(normalization.batch_norm(),
                               normalization.FusedBatchNormalization)
    self.assertIsInstance(normalization.batch_norm(), normalization.FusedBatchNormalization)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
      layer = normalization.batch_norm()
    self.assertNotIsInstance(layer, normalization.FusedBatchNormalization)
    self.assertTrue(layer.synchronized)


class RecalibrateTest(tf.test.TestCase):

  def test_moving_statistics_become_the_average_batch_statistics(self):
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4),
                              normalization.batch_norm(momentum=0.99)])
    net = keras.Sequential([keras.Input((3,)), inner, normalization.batch_norm()])
    bns = normalization.batch_norm_layers(net, inner)  # nested, and listed once
    self.assertLen(bns, 2)
    rng = np.random.default_rng(0)
    batches = [rng.normal(k, 1 + k, (50, 3)).astype(np.float32) for k in range(4)]
    used = normalization.recalibrate(bns, lambda x: net(x, training=True), batches)
    self.assertEqual(used, 4)
    hidden = [inner.layers[0](x).numpy() for x in batches]  # the first BN's inputs
    self.assertAllClose(bns[0].moving_mean, np.mean([h.mean(0) for h in hidden], 0),
                        rtol=1e-5, atol=1e-5)
    self.assertAllClose(bns[0].moving_variance, np.mean([h.var(0) for h in hidden], 0),
                        rtol=1e-4)
    self.assertEqual([b.momentum for b in bns], [0.99, 0.99])  # restored
    with self.assertRaisesRegex(ValueError, "at least one batch"):
      normalization.recalibrate(bns, lambda x: net(x, training=True), [])


if __name__ == "__main__":
  tf.test.main()
