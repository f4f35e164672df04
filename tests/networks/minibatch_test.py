import os

import keras
import numpy as np
import tensorflow as tf

from tfgan_info.networks.minibatch import EPSILON, MinibatchStdDev


class MinibatchStdDevTest(tf.test.TestCase):

  def test_matches_numpy(self):
    # s = mean_f sqrt(Var_i x_if + eps) (Karras et al. 2018, Sec. 3), the same for every row.
    x = (np.random.default_rng(0).normal(size=(16, 7)) * np.arange(1, 8)).astype(np.float32)
    y = MinibatchStdDev()(x).numpy()
    self.assertEqual(y.shape, (16, 8))
    self.assertAllEqual(y[:, :7], x)
    self.assertAllClose(y[:, 7], np.full(16, np.sqrt(x.var(axis=0) + EPSILON).mean()),
                        rtol=1e-6)

  def test_feature_map_matches_numpy(self):
    # On [batch, H, W, C] the mean runs over H, W and C: one constant map appended.
    x = np.random.default_rng(1).normal(size=(8, 3, 3, 4)).astype(np.float32)
    y = MinibatchStdDev()(x).numpy()
    self.assertEqual(y.shape, (8, 3, 3, 5))
    self.assertAllEqual(y[..., :4], x)
    self.assertAllClose(y[..., 4], np.full((8, 3, 3), np.sqrt(x.var(axis=0) + EPSILON).mean()),
                        rtol=1e-6)
    self.assertEqual(MinibatchStdDev().compute_output_shape((None, 3, 3, 4)), (None, 3, 3, 5))

  def test_collapsed_batch_and_batch_of_one(self):
    same = np.tile(np.arange(5, dtype=np.float32), (8, 1))
    self.assertAllClose(MinibatchStdDev()(same)[:, -1], np.full(8, np.sqrt(EPSILON)))
    self.assertAllClose(MinibatchStdDev()(same[:1])[:, -1], [np.sqrt(EPSILON)])

  def test_keeps_a_16_bit_dtype_and_computes_in_float32(self):
    x = tf.constant(np.random.default_rng(1).normal(size=(8, 4)) * 300, tf.bfloat16)
    y = MinibatchStdDev(dtype="mixed_bfloat16")(x)
    self.assertEqual(y.dtype, tf.bfloat16)
    expected = np.sqrt(np.var(x.numpy().astype(np.float32), axis=0) + EPSILON).mean()
    self.assertAllClose(y[0, -1].numpy().astype(np.float32), expected, rtol=1e-2)

  def test_gradient_reaches_every_example(self):
    x = tf.random.normal([6, 3])
    with tf.GradientTape() as tape:
      tape.watch(x)
      s = tf.reduce_sum(MinibatchStdDev()(x)[:, -1])
    grad = tape.gradient(s, x).numpy()
    self.assertTrue(np.all(np.abs(grad).sum(axis=1) > 0))

  def test_saves_and_loads(self):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, MinibatchStdDev()(inputs))
    path = os.path.join(self.get_temp_dir(), "m.keras")
    model.save(path)
    x = np.random.default_rng(2).normal(size=(5, 4)).astype(np.float32)
    self.assertAllClose(keras.models.load_model(path)(x), model(x))


if __name__ == "__main__":
  tf.test.main()
