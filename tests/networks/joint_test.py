import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info.networks import joint


class JointDiscriminatorTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters((28, 1), (32, 3), (64, 3))
  def test_scores_image_latent_pairs_from_both(self, size, channels):
    d = joint.build_joint_discriminator((size, size, channels), 6, width=8)
    rng = np.random.default_rng(0)
    x = tf.constant(rng.uniform(-1, 1, (2, size, size, channels)), tf.float32)
    z = tf.constant(rng.normal(size=(2, 6)), tf.float32)
    logits, aux = d(x, z)
    self.assertEqual(logits.shape, (2, 1))
    self.assertIsNone(aux)
    self.assertNotAllClose(d(x, z + 1.0)[0], logits)   # the latent path counts
    self.assertNotAllClose(d(-x, z)[0], logits)        # the image path counts
    self.assertLen(d.d_variables, len(d.trainable_variables))


if __name__ == "__main__":
  tf.test.main()
