import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tests.models.infogan_test import batches, loss_of, weights
from tfgan_info import latents
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info.models import ConditionalGAN


def make_cgan(architecture="dcgan", noise_dim=16, seed=0, lr=2e-4, **kwargs):
  keras.utils.set_random_seed(seed)
  spec = latents.LatentSpec("cat:10", noise_dim)
  g, d = networks.build_gan_networks(architecture, noise_dim, (28, 28, 1), num_classes=10)
  model = ConditionalGAN(g, d, spec, seed=seed, **kwargs)
  model.compile(keras.optimizers.Adam(lr, beta_1=0.5), keras.optimizers.Adam(lr, beta_1=0.5),
                jit_compile=False)
  model.build_optimizers()
  return model


def toy_labelled_images(n, seed=0):
  """Images whose label is readable: class k is a flat image of value k / 5 - 0.9 plus noise."""
  rng = np.random.default_rng(seed)
  labels = rng.integers(0, 10, n)
  images = (labels[:, None, None, None] / 5.0 - 0.9
            + 0.02 * rng.normal(size=(n, 28, 28, 1))).astype(np.float32)
  return images, labels


class ConditionalGANTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters("mlp", "dcgan")
  def test_one_step(self, architecture):
    model = make_cgan(architecture)
    before = weights(model)
    logs = model.fit(batches(8), epochs=1, verbose=0).history
    self.assertSetEqual(set(logs), {"d_loss", "g_loss", "d_real", "d_fake", "d_mismatch"})
    self.assertTrue(all(np.isfinite(v[-1]) for v in logs.values()))
    self.assertTrue(all(not np.allclose(a, b) for a, b in zip(before, weights(model))))

  def test_generate_takes_labels_or_one_hot_codes(self):
    model = make_cgan()
    noise = np.random.default_rng(0).normal(size=(4, 16)).astype(np.float32)
    labels = np.array([0, 3, 3, 9], np.int32)
    by_label = model.generate(noise, labels)
    self.assertEqual(by_label.shape, (4, 28, 28, 1))
    self.assertAllClose(by_label, model.generate(noise, np.eye(10, dtype=np.float32)[labels]))
    # The label changes the image: same noise, other label.
    self.assertNotAllClose(by_label[0], model.generate(noise[:1], np.array([5], np.int32))[0])

  def test_discriminator_uses_labels(self):
    model = make_cgan()
    images = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 1)).astype(np.float32)
    embeddings = model.discriminator.class_embedding.embeddings
    embeddings.assign(np.random.default_rng(1).normal(size=embeddings.shape).astype(np.float32))
    a, _ = model.discriminator(images, labels=tf.constant([0, 0]))
    b, _ = model.discriminator(images, labels=tf.constant([1, 1]))
    self.assertNotAllClose(a, b)
    with self.assertRaisesRegex(ValueError, "needs labels"):
      model.discriminator(images)

  def test_wrong_labels_are_wrong_and_cover_the_others(self):
    model = make_cgan()
    labels = tf.constant(np.repeat(np.arange(10), 200), tf.int32)
    wrong = model.wrong_labels(labels).numpy()
    self.assertFalse(np.any(wrong == labels.numpy()))
    for k in range(10):
      self.assertLen(set(wrong[labels.numpy() == k]), 9)

  @parameterized.parameters(("sum", 1.0, 0.5), ("mean", 1 / 1.5, 0.5 / 1.5))
  def test_d_loss_adds_the_wrong_label_term(self, negatives, fake_weight, wrong_weight):
    # "mean" is GAN-CLS (Reed et al. 2016, Alg. 1): both negatives divided by 1 + w.
    model = make_cgan(mismatch_weight=0.5, negatives=negatives)
    images, labels = toy_labelled_images(8)
    data = {"image": tf.constant(images), "label": tf.constant(labels)}
    noise, codes = model.latent_spec.sample(8, tf.constant([0, 1]))
    seed_state = model.seed_generator.state.numpy().copy()
    fake = model.generate(noise, codes, training=True)
    loss, report = loss_of(model, "d", data, noise, codes, fake)
    model.seed_generator.state.assign(seed_state)
    wrong = model.wrong_labels(tf.constant(labels, tf.int32))
    real_logits, _ = model.discriminator(images, labels=labels, training=True)
    fake_logits, _ = model.discriminator(model.generate(noise, codes, training=True),
                                         labels=tf.argmax(codes, -1), training=True)
    wrong_logits, _ = model.discriminator(images, labels=wrong, training=True)
    adversarial = (np.log1p(np.exp(-real_logits[:, 0]))
                   + fake_weight * np.log1p(np.exp(fake_logits[:, 0])))
    expected = adversarial + wrong_weight * np.log1p(np.exp(wrong_logits[:, 0]))
    self.assertAllClose(loss, expected, rtol=1e-4, atol=1e-4)
    self.assertAllClose(report["d_loss"], adversarial, rtol=1e-4, atol=1e-4)
    self.assertAllClose(report["d_mismatch"], tf.sigmoid(wrong_logits[:, 0]), atol=1e-4)

  def test_trained_discriminator_rejects_real_images_with_wrong_labels(self):
    model = make_cgan("mlp", lr=1e-3)
    images, labels = toy_labelled_images(512)
    ds = tf.data.Dataset.from_tensor_slices({"image": images, "label": labels})
    model.fit(ds.repeat().batch(64), steps_per_epoch=150, epochs=1, verbose=0)
    test_images, test_labels = toy_labelled_images(256, seed=1)
    right, _ = model.discriminator(test_images, labels=test_labels)
    wrong, _ = model.discriminator(test_images, labels=(test_labels + 3) % 10)
    self.assertGreater(np.mean(tf.sigmoid(right) > tf.sigmoid(wrong)), 0.9)
    self.assertLess(float(tf.reduce_mean(tf.sigmoid(wrong))), 0.3)

  def test_invalid_setups(self):
    g, d = networks.build_gan_networks("mlp", 4, (28, 28, 1), num_classes=10)
    with self.assertRaisesRegex(ValueError, "only code is its label"):
      ConditionalGAN(g, d, latents.LatentSpec("cat:10,uniform:1", 4))
    _, unconditional = networks.build_gan_networks("mlp", 4, (28, 28, 1))
    with self.assertRaisesRegex(ValueError, "conditional discriminator"):
      ConditionalGAN(g, unconditional, latents.LatentSpec("cat:10", 4))
    with self.assertRaisesRegex(ValueError, "mismatch_weight"):
      ConditionalGAN(g, d, latents.LatentSpec("cat:10", 4), mismatch_weight=-1.0)
    with self.assertRaisesRegex(ValueError, "Unknown negatives"):
      ConditionalGAN(g, d, latents.LatentSpec("cat:10", 4), negatives="max")


class WrongLabelLossTest(tf.test.TestCase):

  def test_matches_numpy(self):
    logits = np.array([[-3.0], [0.0], [2.5]], np.float32)
    self.assertAllClose(losses.wrong_label_discriminator_loss(logits),
                        -np.log(1.0 - 1.0 / (1.0 + np.exp(-logits[:, 0]))), rtol=1e-5)


if __name__ == "__main__":
  tf.test.main()
