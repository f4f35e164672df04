import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import augment
from tfgan_info import latents
from tfgan_info import networks
from tfgan_info.models import InfoGAN
from tfgan_info.models import objective


def make_model(seed=0, codes="cat:10,uniform:1,uniform:1", noise_dim=62, jit=False,
               model_cls=InfoGAN, learn_std=False, **kwargs):
  keras.utils.set_random_seed(seed)
  spec = latents.LatentSpec(codes, noise_dim, learn_std=learn_std)
  q_dim = spec.q_dim if model_cls is InfoGAN else 0
  g, d = networks.build_gan_networks("infogan_mnist", spec.noise_dim + spec.code_dim,
                                     (28, 28, 1), q_dim)
  model = model_cls(g, d, spec, seed=seed, **kwargs)
  model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5),
                jit_compile=jit)
  model.build_optimizers()
  return model


def batches(n=16, seed=0):
  rng = np.random.default_rng(seed)
  images = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)
  return tf.data.Dataset.from_tensor_slices(
      {"image": images, "label": rng.integers(0, 10, n)}).batch(8, drop_remainder=True)


def loss_of(model, step, data, noise, codes, fake):
  """(per-example loss, report) of a GAN's ``step`` ("d" or "g") on the generated batch
  ``fake`` = G(noise, codes) and the real batch ``data``."""
  loss, _, report = model.step_loss(model.play(data, step, noise, codes, fake))
  return loss, report


def information_penalty(model, codes, fake_q):
  """The mutual-information term's per-example loss for Q's output fake_q on G(z, codes)."""
  return model.information_term(objective.Play("g", {}, codes=codes, fake_aux=fake_q))[0]


def d_step_terms(model):
  """(D-step loss [8], its report, the code penalty [8] of the same fakes) on one test batch,
  so a term's share of the loss can be checked."""
  data = next(iter(batches(8)))
  noise, codes = model.latent_spec.sample(8, tf.constant([0, 1]))
  fake = model.generate(noise, codes, training=True)
  loss, report = loss_of(model, "d", data, noise, codes, fake)
  _, fake_q = model.discriminator(fake, training=True)
  return loss, report, information_penalty(model, codes, fake_q)


def weights(model):
  return [v.numpy().copy() for v in model.trainable_variables]


class InfoGANTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters(({},), ({"reuse_fakes": True, "jit": True},),
                            ({"reuse_fakes": True, "q_step": "d"},))
  def test_one_step_smoke(self, kwargs):
    model = make_model(**kwargs)
    before = weights(model)
    history = model.fit(batches(8), epochs=1, verbose=0)
    logs = {k: v[-1] for k, v in history.history.items()}
    self.assertSetEqual(set(logs), {"d_loss", "g_loss", "d_real", "d_fake", "mi_cat",
                                    "mi_cat_bound", "mi_cont"})
    self.assertTrue(all(np.isfinite(v) for v in logs.values()))
    self.assertAllClose(logs["mi_cat_bound"], np.log(10))
    changed = [not np.allclose(a, b) for a, b in zip(before, weights(model))]
    self.assertTrue(all(changed), "every trainable variable should move in one step")
    self.assertEqual(int(model.d_optimizer.iterations), 1)
    self.assertEqual(int(model.g_optimizer.iterations), 1)

  @parameterized.parameters("d", "g")
  def test_step_variables_partition(self, q_step):
    model = make_model(q_step=q_step)
    d_ids = {id(v) for v in model.player_variables("d")}
    g_ids = {id(v) for v in model.player_variables("g")}
    self.assertEmpty(d_ids & g_ids)
    self.assertLen(d_ids | g_ids, len(model.trainable_variables))
    body = {id(v) for v in model.discriminator.body.trainable_variables}
    q_head = {id(v) for v in model.discriminator.q_variables}
    generator = {id(v) for v in model.generator.trainable_variables}
    self.assertTrue(body <= d_ids)
    self.assertTrue(generator <= g_ids)
    self.assertTrue(q_head <= (d_ids if q_step == "d" else g_ids))

  @parameterized.parameters("d", "g")
  def test_d_step_loss_includes_information_only_with_q_in_d_step(self, q_step):
    model = make_model(q_step=q_step)
    data = next(iter(batches(8)))
    noise, codes = model.latent_spec.sample(8, tf.constant([0, 1]))
    fake = model.generate(noise, codes, training=True)
    loss, report = loss_of(model, "d", data, noise, codes, fake)
    fake = model.generate(noise, codes, training=True)
    _, q = model.discriminator(fake, training=True)
    mi_cat, mi_cont = model.information_terms(codes, q)
    penalty = -1.0 * mi_cat - 0.1 * mi_cont
    expected = report["d_loss"] + (penalty if q_step == "d" else 0.0)
    # Batch-norm moving statistics change between the calls; batch statistics do not.
    self.assertAllClose(loss, expected, rtol=1e-4, atol=1e-4)

  @parameterized.parameters("d", "g")
  def test_each_step_moves_exactly_its_variables(self, q_step):
    # The Q gradient routing: with q_step "d" the D step (GAN loss - lambda L_I) moves D's
    # body, D head and Q head, and the G step G alone; with "g" the D step moves body and D
    # head, the G step G and the Q head.
    model = make_model(q_step=q_step)
    data = next(iter(batches(8)))
    d = model.discriminator
    parts = {"generator": model.generator, "body": d.body, "d_head": d.d_head,
             "q_head": d.q_head}
    expected = {"d": {"body", "d_head"} | ({"q_head"} if q_step == "d" else set()),
                "g": {"generator"} | ({"q_head"} if q_step == "g" else set())}
    for player in ("d", "g"):
      before = {name: [v.numpy().copy() for v in net.trainable_variables]
                for name, net in parts.items()}
      model._step(data, player)  # pylint: disable=protected-access
      moved = {name for name, net in parts.items()
               if all(not np.allclose(a, b.numpy())
                      for a, b in zip(before[name], net.trainable_variables))}
      still = {name for name, net in parts.items()
               if all(np.array_equal(a, b.numpy())
                      for a, b in zip(before[name], net.trainable_variables))}
      self.assertEqual(moved, expected[player], player)
      self.assertEqual(still, set(parts) - expected[player], player)

  def test_invariance_term_on_real_images(self):
    with self.assertRaisesRegex(ValueError, "needs --q_step=d"):
      make_model(lambda_iic=1.0)
    model = make_model(q_step="d", lambda_iic=0.5)
    loss, report, penalty = d_step_terms(model)
    self.assertBetween(float(np.mean(report["iic"])), 0.0, np.log(10))
    self.assertAllClose(loss, report["d_loss"] + penalty - 0.5 * report["iic"], rtol=1e-4,
                        atol=1e-4)
    before = weights(model)
    history = model.fit(batches(8), epochs=1, verbose=0).history
    self.assertIn("iic", history)
    self.assertTrue(all(not np.allclose(a, b) for a, b in zip(before, weights(model))))

  def test_equivariance_term_on_real_images(self):
    with self.assertRaisesRegex(ValueError, "needs --q_step=d"):
      make_model(equivariant_codes="rotation", lambda_equivariance=1.0)
    with self.assertRaisesRegex(ValueError, "naming at least one factor"):
      make_model(q_step="d", equivariant_codes="free", lambda_equivariance=1.0)
    with self.assertRaisesRegex(ValueError, "at most 2 factors"):
      make_model(q_step="d", equivariant_codes="rotation,width,height", lambda_equivariance=1.0)
    with self.assertRaisesRegex(ValueError, "each once"):
      make_model(q_step="d", equivariant_codes="width,width", lambda_equivariance=1.0)
    self.assertEqual(make_model(equivariant_codes=" free , width").tied_factors, [(1, "width")])
    model = make_model(q_step="d", equivariant_codes="rotation,width", lambda_equivariance=0.5)
    self.assertEqual(model.tied_factors, [(0, "rotation"), (1, "width")])
    loss, report, penalty = d_step_terms(model)
    self.assertNotIn("iic", report)
    self.assertTrue(np.all(report["equivariance"] >= 0.0))
    self.assertAllClose(loss, report["d_loss"] + penalty + 0.5 * report["equivariance"],
                        rtol=1e-4, atol=1e-4)
    before = weights(model)
    history = model.fit(batches(8), epochs=1, verbose=0).history
    self.assertIn("equivariance", history)
    self.assertNotIn("equivariance", make_model(q_step="d").tracked_names())
    self.assertTrue(all(not np.allclose(a, b) for a, b in zip(before, weights(model))))

  def test_equivariance_error_is_that_of_the_drawn_transforms(self):
    # Q's means of a transformed image minus the image's, against the factor draws: with
    # Q replaced by a function that reads the ink's horizontal spread, the width code's
    # error is small only for the transform the term drew.
    model = make_model(q_step="d", equivariant_codes="free,width", lambda_equivariance=1.0)
    x = np.full((4, 28, 28, 1), -1.0, np.float32)
    x[:, 8:20, 9:19] = 1.0

    def q(images, training=False):
      del training
      ink = tf.reduce_sum(images + 1.0, axis=[1, 2, 3]) / 2.0  # 120 px of ink, scaled by s
      width = tf.math.log(ink / 120.0) / augment.FACTOR_UNITS["width"]
      return tf.concat([tf.zeros([tf.shape(images)[0], 11]), width[:, None]], -1)
    model.discriminator.q = q
    error = model.equivariance_error(tf.constant(x), q(tf.constant(x)))
    self.assertEqual(error.shape, (4,))
    self.assertAllLess(error, 0.01)

  def test_same_seed_same_weights(self):
    a, b, c = make_model(seed=3), make_model(seed=3), make_model(seed=4)
    for m in (a, b, c):
      m.fit(batches(16), epochs=1, verbose=0)
    for x, y in zip(weights(a), weights(b)):
      self.assertAllEqual(x, y)
    self.assertFalse(all(np.allclose(x, y) for x, y in zip(weights(a), weights(c))))

  def test_xla_step_trains_and_is_reproducible(self):
    # XLA and the TF kernels draw different stateless random streams, so the XLA step is
    # compared with itself: same seed, same update; and every variable moves.
    a, b = make_model(seed=5, jit=True), make_model(seed=5, jit=True)
    before = weights(a)
    ha = a.fit(batches(8), epochs=1, verbose=0).history
    hb = b.fit(batches(8), epochs=1, verbose=0).history
    self.assertTrue(all(np.isfinite(v[-1]) for v in ha.values()))
    self.assertEqual(ha, hb)
    for x, y, z in zip(weights(a), weights(b), before):
      self.assertAllClose(x, y)
      self.assertNotAllClose(x, z)

  def test_information_terms_match_numpy(self):
    model = make_model(noise_dim=2, learn_std=True)
    rng = np.random.default_rng(0)
    q = rng.normal(size=(6, model.latent_spec.q_dim)).astype(np.float32)
    labels = rng.integers(0, 10, 6)
    cont = rng.uniform(-1, 1, (6, 2)).astype(np.float32)
    codes = np.concatenate([np.eye(10)[labels], cont], -1).astype(np.float32)
    mi_cat, mi_cont = model.information_terms(codes, q)
    logits = q[:, :10]
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    self.assertAllClose(mi_cat, log_softmax[np.arange(6), labels] + np.log(10), rtol=1e-5)
    # Codes are cat:10 | uniform:1 (mean, log-std) | uniform:1 (mean, log-std).
    mean, log_std = q[:, [10, 12]], np.clip(q[:, [11, 13]], -5.0, 2.0)
    ll = -0.5 * ((cont - mean) / np.exp(log_std)) ** 2 - log_std - 0.5 * np.log(2 * np.pi)
    self.assertAllClose(mi_cont, ll.sum(-1) + 2 * np.log(2), rtol=1e-5)

  def test_information_terms_fixed_std_match_numpy(self):
    model = make_model(noise_dim=2)
    q = np.random.default_rng(1).normal(size=(3, 12)).astype(np.float32)
    codes = np.concatenate([np.eye(10)[[1, 2, 3]], np.full((3, 2), 0.5)], -1).astype(np.float32)
    _, mi_cont = model.information_terms(codes, q)
    ll = -0.5 * (0.5 - q[:, 10:]) ** 2 - 0.5 * np.log(2 * np.pi)
    self.assertAllClose(mi_cont, ll.sum(-1) + 2 * np.log(2), rtol=1e-5)

  def test_infer_codes_shapes(self):
    model = make_model()
    probs, means = model.infer_codes(tf.zeros([3, 28, 28, 1]))
    self.assertEqual(probs.shape, (3, 10))
    self.assertEqual(means.shape, (3, 2))
    self.assertAllClose(tf.reduce_sum(probs, -1), tf.ones(3))

  def test_needs_codes(self):
    with self.assertRaisesRegex(ValueError, "at least one code"):
      make_model(codes="")
    with self.assertRaisesRegex(ValueError, "Unknown q_step"):
      make_model(q_step="both")


if __name__ == "__main__":
  tf.test.main()
