"""Colour and noisy dSprites (data/dsprites_variants.py): the stream and the ground truth."""

import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import data
from tfgan_info.data import dsprites
from tfgan_info.data import dsprites_variants


def first(name, n, split="test", seed=None):
  return [{k: v.numpy() for k, v in ex.items()}
          for ex in data.load(name, split, shuffle_seed=seed).take(n)]


class VariantsTest(tf.test.TestCase, parameterized.TestCase):

  def test_color_dsprites_colours_the_sprite_on_black(self):
    got = first("color_dsprites", 8)
    sprites = first("dsprites", 8)
    for ex, plain in zip(got, sprites):
      self.assertEqual((ex["image"].shape, ex["image"].dtype), ((64, 64, 3), np.uint8))
      self.assertEqual(ex["label"], plain["label"])
      mask = plain["image"][..., 0] > 0
      self.assertAllEqual(ex["image"][~mask], np.zeros(((~mask).sum(), 3)))
      colours = ex["image"][mask]
      self.assertAllEqual(colours, np.repeat(colours[:1], len(colours), 0))  # one colour
      self.assertTrue((colours >= 127).all())  # each channel in [0.5, 1]
    self.assertGreater(len({tuple(ex["image"][plain["image"][..., 0] > 0][0])
                            for ex, plain in zip(got, sprites)}), 4)

  def test_noisy_dsprites_puts_a_white_sprite_on_noise(self):
    ex, plain = first("noisy_dsprites", 1)[0], first("dsprites", 1)[0]
    mask = plain["image"][..., 0] > 0
    self.assertTrue((ex["image"][mask] == 255).all())
    background = ex["image"][~mask].astype(np.float64) / 255
    self.assertAllClose(background.mean(), 0.5, atol=0.02)
    self.assertAllClose(background.std(), np.sqrt(1 / 12), atol=0.02)

  @parameterized.parameters(*dsprites_variants.VARIANTS)
  def test_the_same_example_looks_the_same_on_every_pass(self, name):
    # The stream draws the colour or noise from the example's index, not from the pass.
    for a, b in zip(first(name, 4), first(name, 4)):
      self.assertAllEqual(a["image"], b["image"])
    self.assertEqual(data.IMAGE_SHAPES[name], (64, 64, 3))
    self.assertEqual(data.NUM_CLASSES[name], 3)

  @parameterized.parameters((dsprites_variants.ColorDSprites,),
                            (dsprites_variants.NoisyDSprites,))
  def test_ground_truth_renders_the_factors_with_fresh_colour_or_noise(self, cls):
    gt = data.GROUND_TRUTH[cls.name]()
    self.assertIs(type(gt), cls)
    self.assertEqual(gt.factors_num_values, dsprites.FACTOR_SIZES)
    factors = gt.sample_factors(3, np.random.RandomState(0))
    one = gt.sample_observations_from_factors(factors, np.random.RandomState(1))
    two = gt.sample_observations_from_factors(factors, np.random.RandomState(2))
    self.assertEqual((one.shape, one.dtype), ((3, 64, 64, 3), np.uint8))
    self.assertNotAllEqual(one, two)  # colour / noise drawn from the random state
    sprite = dsprites.render(factors)[..., 0] > 0
    if cls.name == "color_dsprites":
      self.assertAllEqual(one.max(-1) > 0, sprite)  # coloured sprite, black background
    else:
      self.assertTrue((one[sprite] == 255).all())  # white sprite on noise
      self.assertLess((one[~sprite] == 255).mean(), 0.01)

  def test_unknown_variant(self):
    with self.assertRaisesRegex(ValueError, "Unknown dSprites variant"):
      dsprites_variants.as_dataset("sparkly_dsprites")


if __name__ == "__main__":
  tf.test.main()
