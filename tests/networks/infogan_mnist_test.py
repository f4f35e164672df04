import numpy as np
import tensorflow as tf

from tfgan_info import networks


class InfoGANMnistNetworksTest(tf.test.TestCase):

  def test_shapes_range_and_variable_partition(self):
    g, d = networks.build_gan_networks("infogan_mnist", 74, (28, 28, 1), q_dim=14)
    images = g(tf.random.normal([3, 74]), training=False)
    self.assertEqual(images.shape, (3, 28, 28, 1))
    self.assertAllInRange(images, -1.0, 1.0)
    logits, q = d(images, training=False)
    self.assertEqual(logits.shape, (3, 1))
    self.assertEqual(q.shape, (3, 14))
    self.assertAllClose(d.q(images), q)
    d_ids = {id(v) for v in d.d_variables}
    q_ids = {id(v) for v in d.q_variables}
    self.assertEmpty(d_ids & q_ids)
    self.assertLen(d_ids | q_ids, len(d.trainable_variables))
    # Paper sizes: FC1024 in both, 7x7x128 in G, 1024 -> 128 in Q.
    self.assertEqual(d.body.output_shape, (None, 1024))
    self.assertIn((1024, 7 * 7 * 128), [tuple(v.shape) for v in g.trainable_variables])
    self.assertIn((1024, 128), [tuple(v.shape) for v in d.q_variables])

  def test_no_q_head_and_errors(self):
    _, d = networks.build_gan_networks("infogan_mnist", 10, (28, 28, 1), q_dim=0)
    logits, q = d(np.zeros((2, 28, 28, 1), np.float32))
    self.assertIsNone(q)
    self.assertEqual(d.q_variables, [])
    with self.assertRaisesRegex(ValueError, "Unknown architecture"):
      networks.build_gan_networks("resnet", 10, (28, 28, 1))
    with self.assertRaisesRegex(ValueError, "28x28"):
      networks.build_gan_networks("infogan_mnist", 10, (32, 32, 3))


if __name__ == "__main__":
  tf.test.main()
