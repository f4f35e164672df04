"""Fitting images to a square size (data/transform.py)."""

import numpy as np
import tensorflow as tf

from tfgan_info.data import transform


class TransformTest(tf.test.TestCase):

  def test_fit_image_takes_the_central_square(self):
    image = np.zeros((6, 10, 1), np.uint8)
    image[:, 2:8] = 255  # the central 6x6 square
    self.assertAllEqual(transform.fit_image(image, 3), np.full((3, 3, 1), 255))
    self.assertAllEqual(transform.fit_image(image, 6), image[:, 2:8])  # no resize: exact
    ramp = np.arange(64, dtype=np.uint8).reshape(8, 8, 1)
    self.assertAllEqual(transform.fit_image(ramp, 2, crop=2), ramp[3:5, 3:5])
    # Shrinking averages: a 2x2 checkerboard of 0 / 200 becomes 100.
    board = np.kron([[0, 200], [200, 0]], np.ones((4, 4)))[..., None].astype(np.uint8)
    board = np.tile(board, (2, 2, 1))
    self.assertAllClose(transform.fit_image(board, 1), [[[100]]], atol=1)

  def test_convert_channels(self):
    grey = np.full((2, 2, 1), 7, np.uint8)
    self.assertAllEqual(transform.convert_channels(grey, 3), np.full((2, 2, 3), 7))
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[..., 1] = 100
    self.assertAllEqual(transform.convert_channels(rgb, 1), np.full((2, 2, 1), 59))
    self.assertAllEqual(transform.convert_channels(grey, 1), grey)
    rgba = np.concatenate([np.full((2, 2, 3), 9, np.uint8), np.zeros((2, 2, 1), np.uint8)], -1)
    self.assertAllEqual(transform.convert_channels(rgba, 3), np.full((2, 2, 3), 9))  # no alpha


if __name__ == "__main__":
  tf.test.main()
