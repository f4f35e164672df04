"""The text-to-image GAN (models/text_cgan.py): GAN-CLS's loss, GAN-INT's term, the
pretrained and then frozen encoders, and the served caption endpoints."""

import os

import keras
import numpy as np
import tensorflow as tf

from tests import testutil
from tests.data.captioned_test import captioned_folder
from tests.models.infogan_test import loss_of
from tfgan_info import latents
from tfgan_info import losses
from tfgan_info import networks
from tfgan_info import serving
from tfgan_info import train_lib
from tfgan_info.data import caption_text
from tfgan_info.data import caption_tokens
from tfgan_info.models import TextConditionalGAN

VOCABULARY = caption_text.vocabulary("digits")
MAX_TOKENS = 12


def make_model(seed=0, **kwargs):
  keras.utils.set_random_seed(seed)
  g, d = networks.build_text_gan_networks("dcgan", 16, 32, (28, 28, 1), width=8)
  text, image = networks.build_text_encoders("dcgan", len(VOCABULARY) + 2, 32, MAX_TOKENS,
                                             (28, 28, 1), width=8)
  model = TextConditionalGAN(g, d, latents.LatentSpec("", 16), text_encoder=text,
                             image_encoder=image, vocabulary=VOCABULARY, max_tokens=MAX_TOKENS,
                             seed=seed, **kwargs)
  model.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5),
                jit_compile=False)
  model.build_optimizers()
  return model


def caption_batches(n=16, seed=0):
  """Batches of random images with one digits caption each, as word indices."""
  rng = np.random.default_rng(seed)
  labels = rng.integers(0, 10, n)
  texts = caption_text.captions("digits", labels, rng.integers(3, size=(n, 3)), 0, "t",
                                per_image=1)
  layer = caption_tokens.vectorizer(VOCABULARY, MAX_TOKENS)
  return tf.data.Dataset.from_tensor_slices(
      {"image": rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32), "label": labels,
       "tokens": caption_tokens.tokens(tf.constant(texts), layer)}).batch(8, drop_remainder=True)


def values(variables):
  return [v.numpy().copy() for v in variables]


def changed(before, variables):
  return [not np.allclose(a, b) for a, b in zip(before, values(variables))]


