"""Captions from measured facts (data/caption_text.py): determinism, vocabulary, held-out
combinations, levels that follow the pixels."""

import random

import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info.data import caption_text as ct


def stroke(thickness, slant=0.0, size=28):
  """A grey [size, size] image in [-1, 1]: a bar of the given thickness, slanted."""
  img = -np.ones((size, size))
  for v in range(4, size - 4):
    centre = size / 2 + slant * (size / 2 - v)
    for u in range(size):
      if abs(u - centre) <= thickness / 2:
        img[v, u] = 1.0
  return img


class CaptionTextTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters("digits", "fashion")
  def test_captions_are_deterministic_and_vary_in_phrasing(self, domain):
    d = ct.domain(domain)
    labels = np.arange(20) % d.num_classes
    rows = np.random.default_rng(0).integers(3, size=(20, len(d.attributes)))
    a = ct.captions(domain, labels, rows, seed=0, split="train")
    self.assertEqual(a, ct.captions(domain, labels, rows, seed=0, split="train"))
    # An example's captions depend on its index, not on the others made with it.
    self.assertEqual(a[5:9], ct.captions(domain, labels[5:9], rows[5:9], 0, "train",
                                         indices=range(5, 9)))
    self.assertNotEqual(a, ct.captions(domain, labels, rows, seed=1, split="train"))
    self.assertNotEqual(a, ct.captions(domain, labels, rows, seed=0, split="test"))
    lines = [t.split(ct.SEPARATOR) for t in a]
    self.assertTrue(all(len(x) == ct.CAPTIONS_PER_IMAGE for x in lines))
    # Several phrasings of the same facts: most images get more than one distinct caption.
    self.assertGreater(np.mean([len(set(x)) > 1 for x in lines]), 0.8)

  @parameterized.parameters("digits", "fashion")
  def test_every_word_is_in_the_vocabulary_and_every_caption_names_its_class(self, domain):
    d = ct.domain(domain)
    vocabulary = set(ct.vocabulary(domain))
    r = ct.requests(domain, per_combination=3)
    for text, label in zip(r["captions"], r["labels"]):
      self.assertEmpty(set(ct.tokens(text)) - vocabulary, text)
      self.assertTrue(any(w in text for w in d.class_words[label]), text)

  def test_a_caption_states_each_non_middle_level(self):
    rng = random.Random(3)
    for _ in range(50):
      text = ct.caption("digits", 7, [2, 0, 2], rng)
      words = set(ct.tokens(text))
      self.assertTrue(words & {"right", "right-leaning", "right-slanted"}, text)
      self.assertTrue(words & {"thin", "fine", "thin-stroked"}, text)
      self.assertTrue(words & {"wide", "broad", "stretched", "large"}, text)
      self.assertFalse(words & {"left", "thick", "bold", "narrow"}, text)

  @parameterized.parameters("digits", "fashion")
  def test_held_out_combinations_one_per_class_at_an_extreme(self, domain):
    d = ct.domain(domain)
    held = ct.held_out(domain, seed=0)
    self.assertEqual([k for k, _, _ in held], list(range(d.num_classes)))
    self.assertTrue(all(v in (0, ct.LEVELS - 1) for _, _, v in held))
    self.assertEqual(held, ct.held_out(domain, seed=0))
    r = ct.requests(domain, per_combination=2)
    # Each class has one held-out (attribute, level): a third of its level combinations.
    self.assertAllClose(r["held_out"].mean(), 1 / 3)
    self.assertEqual(r["held_out_pairs"].sum(), d.num_classes)
    mask = ct.is_held_out(r["labels"], r["levels"], held)
    self.assertAllEqual(mask, r["held_out"])
    self.assertEqual(len(r["captions"]),
                     d.num_classes * ct.LEVELS ** len(d.attributes) * 2)

  def test_levels_follow_the_measured_strokes(self):
    images = np.stack([stroke(t) for t in (1, 1, 3, 3, 6, 6)]
                      + [stroke(3, s) for s in (-0.4, -0.4, 0.4, 0.4)])
    values = ct.measure("digits", images)
    thickness = values[:6, ct.DIGITS.attributes.index("thickness")]
    self.assertTrue(np.all(np.diff(thickness[::2]) > 0), thickness)
    slant = values[6:, ct.DIGITS.attributes.index("slant")]
    self.assertLess(slant[0], 0)
    self.assertGreater(slant[2], 0)
    labels = np.zeros(len(images), int)
    edges = ct.fit_bins(values[:6], labels[:6], 1)
    levels = ct.levels(values[:6], labels[:6], edges)[:, 1]
    self.assertAllEqual(levels, [0, 0, 1, 1, 2, 2])

  def test_fashion_measures_brightness_and_size(self):
    small = -np.ones((28, 28))
    small[10:14, 10:14] = 0.0  # a dim 4x4 item
    large = -np.ones((28, 28))
    large[2:26, 4:24] = 1.0  # a bright 24x20 item
    values = ct.measure("fashion", np.stack([small, large]))
    self.assertAllClose(values[:, 0], [0.5, 1.0])  # mean weight (x + 1) / 2 of the item
    self.assertAllClose(values[:, 1], [16 / 784, 480 / 784])

  def test_a_class_without_examples_gets_the_edges_of_all(self):
    values = np.arange(12, dtype=float).reshape(6, 2)
    edges = ct.fit_bins(values, np.zeros(6, int), 2)
    self.assertAllClose(edges[1], edges[0])


if __name__ == "__main__":
  tf.test.main()
