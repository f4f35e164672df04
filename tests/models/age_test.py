import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import latents
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info.models import AGE


def make_age(seed=0, latent_dim=8, image_shape=(28, 28, 1), jit_compile=False, **kwargs):
  keras.utils.set_random_seed(seed)
  spec = latents.LatentSpec("", latent_dim, noise="sphere")
  g, e = networks.build_age_networks("dcgan", latent_dim, image_shape)
  model = AGE(g, e, spec, seed=seed, **kwargs)
  model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5),
                jit_compile=jit_compile)
  model.build_optimizers()
  return model


def image_batches(n=16, batch=8, shape=(28, 28, 1), seed=0):
  images = np.random.default_rng(seed).uniform(-1, 1, (n,) + shape).astype(np.float32)
  return tf.data.Dataset.from_tensor_slices({"image": images}).batch(batch, drop_remainder=True)


class AGETest(tf.test.TestCase, parameterized.TestCase):

  def test_one_step_updates_both_players_with_two_g_steps(self):
    model = make_age()
    e_before = [v.numpy() for v in model.encoder.trainable_variables]
    g_before = [v.numpy() for v in model.generator.trainable_variables]
    logs = model.fit(image_batches(8), epochs=1, verbose=0).history
    self.assertSetEqual(set(logs), {"e_loss", "g_loss", "kl_real", "kl_fake", "recon_x",
                                    "recon_z"})
    self.assertTrue(all(np.isfinite(v[-1]) for v in logs.values()))
    self.assertEqual(int(model.e_optimizer.iterations), 1)
    self.assertEqual(int(model.g_optimizer.iterations), 2)   # generator_steps
    self.assertEqual(int(model.global_step), 1)
    for before, var in zip(e_before, model.encoder.trainable_variables):
      self.assertNotAllClose(before, var)
    for before, var in zip(g_before, model.generator.trainable_variables):
      self.assertNotAllClose(before, var)

  @parameterized.parameters((28, 28, 1), (32, 32, 3), (64, 64, 3))
  def test_encoder_outputs_unit_vectors(self, *shape):
    model = make_age(latent_dim=16, image_shape=shape)
    images = np.random.default_rng(1).uniform(-1, 1, (5,) + shape).astype(np.float32)
    codes = model.encode(images)
    self.assertEqual(codes.shape, (5, 16))
    self.assertAllClose(np.linalg.norm(codes, axis=1), np.ones(5), atol=1e-5)
    self.assertEqual(model.reconstruct(images).shape, (5,) + shape)
    # Prior samples lie on the sphere as well.
    z, _ = model.latent_spec.sample(7, tf.constant([0, 1]))
    self.assertAllClose(np.linalg.norm(z, axis=1), np.ones(7), atol=1e-5)

  def test_terms_match_the_paper_objective(self):
    model = make_age(lambda_z=1000.0, mu_x=10.0, latent_loss="l2")
    images = np.random.default_rng(2).uniform(-1, 1, (6, 28, 28, 1)).astype(np.float32)
    z, _ = model.latent_spec.sample(6, tf.constant([3, 4]))
    per_example, divergence, report = model.encoder_terms(images, z)
    fake_codes = model.encode(model.generate(z, training=True), training=True).numpy()
    real_codes = model.encode(images, training=True).numpy()

    def kl(codes):
      m, s = codes.mean(0), np.sqrt(codes.var(0) + 1e-6)
      total = np.sum((s ** 2 + m ** 2) / 2 - np.log(s) - 0.5)
      return total / 8   # M = 8: the official code's scale
    # e step: Delta(e(X)) - Delta(e(g(Z))) + mu ||x - g(e(x))||_1 (mean over pixels).
    self.assertAllClose(divergence, kl(real_codes) - kl(fake_codes), rtol=1e-4, atol=1e-4)
    recon = model.generator(real_codes, training=False).numpy()   # g as served
    self.assertAllClose(per_example, 10.0 * np.abs(images - recon).reshape(6, -1).mean(1),
                        rtol=1e-4, atol=1e-5)
    self.assertAllClose(report["kl_real"], np.full(6, kl(real_codes)), rtol=1e-4)
    # g step: Delta(e(g(Z))) + lambda mean_j (z_j - e(g(z))_j)^2.
    per_example, divergence, report = model.generator_terms(z)
    fake_codes = model.encode(model.generate(z, training=True), training=True).numpy()
    self.assertAllClose(divergence, kl(fake_codes), rtol=1e-4)
    self.assertAllClose(per_example, 1000.0 * ((z.numpy() - fake_codes) ** 2).mean(1),
                        rtol=1e-4, atol=1e-4)

  def test_default_latent_loss_is_the_official_mean_cos(self):
    # g step: lambda (2 - mean_j z_j e(g(z))_j) (official --match_z cos), the default.
    model = make_age(lambda_z=1000.0)
    self.assertEqual(model.latent_loss, "mean_cos")
    z, _ = model.latent_spec.sample(6, tf.constant([5, 6]))
    per_example, _, _ = model.generator_terms(z)
    fake_codes = model.encode(model.generate(z, training=True), training=True).numpy()
    self.assertAllClose(per_example, 1000.0 * (2.0 - (z.numpy() * fake_codes).mean(1)),
                        rtol=1e-4, atol=1e-3)

  def test_seeded_runs_repeat(self):
    weights = []
    for _ in range(2):
      model = make_age(seed=5)
      model.fit(image_batches(16), epochs=1, verbose=0)
      weights.append([v.numpy() for v in model.generator.trainable_variables])
    for a, b in zip(*weights):
      self.assertAllClose(a, b)

  def test_bad_settings_raise(self):
    g, e = networks.build_age_networks("dcgan", 4, (28, 28, 1))
    with self.assertRaisesRegex(ValueError, "--noise=sphere"):
      AGE(g, e, latents.LatentSpec("", 4))
    with self.assertRaisesRegex(ValueError, "--codes="):
      AGE(g, e, latents.LatentSpec("cat:10", 4, noise="sphere"))
    with self.assertRaisesRegex(ValueError, "generator_steps"):
      AGE(g, e, latents.LatentSpec("", 4, noise="sphere"), generator_steps=0)
    with self.assertRaisesRegex(ValueError, "no encoder"):
      networks.build_age_networks("infogan_mnist", 4, (28, 28, 1))

  def test_divergence_is_the_batch_kl(self):
    codes = tf.math.l2_normalize(tf.random.normal([32, 8], seed=1), -1)
    self.assertAllClose(make_age().divergence(codes), losses.batch_gaussian_kl(codes) / 8)


if __name__ == "__main__":
  tf.test.main()
