import numpy as np
import tensorflow as tf

from tfgan_info.metrics import stroke_factors


def bar(thickness: int = 3, shear: float = 0.0, rows=(4, 24), left: int = 12) -> np.ndarray:
  """A 28x28 stroke in [-1, 1]: ``thickness`` columns, its column moving right by ``shear``
  per row upwards (the top leans right for shear > 0)."""
  img = -np.ones((28, 28))
  centre = (rows[0] + rows[1] - 1) / 2
  for r in range(*rows):
    c = int(round(left + shear * (centre - r)))
    img[r, c:c + thickness] = 1.0
  return img


class ImageFactorsTest(tf.test.TestCase):

  def test_a_vertical_bar(self):
    f = stroke_factors.image_factors(np.stack([bar(1), bar(3), bar(5)])[..., None])
    self.assertAllClose(f["slant"], [0.0, 0.0, 0.0])
    # The x std of 1, 3 and 5 uniform columns: sqrt((t^2 - 1) / 12).
    self.assertAllClose(f["width"], np.sqrt((np.array([1, 3, 5]) ** 2 - 1) / 12.0))
    # 20 rows: the y std of 20 uniform rows.
    self.assertAllClose(f["height"], [np.sqrt((20 ** 2 - 1) / 12.0)] * 3)
    # About t on a long stroke (2 t L / (L + t) with the Sobel perimeter), increasing in t.
    self.assertAllClose(f["thickness"], [1.0, 3.0, 5.0], atol=0.9)
    self.assertAllGreater(np.diff(f["thickness"]), 0.6)

  def test_slant_is_the_shear_and_leaves_width_and_thickness(self):
    f = stroke_factors.image_factors(np.stack([bar(3), bar(3, shear=0.5), bar(3, -0.5)]))
    self.assertAllClose(f["slant"], [0.0, 0.5, -0.5], atol=0.02)
    self.assertAllClose(f["width"][1:], [f["width"][0]] * 2, atol=0.1)  # deslanted
    self.assertAllClose(f["thickness"][1:], [f["thickness"][0]] * 2, rtol=0.1)

  def test_each_image_on_its_own_and_no_ink(self):
    one = stroke_factors.image_factors(bar(3)[None])
    batch = stroke_factors.image_factors(np.stack([bar(5), bar(3), -np.ones((28, 28))]))
    for name in stroke_factors.FACTORS:
      self.assertAllClose(batch[name][1], one[name][0], msg=name)
      self.assertTrue(np.isnan(batch[name][2]), msg=name)
    with self.assertRaisesRegex(ValueError, "grey images"):
      stroke_factors.image_factors(np.zeros((2, 28, 28, 3)))


class ComputeStrokeFactorsTest(tf.test.TestCase):

  def test_a_traversal_that_thickens_and_one_that_slants(self):
    values = [-1.0, 0.0, 1.0]
    thickens = np.stack([[bar(t, left=x) for t in (1, 3, 5)] for x in (8, 12, 16)])
    out = stroke_factors.compute_stroke_factors(thickens, values)
    self.assertEqual(out["num_draws"], 3)
    self.assertEqual(out["values"], values)
    self.assertAllClose(out["thickness"]["correlation"], 1.0, atol=0.02)
    self.assertAllClose(out["width"]["correlation"], 1.0, atol=0.01)
    self.assertTrue(np.isnan(out["slant"]["correlation"]))  # constant on every draw
    self.assertAllClose(out["slant"]["change"], 0.0)
    self.assertGreater(out["thickness"]["change"], 2.0)
    slants = np.stack([[bar(3, s, left=x) for s in (0.4, 0.0, -0.4)] for x in (10, 14)])
    out = stroke_factors.compute_stroke_factors(slants, values)
    self.assertAllClose(out["slant"]["correlation"], -1.0, atol=0.01)
    self.assertAllClose(out["slant"]["change"], -0.8, atol=0.05)
    self.assertLess(abs(out["thickness"]["change"]), 0.3)

  def test_bad_shapes(self):
    with self.assertRaisesRegex(ValueError, "len\\(values\\)"):
      stroke_factors.compute_stroke_factors(np.zeros((2, 3, 28, 28)), [0.0, 1.0])
    with self.assertRaisesRegex(ValueError, "distinct"):
      stroke_factors.compute_stroke_factors(np.zeros((2, 2, 28, 28)), [1.0, 1.0])


if __name__ == "__main__":
  tf.test.main()
