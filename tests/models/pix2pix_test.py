"""pix2pix (Isola et al. 2017): losses, train step, registration, export and evaluation."""

import os

import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tests import testutil
from tests.export_test import feed_placeholders
from tfgan_info import callbacks
from tfgan_info import evaluate
from tfgan_info import train_lib
from tfgan_info.models import Pix2Pix
from tfgan_info.models import registry
from tfgan_info.networks import classifier
from tfgan_info.networks import unet_patchgan


def make_pix2pix(seed=0, width=8, jit=False, **kwargs):
  keras.utils.set_random_seed(seed)
  g = unet_patchgan.build_translator((28, 28, 1), width=width)
  d = unet_patchgan.build_patch_discriminator((28, 28, 1), width=width)
  model = Pix2Pix(g, d, seed=seed, **kwargs)
  model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5),
                jit_compile=jit)
  model.build_optimizers()
  return model


def pair_batches(n=8, batch=4, seed=0):
  rng = np.random.default_rng(seed)
  targets = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)
  inputs = np.clip(targets + rng.normal(0, 0.3, targets.shape), -1, 1).astype(np.float32)
  return tf.data.Dataset.from_tensor_slices(
      {"input": inputs, "target": targets, "label": rng.integers(0, 10, n)}).batch(batch)


def weights(network):
  return [v.numpy().copy() for v in network.trainable_variables]


def np_softplus(x):
  return np.logaddexp(0.0, x)


def tiny_config(model_dir, dataset="inpaint_mnist", **runtime):
  return testutil.tiny_config(model_dir, **runtime).replace(
      model=dict(model="pix2pix", architecture="unet_patchgan", codes="", noise_dim=0),
      data=dict(dataset=dataset))


