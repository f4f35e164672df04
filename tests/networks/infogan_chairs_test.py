import tensorflow as tf

from tfgan_info import networks


class InfoGANChairsNetworksTest(tf.test.TestCase):

  def test_the_papers_layers_shapes_and_range(self):
    # Chairs: 128 noise + 1 continuous + 3 Cat(20) = 189 inputs.
    g, d = networks.build_gan_networks("infogan_chairs", 189, (64, 64, 1), q_dim=62)
    images = g(tf.random.normal([2, 189]), training=False)
    self.assertEqual(images.shape, (2, 64, 64, 1))
    self.assertAllInRange(images, -1.0, 1.0)
    logits, q = d(images, training=False)
    self.assertEqual((logits.shape, q.shape), ((2, 1), (2, 62)))
    self.assertEqual(d.body.output_shape, (None, 1024))
    kernels = [tuple(v.shape) for v in d.body.trainable_variables if len(v.shape) > 1]
    self.assertEqual(kernels, [(4, 4, 1, 64), (4, 4, 64, 128), (4, 4, 128, 256),
                               (4, 4, 256, 256), (4, 4, 256, 256), (8 * 8 * 256, 1024)])
    self.assertIn((1024, 8 * 8 * 256), [tuple(v.shape) for v in g.trainable_variables])

  def test_other_sizes_are_refused(self):
    with self.assertRaisesRegex(ValueError, r"infogan_chairs networks need 64x64 images"):
      networks.build_gan_networks("infogan_chairs", 10, (32, 32, 1))


if __name__ == "__main__":
  tf.test.main()
