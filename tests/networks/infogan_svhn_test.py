import tensorflow as tf

from tfgan_info import networks


class InfoGANSvhnNetworksTest(tf.test.TestCase):

  def test_the_papers_layers_shapes_and_range(self):
    # SVHN: 124 noise + 4 Cat(10) + 4 continuous = 168 inputs; Q: 4 x 10 logits + 4 x 2.
    g, d = networks.build_gan_networks("infogan_svhn", 168, (32, 32, 3), q_dim=48)
    images = g(tf.random.normal([2, 168]), training=False)
    self.assertEqual(images.shape, (2, 32, 32, 3))
    self.assertAllInRange(images, -1.0, 1.0)
    logits, q = d(images, training=False)
    self.assertEqual((logits.shape, q.shape), ((2, 1), (2, 48)))
    self.assertEqual(d.body.output_shape, (None, 4 * 4 * 256))
    kernels = [tuple(v.shape) for v in g.trainable_variables if len(v.shape) > 1]
    self.assertEqual(kernels, [(168, 2 * 2 * 448), (4, 4, 256, 448), (4, 4, 128, 256),
                               (4, 4, 64, 128), (4, 4, 3, 64)])
    # Batch norm after G's projection and first up-convolution only, as the table prints.
    self.assertLen([v for v in g.trainable_variables if "gamma" in v.path], 2)
    self.assertLen([v for v in d.body.trainable_variables if "gamma" in v.path], 2)

  def test_other_sizes_are_refused(self):
    with self.assertRaisesRegex(ValueError, r"infogan_svhn networks need 32x32 images, got "
                                r"\(64, 64, 3\) \(--image_size=32"):
      networks.build_gan_networks("infogan_svhn", 10, (64, 64, 3))


if __name__ == "__main__":
  tf.test.main()
