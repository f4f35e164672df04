import keras
import numpy as np
import tensorflow as tf

from tests.models.gan_test import frozen_affine_generator, train_d_alone
from tests.models.infogan_test import batches
from tfgan_info import latents
from tfgan_info import networks
from tfgan_info.models import GAN, WGANGP
from tfgan_info.models import wgan_gp
from tfgan_info.networks import mlp


def make_wgan(seed=0, **kwargs):
  keras.utils.set_random_seed(seed)
  spec = latents.LatentSpec("", 16)
  g, d = networks.build_gan_networks("dcgan", 16, (28, 28, 1), width=8,
                                     discriminator_options={"normalize": False})
  model = WGANGP(g, d, spec, seed=seed, **kwargs)
  model.compile(keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9), jit_compile=False)
  model.build_optimizers()
  return model


class WGANGPLossesTest(tf.test.TestCase):

  def test_losses_match_the_algorithm(self):
    real, fake = np.array([[1.0], [2.0]]), np.array([[0.5], [-1.0]])
    self.assertAllClose(wgan_gp.critic_loss(real, fake), [-0.5, -3.0])
    self.assertAllClose(wgan_gp.generator_loss(fake), [-0.5, 1.0])
    g = np.zeros((3, 2, 2, 1), np.float32)
    g[0, 0, 0, 0], g[1, :, :, 0] = 3.0, 0.5  # norms 3, 1, 0
    self.assertAllClose(wgan_gp.gradient_penalty(g), [4.0, 0.0, 1.0], atol=1e-5)
    x, y = np.ones((2, 2, 2, 1)), np.zeros((2, 2, 2, 1))
    mixed = wgan_gp.interpolates(x, y, tf.constant([0.25, 1.0], tf.float64))
    self.assertAllClose(mixed[:, 0, 0, 0], [0.25, 1.0])
    self.assertAllClose(wgan_gp.interpolates(np.ones((2, 1)), np.zeros((2, 1)),
                                             tf.constant([0.5, 0.0], tf.float64)), [[0.5], [0.0]])


class WGANGPTest(tf.test.TestCase):

  def test_one_train_step_is_five_critic_steps_and_one_g_step(self):
    model = make_wgan(discriminator_steps=5)
    # Five real batches of 8, stacked on axis 1 (`GAN.batches_per_step`).
    stacked = {"image": tf.random.uniform([8, 5, 28, 28, 1], -1.0, 1.0, seed=0),
               "label": tf.zeros([8, 5], tf.int64)}
    report = model.train_step(stacked)
    self.assertEqual(int(model.d_optimizer.iterations), 5)
    self.assertEqual(int(model.g_optimizer.iterations), 1)
    self.assertEqual(int(model.global_step), 1)
    self.assertContainsSubset({"gradient_penalty", "w_distance", "d_real", "d_fake"}, report)
    self.assertTrue(all(np.isfinite(float(v)) for v in report.values()))
    self.assertIs(WGANGP.train_step, GAN.train_step)

  def test_the_penalty_is_that_of_the_critic_gradient_at_the_interpolates(self):
    model = make_wgan(gradient_penalty_weight=10.0)
    images = next(iter(batches(8)))["image"]
    noise, codes = model.sample_latents(8)
    fake = model.generate(noise, codes, training=True)
    play = model.play({"image": images}, "d", noise, codes, fake)
    state = model.seed_generator.state.numpy().copy()
    penalty, report = model.penalty_term(play)
    model.seed_generator.state.assign(state)  # the term's draw of eps, again
    eps = model.sample_global(lambda n, seed: tf.random.stateless_uniform([n], seed), 8)
    norms = []
    for i in range(8):
      x_hat = tf.Variable(eps[i] * images[i:i + 1] + (1 - eps[i]) * fake[i:i + 1])
      with tf.GradientTape() as tape:
        score, _ = model.discriminator(x_hat, training=True)
      norms.append(float(tf.norm(tape.gradient(score, x_hat))))
    self.assertAllClose(report["gradient_penalty"], (np.array(norms) - 1) ** 2, rtol=1e-3,
                        atol=1e-5)
    self.assertAllClose(penalty, 10.0 * report["gradient_penalty"])

  def test_refuses_batch_norm_and_another_generator_loss(self):
    spec = latents.LatentSpec("", 4)
    g, d = networks.build_gan_networks("dcgan", 4, (28, 28, 1), width=8)
    with self.assertRaisesRegex(ValueError, "no batch norm"):
      WGANGP(g, d, spec)
    with self.assertRaisesRegex(ValueError, "--generator_loss does not apply"):
      make_wgan(generator_loss="minimax")


class OptimalCriticTest(tf.test.TestCase):
  """The critic step alone on fixed 1-D p_data = N(0, 1) and p_g = N(3, 1), whose
  Wasserstein-1 distance is 3 (the optimal 1-Lipschitz critic is D(x) = -x). Under the soft
  penalty the optimum is the line D(x) = -a x minimising -3 a + lambda (a - 1)^2, a = 1 + 3 /
  (2 lambda): with lambda = 10 the critic's estimate E[D(x)] - E[D(G(z))] is 3 a = 3.45
  (Gulrajani et al. 2017, Sec. 4: the penalty only softly enforces slope 1)."""

  def test_critic_estimates_the_wasserstein_distance(self):
    keras.utils.set_random_seed(0)
    generator = frozen_affine_generator(1.0, 3.0)
    d = mlp.build_discriminator((1,), minibatch_std=False)
    model = WGANGP(generator, d, latents.LatentSpec("", 1), seed=0)
    estimates = train_d_alone(model, keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.9),
                              steps=1500, report="w_distance")
    self.assertAllClose(np.mean(estimates[-200:]), 3.45, atol=0.1)


if __name__ == "__main__":
  tf.test.main()
