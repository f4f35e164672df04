"""pix2pix's U-Net generator and PatchGAN discriminator (networks/unet_patchgan.py)."""

import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import networks
from tfgan_info.networks import unet_patchgan


def encoder_convs(model):
  return [layer for layer in model.layers if layer.name.startswith("down")
          and isinstance(layer, keras.layers.Conv2D)]


class UNetTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters(((28, 28, 1), 5, 32), ((256, 256, 3), 8, 256), ((64, 64, 3), 6, 64))
  def test_output_shape_and_depth(self, shape, depth, padded):
    g = unet_patchgan.build_translator(shape)
    self.assertEqual(g.input_shape, (None,) + shape)
    self.assertEqual(g.output_shape, (None,) + shape)
    self.assertEqual(unet_patchgan.unet_depth(shape[0]), depth)
    convs = encoder_convs(g)
    self.assertLen(convs, depth)
    # Down to a 1x1 bottleneck (from the side padded to a power of two).
    self.assertEqual(convs[-1].output.shape[1:3], (1, 1))
    self.assertEqual(convs[0].input.shape[1], padded)

  def test_paper_encoder_and_decoder_at_256(self):
    g = unet_patchgan.build_translator((256, 256, 3))
    self.assertEqual([c.filters for c in encoder_convs(g)],
                     [64, 128, 256, 512, 512, 512, 512, 512])
    # CD512-CD1024-CD1024-C1024-C1024-C512-C256-C128: channels after each concatenation.
    skips = [g.get_layer(f"skip{j}").output.shape[-1] for j in range(7)]
    self.assertEqual(skips, [1024, 1024, 1024, 1024, 512, 256, 128])
    self.assertEqual(g.count_params(), 54_424_387)  # the reference code's unet_256

  def test_skip_connections_join_encoder_and_decoder_at_each_resolution(self):
    g = unet_patchgan.build_translator((28, 28, 1), width=8)
    encoder = [c.output for c in encoder_convs(g)]
    for j in range(len(encoder) - 1):
      decoder, skip = g.get_layer(f"skip{j}").input
      source = encoder[len(encoder) - 2 - j]
      self.assertEqual(skip.shape, source.shape)
      self.assertEqual(decoder.shape[1:3], source.shape[1:3])
    # The input reaches the output through the skips too: with the bottleneck's weights
    # zeroed, G(x) still depends on x.
    down = encoder_convs(g)[-1]
    down.kernel.assign(tf.zeros_like(down.kernel))
    down.bias.assign(tf.zeros_like(down.bias))
    x = tf.random.stateless_uniform([2, 28, 28, 1], [1, 2], -1, 1)
    self.assertNotAllClose(g(x, training=False)[0], g(x, training=False)[1])

  def test_dropout_is_active_in_training_mode_only(self):
    g = unet_patchgan.build_translator((28, 28, 1), width=8)
    dropouts = [layer for layer in g.layers if isinstance(layer, keras.layers.Dropout)]
    self.assertLen(dropouts, 3)
    self.assertTrue(all(layer.rate == 0.5 for layer in dropouts))
    self.assertTrue(all(layer.name.startswith(("up0", "up1", "up2")) for layer in dropouts))
    x = tf.random.stateless_uniform([2, 28, 28, 1], [3, 4], -1, 1)
    self.assertAllEqual(g(x, training=False), g(x, training=False))
    self.assertNotAllClose(g(x, training=True), g(x, training=True))

  def test_outputs_in_tanh_range_and_channels(self):
    g = unet_patchgan.build_translator((28, 28, 1), out_channels=3, width=8)
    y = g(tf.ones([1, 28, 28, 1]), training=False)
    self.assertEqual(y.shape, (1, 28, 28, 3))
    self.assertEqual(y.dtype, tf.float32)
    self.assertAllInRange(y, -1.0, 1.0)

  def test_not_square_is_refused(self):
    with self.assertRaisesRegex(ValueError, "square"):
      unet_patchgan.build_translator((28, 32, 1))


class PatchGANTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters(((28, 28, 1), 1, 16, 12), ((256, 256, 3), 3, 70, 30))
  def test_grid_of_logits(self, shape, n_layers, field, grid):
    self.assertEqual(unet_patchgan.patch_layers(shape[0]), n_layers)
    self.assertEqual(unet_patchgan.receptive_field(n_layers), field)
    d = unet_patchgan.build_patch_discriminator(shape)
    self.assertEqual(d.output_shape, (None, grid, grid, 1))
    self.assertEqual([tuple(i.shape) for i in d.inputs], [(None,) + shape] * 2)

  def test_receptive_field_is_measured(self):
    # The gradient of one logit reaches exactly a 16x16 window of the 28x28 input.
    d = unet_patchgan.build_patch_discriminator((28, 28, 1), width=8)
    x = tf.random.stateless_normal([1, 28, 28, 1], [5, 6])
    y = tf.random.stateless_normal([1, 28, 28, 1], [7, 8])
    with tf.GradientTape() as tape:
      tape.watch(x)
      logit = d([x, y], training=False)[0, 6, 6, 0]
    grad = np.abs(tape.gradient(logit, x).numpy()[0, :, :, 0]) > 0
    rows, cols = np.nonzero(grad.any(1))[0], np.nonzero(grad.any(0))[0]
    self.assertEqual(rows.max() - rows.min() + 1, 16)
    self.assertEqual(cols.max() - cols.min() + 1, 16)

  def test_sees_both_images(self):
    d = unet_patchgan.build_patch_discriminator((28, 28, 1), width=8)
    x, y = tf.zeros([1, 28, 28, 1]), tf.ones([1, 28, 28, 1])
    self.assertNotAllClose(d([x, y], training=False), d([y, y], training=False))
    self.assertNotAllClose(d([x, y], training=False), d([x, x], training=False))


class RegistryTest(tf.test.TestCase):

  def test_translation_networks_by_name(self):
    g, d = networks.build_translation_networks("unet_patchgan", (28, 28, 1))
    self.assertEqual(g.output_shape, (None, 28, 28, 1))
    self.assertEqual(d.output_shape, (None, 12, 12, 1))
    with self.assertRaisesRegex(ValueError, "does not translate images: use one of "
                                r"\['unet_patchgan'\]"):
      networks.build_translation_networks("dcgan", (28, 28, 1))
    with self.assertRaisesRegex(ValueError, "has no generator from noise"):
      networks.build_gan_networks("unet_patchgan", 10, (28, 28, 1))
    with self.assertRaisesRegex(ValueError, "has no encoder"):
      networks.build_age_networks("unet_patchgan", 10, (28, 28, 1))


if __name__ == "__main__":
  tf.test.main()