class TextCGANTest(tf.test.TestCase):

  def test_d_loss_is_gan_cls(self):
    model = make_model(mismatch_weight=0.5, text_pretrain_steps=0)
    data = next(iter(caption_batches(8)))
    noise, codes = model.step_latents(data)
    fake = model.generate(noise, codes, training=True)
    loss, report = loss_of(model, "d", data, noise, codes, fake)
    h = model.embed_tokens(data["tokens"])
    right, _ = model.discriminator(data["image"], h, training=True)
    wrong, _ = model.discriminator(data["image"], tf.roll(h, 1, axis=0), training=True)
    fake_logits, _ = model.discriminator(fake, h, training=True)
    sp = lambda t: np.log1p(np.exp(t.numpy()[:, 0]))
    expected = sp(-right) + (sp(fake_logits) + 0.5 * sp(wrong)) / 1.5
    self.assertAllClose(loss, expected, rtol=1e-4, atol=1e-4)
    self.assertAllClose(losses.gan_cls_discriminator_loss(right, wrong, fake_logits, 0.5),
                        expected, rtol=1e-4, atol=1e-4)
    self.assertAllClose(report["d_mismatch"], tf.sigmoid(wrong[:, 0]), atol=1e-5)

  def test_g_loss_adds_the_interpolation_term(self):
    for lambda_int in (0.0, 2.0):
      model = make_model(lambda_int=lambda_int, text_pretrain_steps=0)
      data = next(iter(caption_batches(8)))
      noise, codes = model.step_latents(data)
      loss, report = loss_of(model, "g", data, noise, codes,
                             model.generate(noise, codes, training=True))
      expected = report["g_loss"] + lambda_int * report.get("g_interpolation", 0.0)
      self.assertAllClose(loss, expected, rtol=1e-5)
      self.assertEqual("g_interpolation" in report, lambda_int > 0)

  def test_the_encoders_train_first_then_only_d_and_g(self):
    model = make_model(text_pretrain_steps=2)
    encoders = model.player_variables("e")
    game = model.generator.trainable_variables + model.discriminator.d_variables
    e0, g0 = values(encoders), values(game)
    logs = model.fit(caption_batches(16), epochs=1, verbose=0).history  # steps 0-1
    self.assertTrue(all(changed(e0, encoders)))
    self.assertFalse(any(changed(g0, game)))
    self.assertTrue(np.isfinite(logs["e_loss"][-1]))
    e1, g1 = values(encoders), values(game)
    model.fit(caption_batches(16), epochs=1, verbose=0)  # steps 2-3: the game
    self.assertFalse(any(changed(e1, encoders)))
    self.assertTrue(all(changed(g1, model.generator.trainable_variables)))
    self.assertEqual(int(model.global_step), 4)

  def test_k_discriminator_steps_each_see_their_batchs_captions(self):
    model = make_model(text_pretrain_steps=1, discriminator_steps=2)
    # Two batches per step, stacked on axis 1 (`GAN.real_batches`).
    pairs = caption_batches(32).batch(2, drop_remainder=True).map(
        lambda b: tf.nest.map_structure(
            lambda t: tf.transpose(t, [1, 0, *range(2, t.shape.rank)]), b))
    logs = model.fit(pairs.take(2), epochs=1, verbose=0).history  # a pretraining step, a game step
    self.assertTrue(np.isfinite(logs["d_loss"][-1]))
    self.assertEqual(int(model.global_step), 2)

  def test_the_caption_changes_the_image(self):
    model = make_model()
    noise = np.random.default_rng(0).normal(size=(2, 16)).astype(np.float32)
    a = model.generate(noise, model.embed_captions(tf.constant(["a thick seven"] * 2)))
    b = model.generate(noise, model.embed_captions(tf.constant(["a thin one"] * 2)))
    self.assertNotAllClose(a, b)

  def test_invalid_setups(self):
    g, d = networks.build_text_gan_networks("dcgan", 4, 8, (28, 28, 1), width=8)
    text, image = networks.build_text_encoders("dcgan", 10, 8, 4, (28, 28, 1), width=8)
    kwargs = dict(text_encoder=text, image_encoder=image, vocabulary=["a"])
    with self.assertRaisesRegex(ValueError, "conditions G on captions, not codes"):
      TextConditionalGAN(g, d, latents.LatentSpec("cat:10", 4), **kwargs)
    _, plain = networks.build_gan_networks("dcgan", 4, (28, 28, 1), width=8)
    with self.assertRaisesRegex(ValueError, "caption projection"):
      TextConditionalGAN(g, plain, latents.LatentSpec("", 4), **kwargs)
    with self.assertRaisesRegex(ValueError, "needs a text encoder"):
      TextConditionalGAN(g, d, latents.LatentSpec("", 4))

  def test_the_vectorizer_keeps_the_step_compilable(self):
    model = make_model()
    model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), jit_compile=True)
    self.assertTrue(model.jit_compile)  # no TextVectorization among its layers
    self.assertEqual(model.vectorizer.vocabulary_size(), len(VOCABULARY) + 2)


