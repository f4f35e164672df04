import numpy as np
import tensorflow as tf

from tfgan_info.networks import mlp
from tfgan_info.networks.minibatch import MinibatchStdDev


def has_minibatch_std(discriminator):
  return any(isinstance(x, MinibatchStdDev) for x in discriminator.body.layers)


class MLPTest(tf.test.TestCase):

  def test_d_sees_the_batch_without_a_q_head(self):
    d = mlp.build_discriminator((28, 28, 1))
    self.assertTrue(has_minibatch_std(d))
    x = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32)
    alone = d(x[:1])[0].numpy()
    in_batch = d(x)[0].numpy()[:1]
    # The same image scores differently in a different batch: the feature is the batch's.
    self.assertNotAllClose(alone, in_batch)

  def test_q_head_serves_one_image_at_a_time(self):
    d = mlp.build_discriminator((28, 28, 1), q_dim=12)
    self.assertFalse(has_minibatch_std(d))
    x = np.random.default_rng(1).uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32)
    self.assertAllClose(d.q(x[:1]), d.q(x)[:1], atol=1e-5)

  def test_conditional_d_keeps_it_and_it_can_be_left_out(self):
    self.assertTrue(has_minibatch_std(mlp.build_discriminator((28, 28, 1), num_classes=10)))
    self.assertFalse(has_minibatch_std(mlp.build_discriminator((1,), minibatch_std=False)))


if __name__ == "__main__":
  tf.test.main()
