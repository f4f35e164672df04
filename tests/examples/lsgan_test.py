"""The example of docs/design.md, "Adding a model", trains, exports and evaluates through the
shared modules, which know nothing of it but its registration."""

import os

import numpy as np
import tensorflow as tf

from tests import testutil
from tests.examples import lsgan
from tfgan_info import evaluate
from tfgan_info import export
from tfgan_info import train
from tfgan_info import train_lib
from tfgan_info.models import registry


class LSGANExampleTest(tf.test.TestCase):

  def test_losses(self):
    real, fake = tf.constant([[1.0], [3.0]]), tf.constant([[0.0], [-2.0]])
    self.assertAllClose(lsgan.least_squares_discriminator_loss(real, fake, 1.0, 0.0),
                        [0.0, 0.5 * 4 + 0.5 * 4])
    self.assertAllClose(lsgan.least_squares_generator_loss(fake, 1.0), [0.5, 4.5])

  def test_registered_with_its_flags(self):
    self.assertIs(registry.get("lsgan").model_cls, lsgan.LSGAN)
    config = train.parse_config(["train", "--model=lsgan", "--real_target=0.9"])
    self.assertEqual(config.params, lsgan.LSGANParams(real_target=0.9, fake_target=0.0))

  def test_trains_exports_and_evaluates(self):
    model_dir = os.path.join(self.get_temp_dir(), "lsgan")
    config = testutil.tiny_config(model_dir).replace(
        model=dict(model="lsgan", architecture="mlp", codes="", noise_dim=8),
        params=dict(fake_target=-1.0))
    model, path = train_lib.run(config)
    self.assertIsInstance(model, lsgan.LSGAN)
    self.assertEqual(model.fake_target, -1.0)
    self.assertTrue(all(np.isfinite(m.result()) for m in model.metrics))
    self.assertEqual(path, export.latest_export(model_dir))
    self.assertTrue(os.path.exists(os.path.join(model_dir, "images", "samples.png")))
    loaded = tf.saved_model.load(path)
    self.assertEqual(set(loaded.signatures), {"serving_default", "generate", "sample"})
    noise = tf.random.normal([3, 8])
    self.assertAllClose(loaded.generate(noise=noise, codes=tf.zeros([3, 0]))["images"],
                        model.generate(noise, tf.zeros([3, 0])), atol=1e-5)
    results = evaluate.evaluate(model_dir, num_samples=20,
                                classifier_dir=os.path.join(self.get_temp_dir(), "none"))
    self.assertIn("classifier_metrics_skipped", results)
    # The run's config.json names the model and its parameters, and resumes.
    self.assertEqual(train_lib.check_model_dir(config), False)


if __name__ == "__main__":
  tf.test.main()