class ServedCaptionsTest(tf.test.TestCase):
  """A run on a captioned folder, end to end: train, export, reload, serve strings."""

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.root = tf.test.TestCase.get_temp_dir(cls())
    folder = captioned_folder(os.path.join(cls.root, "images"))  # "a red square" / "number i"
    config = testutil.tiny_config(os.path.join(cls.root, "run"), train_steps=4).replace(
        model=dict(model="text_cgan", architecture="dcgan", codes="", noise_dim=8, width=8),
        data=dict(dataset="folder:" + folder, image_size=28, batch_size=4),
        params=dict(text_pretrain_steps=2, text_dim=16, max_tokens=6))
    cls.dataset = config.data.dataset
    cls.model, cls.path = train_lib.run(config)
    cls.loaded = tf.saved_model.load(cls.path)

  def generate(self, captions, seed=1):
    return self.loaded.signatures["generate_from_text"](
        captions=tf.constant(captions), seed=tf.constant(seed, tf.int64))["images"]

  def test_the_endpoints_after_a_reload(self):
    self.assertContainsSubset(["generate_from_text", "embed_text", "embed_images",
                               "generate", "serving_default"], list(self.loaded.signatures))
    images = self.generate(["A red square!", "number 3"])
    self.assertEqual(images.shape, (2, 28, 28, 1))
    self.assertAllClose(images, self.generate(["a red square", "number 3"]))  # standardized
    self.assertNotAllClose(images, self.generate(["a red square", "number 3"], seed=2))
    vectors = self.loaded.signatures["embed_text"](captions=tf.constant(["number 1"]))
    self.assertAllClose(tf.norm(vectors["embeddings"], axis=-1), [1.0], atol=1e-5)
    served = self.loaded.signatures["generate"](
        noise=tf.zeros([1, 8]), embeddings=vectors["embeddings"])["images"]
    self.assertEqual(served.shape, (1, 28, 28, 1))
    image_vectors = self.loaded.signatures["embed_images"](images=images)["embeddings"]
    self.assertEqual(image_vectors.shape, (2, 16))
    self.assertIn("captions", self.model.image_grids())

  def test_the_text_suite_on_a_folder_skips_captions_the_export_refuses(self):
    from types import SimpleNamespace  # pylint: disable=g-import-not-at-top
    from tfgan_info import evaluate  # pylint: disable=g-import-not-at-top
    captions = ["a red square", "number 1", "a blue square", "number 2", "a red square"]
    test = [{"image": tf.zeros([5, 28, 28, 1]), "captions": tf.constant(captions)}]
    out = evaluate.text_suite(self.loaded, self.dataset, test, ("", None, ""), seed=0,
                              batch_size=4, num_samples=16,
                              params=SimpleNamespace(max_tokens=6))
    self.assertEqual(out["text_test_captions_skipped"], 1)  # "blue"
    # "a red square" twice is one group: 3 groups among 4 captions.
    self.assertBetween(out["text_r_precision"]["r_precision"], 0.0, 1.0)
    self.assertNotIn("text_classifier_fid", out)  # no domain classifier for a folder

  def test_bad_captions_are_refused_in_the_graph(self):
    for captions, message in (
        (["number 2", "  "], "at least one word; got empty captions at.*1"),
        (["a red square number 1 2 3"], "at most 6 words"),
        (["a blue square"], "outside the vocabulary.*unknown words:.*blue")):
      with self.assertRaisesRegex(tf.errors.InvalidArgumentError, "(?s)" + message):
        self.generate(captions)
      if "empty" not in message:
        with self.assertRaisesRegex(tf.errors.InvalidArgumentError, "(?s)" + message):
          self.loaded.signatures["embed_text"](captions=tf.constant(captions))

  def test_rest_bodies_carry_strings(self):
    specs, _ = serving.signature_specs(self.loaded, "generate_from_text")
    self.assertEqual(specs["captions"], serving.Spec("string", (None,)))
    inputs = {"captions": ["a red square", "number 0"], "seed": 3}
    body = serving.rest_body("generate_from_text", specs, inputs, "inputs")
    self.assertEqual(body["inputs"]["captions"], ["a red square", "number 0"])
    self.assertEqual(serving.decode_rest_body(body, specs),
                     ("generate_from_text", {"captions": ["a red square", "number 0"],
                                             "seed": 3}))
    out = serving.serving_request(self.path, "generate_from_text", inputs=inputs,
                                  loaded=self.loaded)["outputs"]
    self.assertAllClose(out["images"], self.generate(["a red square", "number 0"], seed=3))
    rows = serving.serving_request(self.path, "embed_text", inputs={"captions": ["number 1"]},
                                   fmt="instances", loaded=self.loaded)
    self.assertEqual(rows["outputs"]["embeddings"].shape, (1, 16))
    with self.assertRaisesRegex(serving.ServingError, "unknown words:.*blue"):
      serving.serving_request(self.path, "generate_from_text", loaded=self.loaded,
                              inputs={"captions": ["a blue square"], "seed": 0})
    with self.assertRaisesRegex(ValueError, "must be string \\[N\\], got int 3 where a string"):
      serving.rest_body("generate_from_text", specs, {"captions": [3], "seed": 0})
    with self.assertRaisesRegex(ValueError, "no example for the text input 'captions'"):
      serving.serving_request(self.path, "generate_from_text", loaded=self.loaded)


if __name__ == "__main__":
  tf.test.main()
