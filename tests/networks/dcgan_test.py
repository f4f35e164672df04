import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import networks
from tfgan_info.networks import dcgan


def layer_types(model):
  out = []
  for layer in model.layers:
    out.extend(layer_types(layer) if isinstance(layer, keras.Model) else [type(layer).__name__])
  return out


class DCGANNetworksTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters((28, 1), (32, 3), (64, 3), (64, 1))
  def test_shapes_and_range(self, size, channels):
    shape = (size, size, channels)
    g, d = networks.build_gan_networks("dcgan", 20, shape, q_dim=5)
    images = g(tf.random.normal([2, 20]), training=False)
    self.assertEqual(images.shape, (2,) + shape)
    self.assertAllInRange(images, -1.0, 1.0)
    logits, q = d(images, training=False)
    self.assertEqual(logits.shape, (2, 1))
    self.assertEqual(q.shape, (2, 5))

  @parameterized.parameters(28, 32, 64)
  def test_follows_radford_guidelines(self, size):
    shape = (size, size, 3)
    g = dcgan.build_generator(10, shape)
    d = dcgan.build_discriminator(shape)
    g_types, body_types = layer_types(g), layer_types(d.body)
    # G: one projection of z, then only transposed convolutions; ReLU inside, tanh out.
    self.assertEqual(g_types.count("Dense"), 1)
    start, samplings = dcgan.resolution_plan(shape)
    deconvs = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    self.assertLen(deconvs, max(samplings, dcgan.MIN_CONVS))
    # Stride 1 at the start resolution only where it needs fewer up-samplings (28x28).
    self.assertEqual([c.strides for c in deconvs],
                     [(1, 1)] * (len(deconvs) - samplings) + [(2, 2)] * samplings)
    self.assertEqual(deconvs[0].input.shape[1:3], (start, start))
    self.assertNotIn("LeakyReLU", g_types)
    self.assertEqual(g.layers[-1].activation.__name__, "tanh")
    # D: strided convolutions with LeakyReLU, no pooling, no hidden fully connected layer.
    self.assertNotIn("Dense", body_types)
    self.assertFalse(any("Pooling" in t for t in body_types))
    convs = [layer for layer in d.body.layers if isinstance(layer, keras.layers.Conv2D)]
    self.assertTrue(all(c.strides == (2, 2) for c in convs))
    self.assertLen(convs, dcgan.MIN_CONVS + (size == 64))
    self.assertEqual(body_types.count("LeakyReLU"), len(convs))
    # Batch norm everywhere except D's input layer and G's output layer.
    def norms(net):  # Keras' layer or its fused subclass (networks/normalization.py)
      return sum(isinstance(layer, keras.layers.BatchNormalization) for layer in net.layers)
    self.assertEqual(norms(d.body), len(convs) - 1)
    self.assertEqual(norms(g), g_types.count("Conv2DTranspose"))
    self.assertEqual(layer_types(d.d_head).count("Dense"), 1)

  @parameterized.parameters(False, True)
  def test_width_scales_every_layer(self, conditional):
    """--width: D's first conv and G's last hidden layer get `width` filters, the others
    scale with it; the conditional G passes it to its body."""
    def filters(model):
      out = []
      for layer in model.layers:
        if isinstance(layer, keras.Model):
          out.extend(filters(layer))
        elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
          out.append(layer.filters)
        elif isinstance(layer, keras.layers.Dense):
          out.append(layer.units)
      return out
    num_classes = 10 if conditional else 0
    g64, d64 = networks.build_gan_networks("dcgan", 8, (28, 28, 1), num_classes=num_classes)
    g128, d128 = networks.build_gan_networks("dcgan", 8, (28, 28, 1), num_classes=num_classes,
                                             width=128)
    # G: 7x7x(4 width) projection, (2 width) and (width) transposed convs, the image;
    # D: width, 2 width, 4 width.
    self.assertEqual(filters(g128)[-4:], [7 * 7 * 512, 256, 128, 1])
    self.assertEqual(filters(g64)[-4:], [7 * 7 * 256, 128, 64, 1])
    self.assertEqual(filters(d128.body), [128, 256, 512])
    self.assertEqual(filters(d64.body), [64, 128, 256])
    e = networks.build_age_networks("dcgan", 16, (28, 28, 1), width=32)[1]
    self.assertEqual(filters(e), [32, 64, 128, 16])

  def test_width_of_fixed_architecture_raises(self):
    with self.assertRaisesRegex(ValueError, r"fixed widths .*\['dcgan'"):
      networks.build_gan_networks("infogan_mnist", 8, (28, 28, 1), width=128)
    with self.assertRaisesRegex(ValueError, "fixed widths"):
      networks.build_gan_networks("mlp", 8, (28, 28, 1), width=128)

  def test_a_critic_without_batch_norm_and_a_linear_encoder(self):
    _, d = networks.build_gan_networks("dcgan", 8, (28, 28, 1), width=8,
                                       discriminator_options={"normalize": False})
    self.assertNotIn("BatchNormalization", layer_types(d.body))
    convs = [layer for layer in d.body.layers if isinstance(layer, keras.layers.Conv2D)]
    self.assertTrue(all(layer.use_bias for layer in convs))
    with self.assertRaisesRegex(ValueError, r"discriminator takes no option \['spectral'\]"):
      networks.build_gan_networks("dcgan", 8, (28, 28, 1), discriminator_options={"spectral": 1})
    images = tf.random.uniform([3, 28, 28, 1], -1.0, 1.0, seed=1)
    sphere = dcgan.build_encoder((28, 28, 1), 6, width=8)
    linear = dcgan.build_encoder((28, 28, 1), 6, width=8, unit_norm=False)
    self.assertAllClose(tf.norm(sphere(images), axis=1), np.ones(3), atol=1e-5)
    self.assertNotAllClose(tf.norm(linear(images), axis=1), np.ones(3))

  def test_unsupported_shape(self):
    with self.assertRaisesRegex(ValueError, "28x28, 32x32 and 64x64"):
      dcgan.build_generator(10, (48, 48, 3))
    with self.assertRaisesRegex(ValueError, "28x28, 32x32 and 64x64"):
      dcgan.build_discriminator((32, 28, 1))


class MLPAndConditionalNetworksTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters((28, 28, 1), (32, 32, 3), (1,))
  def test_mlp_shapes(self, *shape):
    g, d = networks.build_gan_networks("mlp", 8, shape)
    x = g(tf.random.normal([3, 8]))
    self.assertEqual(x.shape, (3,) + shape)
    self.assertEqual(d(x)[0].shape, (3, 1))
    self.assertIsNone(d(x)[1])

  @parameterized.parameters("mlp", "dcgan", "infogan_mnist")
  def test_conditional_pair(self, architecture):
    g, d = networks.build_gan_networks(architecture, 8, (28, 28, 1), num_classes=10)
    noise = np.zeros((2, 8), np.float32)
    x = g([noise, np.array([1, 2], np.int32)])
    self.assertEqual(x.shape, (2, 28, 28, 1))
    # With z fixed, the label alone changes the image.
    self.assertNotAllClose(x[0], x[1])
    self.assertTrue(d.conditional)
    logits, _ = d(x, labels=tf.constant([1, 2]))
    self.assertEqual(logits.shape, (2, 1))
    embedding = {id(v) for v in d.class_embedding.trainable_variables}
    self.assertTrue(embedding <= {id(v) for v in d.d_variables})


if __name__ == "__main__":
  tf.test.main()
