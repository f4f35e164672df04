import tensorflow as tf

from tfgan_info.networks import classifier


class ClassifierTest(tf.test.TestCase):

  def test_logits_and_features(self):
    model = classifier.build_classifier((28, 28, 1), 10)
    images = tf.random.uniform([4, 28, 28, 1], -1.0, 1.0)
    self.assertEqual(model(images).shape, (4, 10))
    out = classifier.feature_model(model)(images, training=False)
    self.assertEqual(out[classifier.FEATURES].shape, (4, 128))
    self.assertAllClose(out[classifier.LOGITS], model(images, training=False), atol=1e-5)

  def test_rgb(self):
    model = classifier.build_classifier((32, 32, 3), 10)
    self.assertEqual(model(tf.zeros([1, 32, 32, 3])).shape, (1, 10))


if __name__ == "__main__":
  tf.test.main()
