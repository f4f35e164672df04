import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import latents
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info import checkpoints
from tests.models.infogan_test import loss_of
from tfgan_info.models import GAN, InfoGANCR

CODES = "uniform:1,uniform:1,uniform:1"


def make_model(cr_start_step=0, lambda_cr=2.0, jit=False, width=8, seed=0):
  keras.utils.set_random_seed(seed)
  spec = latents.LatentSpec(CODES, 2, noise="uniform")
  g, d = networks.build_gan_networks("infogan_cr_dsprites", spec.noise_dim + spec.code_dim,
                                     (64, 64, 1), q_dim=spec.q_dim, width=width)
  h = networks.build_pair_classifier("infogan_cr_dsprites", (64, 64, 1), 3, width=width)
  model = InfoGANCR(g, d, spec, pair_classifier=h, lambda_cr=lambda_cr,
                    cr_start_step=cr_start_step, q_step="d", lambda_cont=0.05, seed=seed)
  model.compile(keras.optimizers.Adam(2e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5),
                jit_compile=jit)
  model.build_optimizers()
  return model


def batches(n=8):
  images = np.random.default_rng(0).uniform(-1, 1, (n, 64, 64, 1)).astype(np.float32)
  return tf.data.Dataset.from_tensor_slices({"image": images}).batch(4, drop_remainder=True)


def values(variables):
  return [v.numpy().copy() for v in variables]


class InfoGANCRTest(tf.test.TestCase, parameterized.TestCase):

  def test_h_and_the_g_term_wait_for_cr_start_step(self):
    model = make_model(cr_start_step=2)
    h = model.pair_classifier.trainable_variables
    before = values(h)
    model.fit(batches(8), epochs=1, verbose=0)  # steps 0 and 1
    for a, b in zip(values(h), before):
      self.assertAllEqual(a, b, "H must not move before cr_start_step")
    self.assertEqual(int(model.h_optimizer.iterations), 0)  # a fresh Adam at the start
    self.assertEqual(float(model.trackers["cr_loss"].result()), 0.0)
    # The phase is the next step's (step 2: H on); the step traced for step 1 was the other.
    self.assertTrue(model.phase)
    self.assertFalse(model.training_phase(1))
    # The objective before the start is InfoGAN's: neither H's step nor L_c enters.
    names = lambda: [t.name for t in model.objective_terms()]
    plain = [t.name for t in super(InfoGANCR, model).objective_terms()]
    model.phase = model.training_phase(1)
    self.assertEqual(names(), plain)
    model.phase = model.training_phase(2)
    self.assertEqual(names(), plain + ["pair_classifier", "contrastive"])
    history = model.fit(batches(8), epochs=1, verbose=0)  # steps 2 and 3
    self.assertEqual(int(model.h_optimizer.iterations), 2)
    self.assertGreater(history.history["cr_loss"][-1], 0.0)
    self.assertTrue(all(not np.allclose(a, b) for a, b in zip(before, values(h))))

  def test_the_phase_switches_within_one_fit(self):
    model = make_model(cr_start_step=1)
    logs = model.fit(batches(8), epochs=1, verbose=0).history  # steps 0 and 1
    self.assertEqual(int(model.h_optimizer.iterations), 1)  # stepped in step 1 only
    self.assertGreater(logs["cr_loss"][-1], 0.0)
    # Step 0 counts as 0 (the window means assume every tracker is fed on every step).
    self.assertEqual(float(model.trackers["cr_loss"].count),
                     float(model.trackers["d_loss"].count))

  def test_one_step_reports(self):
    # (XLA: compiles too, with its tf.cond; 98 s on a loaded 2-core CPU, so not run here.)
    model = make_model()
    logs = {k: v[-1] for k, v in model.fit(batches(4), epochs=1, verbose=0).history.items()}
    self.assertContainsSubset({"d_loss", "g_loss", "mi_cont", "cr_loss", "cr_accuracy"}, logs)
    self.assertTrue(all(np.isfinite(v) for v in logs.values()))
    self.assertGreater(logs["cr_loss"], 0.0)
    self.assertEqual(int(model.d_optimizer.iterations), 1)
    self.assertEqual(int(model.h_optimizer.iterations), 1)

  def test_g_is_pushed_by_the_contrastive_term(self):
    model = make_model()
    data = next(iter(batches(4)))
    noise, codes = model.sample_latents(4)

    def g_grads(m):
      with tf.GradientTape() as tape:
        loss, _ = loss_of(m, "g", data, noise, codes, m.generate(noise, codes, training=True))
        loss = tf.reduce_mean(loss)
      return tape.gradient(loss, m.generator.trainable_variables)
    model.seed_generator.state.assign([7, 0])
    with_cr = g_grads(model)
    model.lambda_cr = 0.0
    model.seed_generator.state.assign([7, 0])
    without = g_grads(model)
    self.assertNotAllClose(with_cr[0], without[0])

  def test_the_h_step_lowers_the_contrastive_loss_on_its_pairs(self):
    model = make_model()
    data = {"image": tf.zeros([16, 64, 64, 1])}

    def loss_on_seed():
      model.seed_generator.state.assign([5, 0])
      return float(tf.reduce_mean(losses.contrastive_regularizer_loss(
          *model.pair_logits(16))))
    before = loss_on_seed()
    model.seed_generator.state.assign([5, 0])
    report = model._further_step(data, "h")  # pylint: disable=protected-access
    self.assertAllClose(tf.reduce_mean(report["cr_loss"]), before, rtol=1e-4)
    self.assertLess(loss_on_seed(), before)

  def test_checkpoint_holds_h_and_its_optimizer(self):
    model = make_model()
    model.fit(batches(4), epochs=1, verbose=0)
    checkpoint = checkpoints.make_checkpoint(model)
    path = checkpoint.save(self.get_temp_dir() + "/ckpt")
    other = make_model(seed=3)
    checkpoints.make_checkpoint(other).restore(path).assert_existing_objects_matched()
    for a, b in zip(model.pair_classifier.weights, other.pair_classifier.weights):
      self.assertAllEqual(a, b)
    self.assertEqual(int(other.h_optimizer.iterations), 1)

  def test_shares_the_gan_train_step_and_checks_h(self):
    self.assertIs(InfoGANCR.train_step, GAN.train_step)
    spec = latents.LatentSpec(CODES, 2)
    g, d = networks.build_gan_networks("infogan_cr_dsprites", 5, (64, 64, 1), q_dim=3, width=8)
    h = networks.build_pair_classifier("infogan_cr_dsprites", (64, 64, 1), 4, width=8)
    with self.assertRaisesRegex(ValueError, "names one of 3 codes, but outputs 4"):
      InfoGANCR(g, d, spec, pair_classifier=h)
    with self.assertRaisesRegex(ValueError, "has no pair classifier"):
      networks.build_pair_classifier("dcgan", (64, 64, 1), 3)


if __name__ == "__main__":
  tf.test.main()