class Pix2PixTest(tf.test.TestCase, parameterized.TestCase):

  def test_registration(self):
    entry = registry.get("pix2pix")
    self.assertIs(entry.model_cls, Pix2Pix)
    self.assertEqual(entry.params_cls().lambda_l1, 100.0)
    self.assertEqual(entry.params_cls().lambda_gan, 1.0)

  @parameterized.parameters(({},), ({"jit": True},), ({"lambda_gan": 0.0},))
  def test_one_step_moves_both_players(self, kwargs):
    model = make_pix2pix(**kwargs)
    g_before, d_before = weights(model.generator), weights(model.discriminator)
    history = model.fit(pair_batches(4), epochs=1, verbose=0).history
    logs = {k: v[-1] for k, v in history.items()}
    self.assertSetEqual(set(logs), {"d_loss", "g_loss", "g_gan", "g_l1", "d_real", "d_fake"})
    self.assertTrue(all(np.isfinite(v) for v in logs.values()))
    self.assertEqual(int(model.g_optimizer.iterations), 1)
    # The training step count (checkpoints, the end of a run, the export's step) moves in
    # both modes; in the L1-only baseline D's optimizer does not.
    self.assertEqual(callbacks.model_step(model), 1)
    self.assertTrue(all(not np.allclose(a, b)
                        for a, b in zip(g_before, weights(model.generator))))
    l1_only = kwargs.get("lambda_gan") == 0.0
    # The L1-only baseline's G loss does not involve D: D is not trained (nor run).
    self.assertEqual(int(model.d_optimizer.iterations), 0 if l1_only else 1)
    d_after = weights(model.discriminator)
    self.assertNotEmpty(d_before)
    if l1_only:
      self.assertTrue(all(np.array_equal(a, b) for a, b in zip(d_before, d_after)))
      self.assertEqual(logs["g_gan"], 0.0)
      self.assertEqual(logs["d_loss"], 0.0)
      self.assertAllClose(logs["g_loss"], 100.0 * logs["g_l1"], rtol=1e-5)
    else:
      self.assertTrue(all(not np.allclose(a, b) for a, b in zip(d_before, d_after)))

  def test_each_step_moves_exactly_its_variables(self):
    model = make_pix2pix()
    batch = next(iter(pair_batches(4)))
    x, y = batch["input"], batch["target"]
    for player, terms in (("d", model.discriminator_terms), ("g", model.generator_terms)):
      g_before, d_before = weights(model.generator), weights(model.discriminator)

      def loss_fn(terms=terms, player=player):
        outputs = model.generator(x, training=True)
        if player == "d":
          outputs = tf.stop_gradient(outputs)
        per_example, report = terms(x, y, outputs)
        return per_example, None, report
      model.apply_step(loss_fn, player)
      g_moved = [not np.allclose(a, b) for a, b in zip(g_before, weights(model.generator))]
      d_moved = [not np.allclose(a, b) for a, b in zip(d_before,
                                                       weights(model.discriminator))]
      self.assertEqual(all(g_moved), player == "g", player)
      self.assertEqual(any(g_moved), player == "g", player)
      self.assertEqual(all(d_moved), player == "d", player)
      self.assertEqual(any(d_moved), player == "d", player)

  def test_losses_match_numpy(self):
    model = make_pix2pix(lambda_l1=100.0, lambda_gan=1.0)
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32)
    y = rng.uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32)
    g = rng.uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32)
    # D in inference mode gives the same logits call after call; its terms use training
    # mode (batch statistics), so the NumPy reference takes the logits of that mode.
    fake = model.discriminate(x, g, training=True).numpy()
    real = model.discriminate(x, y, training=True).numpy()
    self.assertEqual(fake.shape, (3, 12, 12, 1))
    g_loss, g_report = model.generator_terms(x, y, g)
    l1 = np.abs(y - g).reshape(3, -1).mean(1)
    adversarial = np_softplus(-fake).reshape(3, -1).mean(1)  # -log D(x, G(x)) per patch
    self.assertAllClose(g_report["g_l1"], l1, rtol=1e-5)
    self.assertAllClose(g_report["g_gan"], adversarial, rtol=1e-4)
    self.assertAllClose(g_loss, adversarial + 100.0 * l1, rtol=1e-4)
    d_loss, d_report = model.discriminator_terms(x, y, g)
    expected = 0.5 * (np_softplus(-real) + np_softplus(fake)).reshape(3, -1).mean(1)
    self.assertAllClose(d_loss, expected, rtol=1e-4)
    sigmoid = lambda t: 1 / (1 + np.exp(-t))
    self.assertAllClose(d_report["d_real"], sigmoid(real).reshape(3, -1).mean(1), rtol=1e-4)
    self.assertAllClose(d_report["d_fake"], sigmoid(fake).reshape(3, -1).mean(1), rtol=1e-4)
    # The L1 baseline: no adversarial term, D is not consulted.
    baseline = make_pix2pix(lambda_l1=10.0, lambda_gan=0.0)
    loss, report = baseline.generator_terms(x, y, g)
    self.assertAllClose(loss, 10.0 * l1, rtol=1e-5)
    self.assertAllEqual(report["g_gan"], np.zeros(3))

  def test_same_seed_same_weights(self):
    a, b, c = make_pix2pix(seed=3), make_pix2pix(seed=3), make_pix2pix(seed=4)
    for m in (a, b, c):
      m.fit(pair_batches(8), epochs=1, verbose=0)
    for x, y in zip(weights(a.generator), weights(b.generator)):
      self.assertAllEqual(x, y)
    self.assertFalse(all(np.allclose(x, y)
                         for x, y in zip(weights(a.generator), weights(c.generator))))

  def test_bad_settings(self):
    with self.assertRaisesRegex(ValueError, "both 0"):
      make_pix2pix(lambda_l1=0.0, lambda_gan=0.0)
    with self.assertRaisesRegex(ValueError, ">= 0"):
      make_pix2pix(lambda_l1=-1.0)
    with self.assertRaisesRegex(ValueError, "Unknown direction"):
      make_pix2pix(direction="up")
    base = tiny_config(self.get_temp_dir())
    with self.assertRaisesRegex(ValueError, "no latent input"):
      train_lib.build_model(base.replace(model=dict(codes="cat:10")))
    with self.assertRaisesRegex(ValueError, "holds no image pairs"):
      train_lib.build_model(base.replace(data=dict(dataset="mnist")))
    with self.assertRaisesRegex(ValueError, "does not translate images"):
      train_lib.build_model(base.replace(model=dict(architecture="dcgan")))

  def test_translation_grid(self):
    model = make_pix2pix()
    pairs = np.random.default_rng(0).uniform(-1, 1, (6, 28, 56, 1)).astype(np.float32)
    grid = model.image_grids(real_images=pairs)["translations"]
    self.assertEqual(grid.shape, (2 * 29 + 1, 9 * 29 + 1, 1))
    # The first cell is the input (A, the left half), the third the target.
    cell = lambda r, c: grid[1 + 29 * r:29 * (r + 1), 1 + 29 * c:29 * (c + 1)]
    self.assertAllClose(cell(0, 0) / 255.0, (pairs[0, :, :28] + 1) / 2, atol=1 / 255)
    self.assertAllClose(cell(0, 2) / 255.0, (pairs[0, :, 28:] + 1) / 2, atol=1 / 255)
    swapped = make_pix2pix(direction="BtoA").image_grids(real_images=pairs)["translations"]
    self.assertAllEqual(swapped[:, :29], grid[:, 58:87])
    self.assertEqual(model.image_grids(), {})


