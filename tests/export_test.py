import os

import numpy as np
import tensorflow as tf

from tests.models.age_test import image_batches, make_age
from tests.models.conditional_gan_test import make_cgan
from tests.models.infogan_test import batches, make_model
from tfgan_info import export


class ExportTest(tf.test.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.model = make_model(seed=2)
    cls.model.fit(batches(8), epochs=1, verbose=0)
    cls.model_dir = tf.compat.v1.test.get_temp_dir() + "/export_test"
    cls.path = export.export(cls.model, cls.model_dir, "infogan", 7)
    cls.loaded = tf.saved_model.load(cls.path)

  def test_layout_and_signatures(self):
    self.assertEqual(self.path, os.path.join(self.model_dir, "export", "infogan", "7"))
    self.assertTrue(os.path.exists(os.path.join(self.path, "saved_model.pb")))
    self.assertEqual(export.latest_export(self.model_dir), self.path)
    self.assertSetEqual(set(self.loaded.signatures),
                        {"serving_default", "generate", "sample", "infer_codes"})

  def test_generate_matches_keras_model(self):
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(5, 62)).astype(np.float32)
    codes = np.concatenate([np.eye(10)[rng.integers(0, 10, 5)],
                            rng.uniform(-1, 1, (5, 2))], -1).astype(np.float32)
    expected = self.model.generate(noise, codes)
    self.assertAllClose(self.loaded.generate(noise, codes)["images"], expected, atol=1e-5)
    out = self.loaded.signatures["serving_default"](noise=noise, codes=codes)
    self.assertAllClose(out["images"], expected, atol=1e-5)

  def test_infer_codes_matches_keras_model(self):
    images = np.random.default_rng(1).uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32)
    probs, means = self.model.infer_codes(images)
    out = self.loaded.signatures["infer_codes"](images=images)
    self.assertAllClose(out["categorical_probs"], probs, atol=1e-5)
    self.assertAllClose(out["continuous_means"], means, atol=1e-5)

  def test_sample_is_seeded_and_consistent(self):
    a = self.loaded.signatures["sample"](count=tf.constant(6), seed=tf.constant(11, tf.int64))
    b = self.loaded.sample(tf.constant(6), tf.constant(11, tf.int64))
    c = self.loaded.sample(tf.constant(6), tf.constant(12, tf.int64))
    self.assertEqual(a["images"].shape, (6, 28, 28, 1))
    self.assertAllClose(a["codes"], b["codes"])
    self.assertNotAllClose(a["codes"], c["codes"])
    self.assertAllClose(a["images"], self.model.generate(a["noise"], a["codes"]), atol=1e-5)

  def test_wrong_input_shape_is_rejected(self):
    with self.assertRaises((ValueError, TypeError)):
      self.loaded.generate(np.zeros((2, 10), np.float32), np.zeros((2, 12), np.float32))

  def test_reexport_replaces_version(self):
    path = export.export(self.model, self.model_dir, "infogan", 9)
    self.assertEqual(export.latest_export(self.model_dir, "infogan"), path)
    with self.assertRaisesRegex(FileNotFoundError, "No SavedModel version"):
      export.latest_export(self.model_dir, "other")


class ConditionalExportTest(tf.test.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.model = make_cgan(noise_dim=8)
    cls.model.fit(batches(8), epochs=1, verbose=0)
    model_dir = tf.compat.v1.test.get_temp_dir() + "/cgan_export_test"
    cls.loaded = tf.saved_model.load(export.export(cls.model, model_dir, "cgan", 1))

  def test_generate_takes_labels(self):
    self.assertSetEqual(set(self.loaded.signatures), {"serving_default", "generate", "sample"})
    noise = np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)
    labels = np.array([2, 7, 7], np.int32)
    out = self.loaded.signatures["serving_default"](noise=noise, labels=labels)
    self.assertAllClose(out["images"], self.model.generate(noise, labels), atol=1e-5)
    with self.assertRaises((ValueError, TypeError)):
      self.loaded.generate(noise, labels[:, None])

  def test_sample_returns_its_labels(self):
    out = self.loaded.sample(tf.constant(5), tf.constant(3, tf.int64))
    self.assertEqual(out["labels"].dtype, tf.int32)
    self.assertAllEqual(out["labels"], np.argmax(out["codes"], -1))
    self.assertAllClose(out["images"], self.model.generate(out["noise"], out["labels"]),
                        atol=1e-5)



class AGEExportTest(tf.test.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.model = make_age(latent_dim=8)
    cls.model.fit(image_batches(8), epochs=1, verbose=0)
    model_dir = tf.compat.v1.test.get_temp_dir() + "/age_export_test"
    cls.loaded = tf.saved_model.load(export.export(cls.model, model_dir, "age", 1))
    cls.images = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32)

  def test_endpoints_match_keras_model(self):
    self.assertSetEqual(set(self.loaded.signatures), {"serving_default", "generate", "encode",
                                                      "reconstruct", "sample"})
    z = np.random.default_rng(1).normal(size=(3, 8)).astype(np.float32)
    out = self.loaded.signatures["serving_default"](z=z)
    self.assertAllClose(out["images"], self.model.generate(z), atol=1e-5)
    codes = self.loaded.signatures["encode"](images=self.images)["codes"]
    self.assertAllClose(codes, self.model.encode(self.images), atol=1e-5)
    self.assertAllClose(np.linalg.norm(codes, axis=1), np.ones(3), atol=1e-5)
    rec = self.loaded.reconstruct(self.images)["images"]
    self.assertAllClose(rec, self.model.reconstruct(self.images), atol=1e-5)
    with self.assertRaises((ValueError, TypeError)):
      self.loaded.encode(np.zeros((2, 32, 32, 3), np.float32))

  def test_sample_draws_z_on_the_sphere(self):
    out = self.loaded.sample(tf.constant(4), tf.constant(2, tf.int64))
    self.assertAllClose(np.linalg.norm(out["noise"], axis=1), np.ones(4), atol=1e-5)
    self.assertAllClose(out["images"], self.model.generate(out["noise"]), atol=1e-5)

if __name__ == "__main__":
  tf.test.main()
