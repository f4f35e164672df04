import keras
import numpy as np
import tensorflow as tf

from tfgan_info.networks import normalization


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
