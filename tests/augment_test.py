import numpy as np
import tensorflow as tf

from tfgan_info import augment


def images(n=3, seed=0):
  return np.random.default_rng(seed).uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)


class AugmentTest(tf.test.TestCase):

  def test_identity_shift_and_quarter_turn(self):
    x = images()
    params = np.array([[0, 0, 1, 1, 0, 0], [0, 0, 1, 1, 1, 0], [np.pi / 2, 0, 1, 1, 0, 0]],
                      np.float32)
    y = augment.affine_warp(x, params).numpy()
    self.assertAllClose(y[0], x[0], atol=1e-6)
    self.assertAllClose(y[1, 1:], x[1, :-1], atol=1e-6)  # content one row down
    self.assertAllClose(y[1, 0], np.full((28, 1), -1.0))  # background enters at the top
    self.assertAllClose(y[2, :, :, 0], np.rot90(x[2, :, :, 0], -1), atol=1e-5)  # clockwise

  def test_scale_stretches_about_the_centre(self):
    x = np.full((1, 28, 28, 1), -1.0, np.float32)
    x[0, :, 13:15] = 1.0  # a vertical bar, 2 pixels wide, centred
    wide = augment.affine_warp(x, np.array([[0, 0, 1, 2, 0, 0]], np.float32)).numpy()[0, 14, :, 0]
    self.assertAllClose(np.sum(wide + 1) / 2, 4.0, atol=1e-5)  # twice the ink of the bar
    self.assertAllClose(wide[:11], np.full(11, -1.0))
    self.assertAllClose(wide, wide[::-1], atol=1e-5)  # still centred

  def test_shear_slants_a_vertical_bar(self):
    x = np.full((1, 28, 28, 1), -1.0, np.float32)
    x[0, :, 13:15] = 1.0
    y = augment.affine_warp(x, np.array([[0, 0.5, 1, 1, 0, 0]], np.float32)).numpy()[0, ..., 0]
    centre = [np.sum((row + 1) * np.arange(28)) / np.sum(row + 1) for row in y[4:24]]
    self.assertAllClose(np.diff(centre), np.full(19, 0.5), atol=1e-4)  # x += 0.5 per row

  def test_sample_affine_ranges_and_determinism(self):
    params = augment.sample_affine(2000, tf.constant([3, 4])).numpy()
    self.assertEqual(params.shape, (2000, augment.NUM_PARAMS))
    half = np.array([np.radians(augment.MAX_ROTATION), augment.MAX_SHEAR, augment.MAX_SCALE,
                     augment.MAX_SCALE, augment.MAX_SHIFT, augment.MAX_SHIFT])
    centre = np.array([0, 0, 1, 1, 0, 0])
    self.assertTrue(np.all(np.abs(params - centre) <= half + 1e-6))
    self.assertAllClose(np.abs(params - centre).max(0), half, rtol=0.01)
    self.assertAllEqual(params, augment.sample_affine(2000, tf.constant([3, 4])))

  def test_the_two_axes_scale_independently(self):
    params = augment.sample_affine(500, tf.constant([5, 6])).numpy()
    self.assertGreater(np.abs(params[:, 2] - params[:, 3]).max(), 0.1)

  def test_factor_affine_moves_only_the_named_factors(self):
    values = np.array([[1.0, -1.0], [0.0, 0.5]], np.float32)
    params = augment.factor_affine(values, ["rotation", "width"]).numpy()
    unit = augment.FACTOR_UNITS
    self.assertAllClose(params, [[unit["rotation"], 0, 1, np.exp(-unit["width"]), 0, 0],
                                 [0, 0, 1, np.exp(0.5 * unit["width"]), 0, 0]], rtol=1e-6)
    params = augment.factor_affine([[2.0, 1.0]], ["slant", "height"]).numpy()
    self.assertAllClose(params, [[0, 2 * unit["slant"], np.exp(unit["height"]), 1, 0, 0]],
                        rtol=1e-6)
    for bad in (["rotation", "rotation"], ["spin"], [augment.FREE]):
      with self.assertRaisesRegex(ValueError, "distinct factors"):
        augment.factor_affine(np.zeros((1, len(bad))), bad)

  def test_width_factor_widens_a_block_by_its_unit(self):
    x = np.full((1, 28, 28, 1), -1.0, np.float32)
    x[0, 8:20, 9:19] = 1.0  # 12 rows x 10 columns of ink
    ink = []
    for value in (-1.0, 0.0, 1.0):
      y = augment.affine_warp(x, augment.factor_affine([[value]], ["width"])).numpy()[0, ..., 0]
      ink.append(np.sum(y + 1.0, axis=1)[14] / 2.0)  # the ink of the middle row, in pixels
    # 10 px x e^(+-0.2) = 8.19 / 12.21, within the bilinear sampling of sharp edges (0.2 px)
    self.assertAllClose(ink, 10.0 * np.exp(np.array([-1.0, 0.0, 1.0]) *
                                           augment.FACTOR_UNITS["width"]), atol=0.25)

  def test_xla_matches_eager(self):
    x, params = images(4), augment.sample_affine(4, tf.constant([1, 2]))
    compiled = tf.function(augment.affine_warp, jit_compile=True)
    self.assertAllClose(compiled(x, params), augment.affine_warp(x, params), atol=1e-5)
    self.assertEqual(augment.affine_warp(tf.cast(x, tf.bfloat16), params).dtype, tf.bfloat16)


if __name__ == "__main__":
  tf.test.main()
