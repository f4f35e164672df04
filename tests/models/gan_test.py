import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized
from scipy import stats

from tests.models.infogan_test import batches, loss_of, weights
from tfgan_info import latents
from tfgan_info import networks
from tfgan_info.models import GAN, ConditionalGAN, InfoGAN, InfoGANCR, SSInfoGAN
from tfgan_info.networks import mlp


def make_gan(architecture="dcgan", noise_dim=16, seed=0, **kwargs):
  keras.utils.set_random_seed(seed)
  spec = latents.LatentSpec("", noise_dim)
  g, d = networks.build_gan_networks(architecture, noise_dim, (28, 28, 1))
  model = GAN(g, d, spec, seed=seed, **kwargs)
  model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5),
                jit_compile=False)
  model.build_optimizers()
  return model


def frozen_affine_generator(scale: float, shift: float):
  """G(z) = shift + scale z, not trained: p_g = N(shift, scale^2) for z ~ N(0, 1)."""
  z = keras.Input((1,))
  affine = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(scale),
                              bias_initializer=keras.initializers.Constant(shift),
                              trainable=False)
  return keras.Model(z, affine(z))


def train_d_alone(model, optimizer, steps: int, batch: int = 512, report: str = ""):
  """``steps`` D steps of ``model`` (its own D-step loss, `GAN.step_loss`) on real batches
  from N(0, 1), G untouched; returns, per step, the batch mean of ``report`` (or of D's
  loss when empty)."""
  variables = model.player_variables("d")
  rng = np.random.default_rng(0)

  @tf.function(autograph=False)  # plain Python control flow; autograph not needed
  def d_step(real):
    noise, codes = model.sample_latents(batch)
    with tf.GradientTape() as tape:
      fake = model.generate(noise, codes, training=True)
      loss, values = loss_of(model, "d", {"image": real}, noise, codes, fake)
      loss = tf.reduce_mean(loss)
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return tf.reduce_mean(values[report]) if report else loss

  return [float(d_step(tf.constant(rng.normal(size=(batch, 1)), tf.float32)))
          for _ in range(steps)]


class GANTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.product(architecture=["mlp", "dcgan", "infogan_mnist"],
                         generator_loss=["non_saturating", "minimax"])
  def test_one_step(self, architecture, generator_loss):
    model = make_gan(architecture, generator_loss=generator_loss)
    before = weights(model)
    logs = model.fit(batches(8), epochs=1, verbose=0).history
    self.assertSetEqual(set(logs), {"d_loss", "g_loss", "d_real", "d_fake"})
    self.assertTrue(all(np.isfinite(v[-1]) for v in logs.values()))
    self.assertTrue(all(not np.allclose(a, b) for a, b in zip(before, weights(model))))

  def test_generator_loss_flag_selects_the_objective(self):
    model = make_gan("mlp", generator_loss="minimax")
    data = next(iter(batches(8)))
    noise, codes = model.latent_spec.sample(8, tf.constant([0, 1]))
    loss, _ = loss_of(model, "g", data, noise, codes, model.generate(noise, codes, training=True))
    self.assertAllLessEqual(loss.numpy(), 0.0)  # log(1 - D(G(z))) <= 0
    model = make_gan("mlp", generator_loss="non_saturating")
    loss, _ = loss_of(model, "g", data, noise, codes, model.generate(noise, codes, training=True))
    self.assertAllGreaterEqual(loss.numpy(), 0.0)  # -log D(G(z)) >= 0

  def test_augment_d_shows_d_transformed_images_and_g_gets_gradient_through_them(self):
    model = make_gan("dcgan", augment_d=True)
    images = next(iter(batches(8)))["image"]
    a, b = model.d_view(images), model.d_view(images)
    self.assertEqual(a.shape, images.shape)
    self.assertNotAllClose(a, images)
    self.assertNotAllClose(a, b)  # a fresh transform per call
    self.assertIs(make_gan("mlp").d_view(images), images)
    noise, codes = model.latent_spec.sample(8, tf.constant([0, 1]))

    def reached(m):  # G's variables the G-step loss has a nonzero gradient for
      with tf.GradientTape() as tape:
        loss, _ = loss_of(m, "g", {"image": images}, noise, codes,
                          m.generate(noise, codes, training=True))
        loss = tf.reduce_mean(loss)
      grads = tape.gradient(loss, m.generator.trainable_variables)
      return [g is not None and float(tf.reduce_max(tf.abs(g))) > 0 for g in grads]
    self.assertEqual(reached(model), reached(make_gan("dcgan")))
    self.assertGreater(sum(reached(model)), 0)
    before = weights(model)
    model.fit(batches(8), epochs=1, verbose=0)
    self.assertTrue(all(not np.allclose(x, y) for x, y in zip(before, weights(model))))

  def test_unknown_generator_loss(self):
    with self.assertRaisesRegex(ValueError, "Unknown generator loss"):
      make_gan("mlp", generator_loss="wasserstein")

  def test_reuse_fakes_runs_g_once_and_steps_as_the_pytorch_loop(self):
    batch = next(iter(batches(8)))
    lean, ref = make_gan("mlp", reuse_fakes=True), make_gan("mlp")
    calls = []
    generate = lean.generate
    lean.generate = lambda *a, **k: calls.append(1) or generate(*a, **k)
    report = lean.train_step(batch)  # eager: one call per forward pass
    self.assertLen(calls, 1)
    self.assertSetEqual(set(report), {"d_loss", "g_loss", "d_real", "d_fake"})
    # The reference loop by hand: one draw of latents; D steps on the detached batch; G's
    # loss is the updated D's score of the same batch.
    noise, codes = ref.sample_latents(8)
    fake = ref.generate(noise, codes, training=True)
    ref.apply_step(lambda: (loss_of(ref, "d", batch, noise, codes, tf.stop_gradient(fake))[0],
                            None, {}), "d")
    ref.apply_step(lambda: (loss_of(ref, "g", batch, noise, codes, ref.generate(
        noise, codes, training=True))[0], None, {}), "g")
    for a, b in zip(lean.trainable_weights, ref.trainable_weights):
      self.assertAllClose(a, b, atol=1e-6, msg=a.path)
    self.assertEqual(int(lean.global_step), 1)

  @parameterized.parameters(False, True)
  def test_generator_steps_runs_that_many_g_updates_per_d_update(self, reuse_fakes):
    batch = next(iter(batches(8)))
    model = make_gan("mlp", generator_steps=3, reuse_fakes=reuse_fakes)
    d_before = [v.numpy() for v in model.discriminator.d_variables]
    calls = []
    generate = model.generate
    model.generate = lambda *a, **k: calls.append(1) or generate(*a, **k)
    model.train_step(batch)
    # One generated batch per step; with reuse_fakes the D step and the first G step share one.
    self.assertLen(calls, 3 if reuse_fakes else 4)
    self.assertEqual(int(model.g_optimizer.iterations), 3)
    self.assertEqual(int(model.d_optimizer.iterations), 1)
    self.assertTrue(all(not np.allclose(a, b) for a, b in
                        zip(d_before, [v.numpy() for v in model.discriminator.d_variables])))
    self.assertEqual(int(model.global_step), 1)
    with self.assertRaisesRegex(ValueError, "generator_steps and discriminator_steps must be"):
      make_gan("mlp", generator_steps=0)

  def test_discriminator_steps_take_one_real_batch_each(self):
    model = make_gan("mlp", discriminator_steps=3)
    stacked = {"image": tf.stack([tf.fill([8, 28, 28, 1], float(v)) for v in (-1, 0, 1)], 1),
               "label": tf.zeros([8, 3], tf.int32)}
    seen = []
    play = model.play
    model.play = lambda data, step, *a: seen.append((step, float(data["image"][0, 0, 0, 0]))) \
        or play(data, step, *a)
    model.train_step(stacked)
    self.assertEqual(seen, [("d", -1.0), ("d", 0.0), ("d", 1.0), ("g", 1.0)])
    self.assertEqual(int(model.d_optimizer.iterations), 3)
    self.assertEqual(int(model.g_optimizer.iterations), 1)
    self.assertEqual(int(model.global_step), 1)  # one training step

  def test_models_share_one_train_step(self):
    # No model copies the D-step / G-step logic: they state their objective.
    for cls in (ConditionalGAN, InfoGAN, SSInfoGAN, InfoGANCR):
      self.assertIs(cls.train_step, GAN.train_step)
      self.assertIs(cls._step, GAN._step)  # pylint: disable=protected-access
      self.assertIs(cls.step_loss, GAN.step_loss)


class OptimalDiscriminatorTest(tf.test.TestCase):
  """The GAN D step on fixed 1-D p_data and p_g drives D to D*(x) = p_data / (p_data + p_g).

  (Goodfellow et al. 2014, Prop. 1.) G is frozen to the affine map x = 1 + 0.5 z of
  z ~ N(0, 1), so p_g = N(1, 0.5^2); p_data = N(0, 1). Only D trains, through the model's own
  D-step loss (`GAN.step_loss`).
  """

  def test_discriminator_approaches_optimum(self):
    keras.utils.set_random_seed(0)
    generator = frozen_affine_generator(0.5, 1.0)
    # D* = p_data / (p_data + p_g) is a function of one example: no minibatch feature.
    d = mlp.build_discriminator((1,), minibatch_std=False)
    model = GAN(generator, d, latents.LatentSpec("", 1), seed=0)
    train_d_alone(model, keras.optimizers.Adam(1e-3), steps=1500)

    x = np.linspace(-1.5, 2.0, 36, dtype=np.float32)[:, None]
    p_data, p_g = stats.norm.pdf(x, 0.0, 1.0), stats.norm.pdf(x, 1.0, 0.5)
    optimum = (p_data / (p_data + p_g))[:, 0]
    logits, _ = model.discriminator(x)
    trained = tf.sigmoid(logits[:, 0]).numpy()
    self.assertLess(np.max(np.abs(trained - optimum)), 0.06)
    # D* is not monotonic here (p_g is narrower than p_data): D must follow its dip.
    self.assertLess(trained[np.argmin(optimum)], 0.3)
    self.assertGreater(trained[0], 0.8)


if __name__ == "__main__":
  tf.test.main()
