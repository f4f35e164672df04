import numpy as np
import tensorflow as tf

from tfgan_info.networks.spectral_norm import SNConv2D, SNDense


def top_singular_value(kernel):
  matrix = np.reshape(kernel, (-1, kernel.shape[-1]))
  return np.linalg.svd(matrix, compute_uv=False)[0]


class SpectralNormTest(tf.test.TestCase):

  def test_power_iteration_converges_to_unit_spectral_norm(self):
    for layer, inputs in ((SNDense(7), tf.zeros([2, 5])),
                          (SNConv2D(6, 3, strides=2), tf.zeros([2, 8, 8, 4]))):
      layer(inputs)
      for _ in range(200):
        normalized = layer.normalized_kernel(training=True).numpy()
      self.assertAllClose(top_singular_value(normalized), 1.0, atol=1e-3)
      # The trainable kernel is W itself, not its normalised copy.
      self.assertGreater(abs(top_singular_value(layer.kernel.numpy()) - 1.0), 1e-2)

  def test_inference_leaves_u_alone_and_training_updates_it(self):
    layer = SNDense(3)
    x = tf.random.normal([4, 5])
    layer(x)
    u = layer.vector_u.numpy().copy()
    layer(x, training=False)
    self.assertAllEqual(layer.vector_u.numpy(), u)
    layer(x, training=True)
    self.assertNotAllClose(layer.vector_u.numpy(), u)

  def test_matches_plain_layers_on_the_normalised_kernel(self):
    x = tf.random.normal([2, 9, 9, 3])
    conv = SNConv2D(5, 4, strides=2)
    conv(x, training=True)
    y = conv(x, training=False)
    kernel = conv.normalized_kernel(training=False)
    expected = tf.nn.conv2d(x, kernel, strides=2, padding="SAME") + conv.bias
    self.assertEqual(y.shape, (2, 5, 5, 5))
    self.assertAllClose(y, expected, atol=1e-5)
    self.assertEqual(conv.compute_output_shape((None, 9, 9, 3)), (None, 5, 5, 5))

  def test_gradient_flows_through_sigma(self):
    """d/dW of sum(W_SN) differs from d/dW of sum(W) / sigma with sigma held constant."""
    layer = SNDense(3)
    x = tf.ones([1, 4])
    layer(x)
    with tf.GradientTape() as tape:
      total = tf.reduce_sum(layer.normalized_kernel(training=False))
    grad = tape.gradient(total, layer.kernel)
    sigma = top_singular_value(layer.kernel.numpy())
    self.assertNotAllClose(grad, np.full(grad.shape, 1.0 / sigma), atol=1e-3)

  def test_compiles_with_xla(self):
    layer = SNConv2D(4, 4, strides=2)
    x = tf.random.normal([2, 8, 8, 1])
    layer(x)
    fn = tf.function(lambda t: layer(t, training=True), jit_compile=True)
    self.assertEqual(fn(x).shape, (2, 4, 4, 4))


if __name__ == "__main__":
  tf.test.main()
