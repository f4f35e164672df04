import numpy as np
import tensorflow as tf

from tests.models.infogan_test import make_model
from tfgan_info import callbacks


class CallbacksTest(tf.test.TestCase):

  def test_image_grid_layout(self):
    images = np.stack([np.full((2, 3, 1), v, np.float32) for v in np.linspace(-1, 1, 6)])
    grid = callbacks.image_grid(images, 2, 3)
    self.assertEqual(grid.shape, (2 * 3 + 1, 3 * 4 + 1, 1))
    self.assertEqual(grid.dtype, np.uint8)
    self.assertEqual(grid[1, 1, 0], 0)        # first cell is -1 -> black
    self.assertEqual(grid[4, 9, 0], 255)      # last cell is +1 -> white
    self.assertEqual(grid[0, 0, 0], 255)      # border
    with self.assertRaisesRegex(ValueError, "do not fill"):
      callbacks.image_grid(images, 4, 4)

  def test_traversal_grids_one_per_continuous_code(self):
    model = make_model()
    grids = callbacks.traversal_grids(model, values=np.linspace(-2, 2, 5))
    self.assertSetEqual(set(grids), {"traversal_code1", "traversal_code2"})
    self.assertEqual(grids["traversal_code1"].shape, (10 * 29 + 1, 5 * 29 + 1, 1))

  def test_grid_without_continuous_codes(self):
    model = make_model(codes="cat:10")
    grids = callbacks.traversal_grids(model, values=np.linspace(-2, 2, 4))
    self.assertEqual(grids["samples"].shape, (8 * 29 + 1, 4 * 29 + 1, 1))


if __name__ == "__main__":
  tf.test.main()