class Pix2PixRunTest(tf.test.TestCase):
  """Two steps through train_lib on inpaint_mnist, the export, and the evaluation."""

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.model_dir = os.path.join(tf.compat.v1.test.get_temp_dir(), "pix2pix_run")
    cls.config = tiny_config(cls.model_dir, train_steps=2)
    cls.model, cls.path = train_lib.run(cls.config)
    cls.loaded = tf.saved_model.load(cls.path)

  def test_run_trains_draws_and_exports(self):
    self.assertEqual(int(self.model.global_step), 2)
    self.assertTrue(all(np.isfinite(m.result()) for m in self.model.metrics))
    self.assertTrue(self.path.endswith(os.path.join("export", "pix2pix", "2")))
    self.assertSetEqual(set(self.loaded.signatures), {"serving_default", "translate"})
    self.assertTrue(os.path.exists(os.path.join(self.model_dir, "images", "translations.png")))
    with open(os.path.join(self.model_dir, "config.json")) as f:
      self.assertIn('"dataset": "inpaint_mnist"', f.read())

  def test_translate_matches_keras_model(self):
    x = np.random.default_rng(1).uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32)
    expected = self.model.translate(x, training=False)
    self.assertAllClose(self.loaded.translate(x)["images"], expected, atol=1e-5)
    out = self.loaded.signatures["serving_default"](images=x)
    self.assertAllClose(out["images"], expected, atol=1e-5)
    self.assertAllInRange(out["images"], -1.0, 1.0)
    # What TF Serving feeds: the placeholders directly, checked in the graph.
    fed = feed_placeholders(self.path, "translate", {"images": x})
    self.assertAllClose(fed["images"], expected, atol=1e-5)

  def test_bad_input_shape_is_rejected(self):
    with self.assertRaises((ValueError, TypeError)):
      self.loaded.translate(np.zeros((2, 32, 32, 1), np.float32))
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                r"\[2,32,32,3\] is not compatible with expected shape "
                                r"\[\?,28,28,1\]"):
      feed_placeholders(self.path, "translate", {"images": np.zeros((2, 32, 32, 3),
                                                                    np.float32)})

  def test_evaluate_reports_translation_metrics(self):
    clf_dir = os.path.join(self.get_temp_dir(), "clf")
    os.makedirs(clf_dir)
    clf = classifier.build_classifier((28, 28, 1), 10)
    clf.save(os.path.join(clf_dir, "classifier.keras"))
    results = evaluate.evaluate(self.model_dir, split="test[:500]", batch_size=250,
                                classifier_dir=clf_dir)
    self.assertEqual(results["num_pairs"], 500)
    self.assertBetween(results["translation_l1"], 0.0, 2.0)
    self.assertAllClose(results["translation_l1_01"], results["translation_l1"] / 2)
    self.assertBetween(results["translation_ssim"], -1.0, 1.0)
    for key in ("translation", "input", "target"):
      self.assertBetween(results[f"{key}_classifier_accuracy"], 0.0, 1.0)
    self.assertLen(results["translation_per_class_accuracy"], 10)
    self.assertGreaterEqual(results["translation_classifier_fid"], 0.0)
    self.assertGreaterEqual(results["input_classifier_fid"], 0.0)
    self.assertNotIn("classifier_fid", results)  # no sample signature
    self.assertNotIn("classifier_metrics_skipped", results)
    # The L1 is that of the Keras model on the test pairs.
    from tfgan_info import data  # pylint: disable=g-import-not-at-top
    pairs = data.paired.as_arrays(data.paired.eval_pairs(
        data.load("inpaint_mnist", "test", testutil.TFDS_DIR, testutil.RAW_DATA_DIR)
        .take(500), "AtoB", 250))
    outputs = self.model.translate(pairs["input"]).numpy()
    self.assertAllClose(np.abs(outputs - pairs["target"]).mean(), results["translation_l1"],
                        atol=1e-5)
    # Without a classifier of the outputs' domain, the classifier metrics are skipped.
    missing = evaluate.evaluate(self.model_dir, split="test[:200]", batch_size=200,
                                classifier_dir=os.path.join(self.get_temp_dir(), "none"))
    self.assertIn("no domain classifier", missing["classifier_metrics_skipped"])
    self.assertIn("translation_ssim", missing)
    self.assertNotIn("translation_classifier_accuracy", missing)


if __name__ == "__main__":
  tf.test.main()
