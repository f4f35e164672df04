import keras
import tensorflow as tf

from tfgan_info import networks
from tfgan_info.networks.spectral_norm import SNConv2D, SNDense


def leaf_layers(model):
  out = []
  for layer in model.layers:
    out.extend(leaf_layers(layer) if isinstance(layer, keras.Model) else [layer])
  return out


class InfoGANCRNetworksTest(tf.test.TestCase):

  def test_shapes_and_layout(self):
    g, d = networks.build_gan_networks("infogan_cr_dsprites", 10, (64, 64, 1), q_dim=5)
    images = g(tf.random.normal([2, 10]), training=True)
    self.assertEqual(images.shape, (2, 64, 64, 1))
    self.assertAllInRange(images, -1.0, 1.0)
    logits, q = d(images, training=True)
    self.assertEqual(logits.shape, (2, 1))
    self.assertEqual(q.shape, (2, 5))
    # Their layout: G FC128 - FC1024 - upconv 64, 32, 32, 1; D/Q convs 32-32-64-64, FC128.
    g_layers = leaf_layers(g)
    self.assertEqual([x.units for x in g_layers if isinstance(x, keras.layers.Dense)],
                     [128, 1024])
    self.assertEqual([x.filters for x in g_layers
                      if isinstance(x, keras.layers.Conv2DTranspose)], [64, 32, 32, 1])
    d_layers = leaf_layers(d.body) + leaf_layers(d.d_head) + leaf_layers(d.q_head)
    self.assertEqual([x.filters for x in d_layers if isinstance(x, SNConv2D)],
                     [32, 32, 64, 64])
    self.assertEqual([x.units for x in d_layers if isinstance(x, SNDense)], [128, 1, 128, 5])
    # Every weight layer of D and Q is spectrally normalised; no batch norm there.
    kinds = {type(x).__name__ for x in d_layers}
    self.assertFalse(kinds & {"Dense", "Conv2D"})
    self.assertFalse(any(isinstance(x, keras.layers.BatchNormalization) for x in d_layers))

  def test_rejects_other_shapes_and_labels(self):
    with self.assertRaisesRegex(ValueError, "64x64"):
      networks.build_gan_networks("infogan_cr_dsprites", 10, (28, 28, 1))
    with self.assertRaisesRegex(ValueError, "conditional"):
      networks.build_gan_networks("infogan_cr_dsprites", 10, (64, 64, 1), num_classes=3)


if __name__ == "__main__":
  tf.test.main()
