import tensorflow as tf

from tfgan_info import networks


class InfoGANDspritesNetworksTest(tf.test.TestCase):

  def test_shapes_range_and_widths(self):
    g, d = networks.build_gan_networks("infogan_dsprites", 10, (64, 64, 1), q_dim=5)
    images = g(tf.random.normal([3, 10]), training=False)
    self.assertEqual(images.shape, (3, 64, 64, 1))
    self.assertAllInRange(images, -1.0, 1.0)
    logits, q = d(images, training=False)
    self.assertEqual(logits.shape, (3, 1))
    self.assertEqual(q.shape, (3, 5))
    self.assertAllClose(d.q(images), q)
    # Half-width DCGAN: 4x4x256 features into the heads; G starts from 4x4x256.
    self.assertEqual(d.body.output_shape, (None, 4 * 4 * 256))
    self.assertIn((4 * 4 * 256, 128), [tuple(v.shape) for v in d.q_variables])
    self.assertIn((10, 4 * 4 * 256), [tuple(v.shape) for v in g.trainable_variables])

  def test_needs_64x64(self):
    with self.assertRaisesRegex(ValueError, "64x64"):
      networks.build_gan_networks("infogan_dsprites", 10, (28, 28, 1))


if __name__ == "__main__":
  tf.test.main()
