import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tests.models.infogan_test import loss_of, weights
from tfgan_info import latents
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info.models import SSInfoGAN
from tfgan_info.models import objective


def make_ss(q_step="d", seed=0, codes="cat:10,uniform:1,uniform:1", **kwargs):
  keras.utils.set_random_seed(seed)
  spec = latents.LatentSpec(codes, 4)
  widths = [c.q_dim(False) for c in spec.codes]
  g, d = networks.build_gan_networks("infogan_mnist", spec.noise_dim + spec.code_dim,
                                     (28, 28, 1), q_dim=(widths[0], sum(widths[1:])))
  model = SSInfoGAN(g, d, spec, q_step=q_step, seed=seed, **kwargs)
  model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5),
                jit_compile=False)
  model.build_optimizers()
  return model


def ss_batches(n=16, labeled=1.0, seed=0):
  rng = np.random.default_rng(seed)
  return tf.data.Dataset.from_tensor_slices({
      "image": rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32),
      "label": rng.integers(0, 10, n),
      "labeled": np.full(n, labeled, np.float32)}).batch(8, drop_remainder=True)


def log_softmax(x):
  return x - np.log(np.exp(x).sum(-1, keepdims=True))



def information(model, step, codes, fake_q):
  """ss-InfoGAN's information term in ``step`` for Q's output fake_q on G(z, codes)."""
  return model.information_term(objective.Play(step, {}, codes=codes, fake_aux=fake_q))

class SSInfoGANTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters("d", "g")
  def test_one_step(self, q_step):
    model = make_ss(q_step)
    before = weights(model)
    logs = model.fit(ss_batches(8), epochs=1, verbose=0).history
    self.assertSetEqual(set(logs), {"d_loss", "g_loss", "d_real", "d_fake", "mi_ss", "mi_us",
                                    "ss_real_ll", "labeled"})
    self.assertTrue(all(np.isfinite(v[-1]) for v in logs.values()))
    self.assertAllClose(logs["labeled"][-1], 1.0)
    self.assertTrue(all(not np.allclose(a, b) for a, b in zip(before, weights(model))))

  def test_separate_q_heads(self):
    model = make_ss()
    features = tf.random.normal([3, 1024])
    q = model.discriminator.q_head(features)
    self.assertEqual(q.shape, (3, 12))
    # Zeroing Q_ss's output layer changes only the first 10 outputs (its own head).
    dense = [layer for layer in model.discriminator.q_head.layers
             if isinstance(layer, keras.layers.Dense)]
    ss_out = [layer for layer in dense if layer.units == 10][0]
    ss_out.kernel.assign(tf.zeros_like(ss_out.kernel))
    q2 = model.discriminator.q_head(features)
    self.assertAllClose(q2[:, 10:], q[:, 10:])
    self.assertNotAllClose(q2[:, :10], q[:, :10])

  def test_information_term_matches_numpy(self):
    model = make_ss(lambda_us=0.8, lambda_ss=2.0)
    rng = np.random.default_rng(0)
    q = rng.normal(size=(5, 12)).astype(np.float32)
    labels = rng.integers(0, 10, 5)
    cont = rng.uniform(-1, 1, (5, 2)).astype(np.float32)
    codes = np.concatenate([np.eye(10)[labels], cont], -1).astype(np.float32)
    penalty, report = information(model, "g", codes, q)
    mi_ss = log_softmax(q[:, :10])[np.arange(5), labels] + np.log(10)        # L_IS^2
    mi_us = (-0.5 * (cont - q[:, 10:]) ** 2 - 0.5 * np.log(2 * np.pi)).sum(-1) + 2 * np.log(2)
    self.assertAllClose(report["mi_ss"], mi_ss, rtol=1e-5)
    self.assertAllClose(report["mi_us"], mi_us, rtol=1e-5)
    self.assertAllClose(penalty, -2.0 * mi_ss - 0.8 * mi_us, rtol=1e-5)

  def test_supervised_term_matches_numpy_and_masks_unlabelled(self):
    model = make_ss(lambda_ss=2.0)
    rng = np.random.default_rng(1)
    images = rng.uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32)
    labels = np.array([3, 1, 4, 1])
    labeled = np.array([1, 0, 1, 1], np.float32)
    data = {"image": images, "label": labels, "labeled": labeled}
    penalty, report = model.supervised_terms(data)
    q = model.discriminator.q(images, training=True).numpy()
    ll = log_softmax(q[:, :10])[np.arange(4), labels] * labeled                 # L_IS^1
    self.assertAllClose(report["ss_real_ll"], ll, rtol=1e-4, atol=1e-5)
    self.assertAllClose(penalty, -2.0 * ll, rtol=1e-4, atol=1e-5)
    self.assertEqual(float(report["ss_real_ll"][1]), 0.0)

  @parameterized.parameters("d", "g")
  def test_supervised_term_enters_the_step_that_trains_q(self, q_step):
    model = make_ss(q_step)
    data = next(iter(ss_batches(8)))
    noise, codes = model.latent_spec.sample(8, tf.constant([0, 1]))
    fake = model.generate(noise, codes, training=True)
    d_loss, d_report = loss_of(model, "d", data, noise, codes, fake)
    fake = model.generate(noise, codes, training=True)
    g_loss, g_report = loss_of(model, "g", data, noise, codes, fake)
    self.assertEqual("ss_real_ll" in d_report, q_step == "d")
    self.assertEqual("ss_real_ll" in g_report, q_step == "g")

  def test_d_step_reuses_the_real_pass(self):
    # q_step "d": L_IS^1 comes from the Q output of D's real pass, so the D step must not run Q
    # again, and its loss is exactly V's D term - lambda_2 (L_IS^1 + L_IS^2) - lambda_1 L_I.
    model = make_ss("d")
    data = next(iter(ss_batches(8)))
    noise, codes = model.latent_spec.sample(8, tf.constant([0, 1]))
    fake = model.generate(noise, codes, training=True)
    real_logits, real_q = model.discriminator(data["image"], training=True)
    fake_logits, fake_q = model.discriminator(fake, training=True)
    expected = (losses.minimax_discriminator_loss(real_logits, fake_logits)
                + information(model, "d", codes, fake_q)[0]
                + model.supervised_terms(data, real_q)[0])

    def no_second_pass(*args, **kwargs):
      raise AssertionError("the D step ran Q on the real batch a second time")
    model.discriminator.q = no_second_pass
    fake = model.generate(noise, codes, training=True)
    loss, report = loss_of(model, "d", data, noise, codes, fake)
    self.assertAllClose(loss, expected, rtol=1e-5, atol=1e-5)
    self.assertIn("ss_real_ll", report)

  @parameterized.parameters(True, False)
  def test_q_ss_learns_from_fakes_only_under_the_equations_routing(self, on_fakes):
    # On an unlabelled batch L_IS^2 is the only term that reaches Q_ss's trainable weights:
    # with q_ss_on_fakes=False (the reference code) a train step leaves them bit-identical,
    # while Q_us and D's body still learn; G keeps L_IS^2 in its loss either way.
    model = make_ss("d", q_ss_on_fakes=on_fakes)
    dense = [layer for layer in model.discriminator.q_head.layers
             if isinstance(layer, keras.layers.Dense)]
    ss_out = [layer for layer in dense if layer.units == 10][0]
    us_out = [layer for layer in dense if layer.units == 2][0]
    before = [w.numpy() for w in (ss_out.kernel, us_out.kernel)]
    model.fit(ss_batches(8, labeled=0.0), epochs=1, verbose=0)
    self.assertEqual(np.array_equal(ss_out.kernel.numpy(), before[0]), not on_fakes)
    self.assertFalse(np.array_equal(us_out.kernel.numpy(), before[1]))
    data = next(iter(ss_batches(8, labeled=0.0)))
    noise, codes = model.latent_spec.sample(8, tf.constant([0, 1]))
    fake = model.generate(noise, codes, training=True)
    _, report = loss_of(model, "g", data, noise, codes, fake)
    self.assertIn("mi_ss", report)
    penalty, report = information(model, "d", codes, model.discriminator.q(fake))
    expected = -0.8 * report["mi_us"] - (2.0 * report["mi_ss"] if on_fakes else 0.0)
    self.assertAllClose(penalty, expected, rtol=1e-5, atol=1e-5)

  def test_invariance_term_teaches_q_ss_on_unlabelled_real_images(self):
    # With lambda_iic the D step adds -lambda_iic I(c_ss; c_ss') on the real batch to
    # L_IS^1; under the reference routing it is then what moves Q_ss on an unlabelled batch.
    with self.assertRaisesRegex(ValueError, "needs --q_step=d"):
      make_ss("g", lambda_iic=1.0)
    model = make_ss("d", q_ss_on_fakes=False, lambda_iic=0.5)
    data = next(iter(ss_batches(8, labeled=1.0)))
    noise, codes = model.latent_spec.sample(8, tf.constant([0, 1]))
    fake = model.generate(noise, codes, training=True)
    loss, report = loss_of(model, "d", data, noise, codes, fake)
    penalty, _ = information(model, "d", codes, model.discriminator.q(fake, training=True))
    self.assertBetween(float(np.mean(report["iic"])), 0.0, np.log(10))
    expected = (report["d_loss"] + penalty - 2.0 * report["ss_real_ll"]
                - 0.5 * report["iic"])
    self.assertAllClose(loss, expected, rtol=1e-4, atol=1e-4)
    ss_out = [layer for layer in model.discriminator.q_head.layers
              if isinstance(layer, keras.layers.Dense) and layer.units == 10][0]
    before = ss_out.kernel.numpy()
    history = model.fit(ss_batches(8, labeled=0.0), epochs=1, verbose=0).history
    self.assertIn("iic", history)
    self.assertFalse(np.array_equal(ss_out.kernel.numpy(), before))

  def test_reference_routing_needs_q_step_d(self):
    with self.assertRaisesRegex(ValueError, "q_step=d"):
      make_ss("g", q_ss_on_fakes=False)

  def test_first_code_must_be_categorical(self):
    with self.assertRaisesRegex(ValueError, "must be categorical"):
      make_ss(codes="uniform:1,cat:10")


if __name__ == "__main__":
  tf.test.main()
