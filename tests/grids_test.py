import os

import numpy as np
import tensorflow as tf

from tests.models.age_test import make_age
from tests.models.infogan_test import make_model
from tfgan_info import grids
from tfgan_info import latents
from tfgan_info.models import GAN


class GridsTest(tf.test.TestCase):

  def test_image_grid_layout(self):
    images = np.stack([np.full((2, 3, 1), v, np.float32) for v in np.linspace(-1, 1, 6)])
    grid = grids.image_grid(images, 2, 3)
    self.assertEqual(grid.shape, (2 * 3 + 1, 3 * 4 + 1, 1))
    self.assertEqual(grid.dtype, np.uint8)
    self.assertEqual(grid[1, 1, 0], 0)        # first cell is -1 -> black
    self.assertEqual(grid[4, 9, 0], 255)      # last cell is +1 -> white
    self.assertEqual(grid[0, 0, 0], 255)      # border
    with self.assertRaisesRegex(ValueError, "do not fill"):
      grids.image_grid(images, 4, 4)

  def test_caption_grid_writes_each_caption_above_its_samples(self):
    images = np.ones((2, 3, 4, 5, 1), np.float32)  # white samples
    grid = grids.caption_grid(["a thick seven", "x"], images, scale=2)
    band = grids.CAPTION_BAND
    self.assertEqual(grid.shape, (2 * (band + 2 * 6), 2 * (3 * 6 + 1), 1))
    self.assertEqual(grid.dtype, np.uint8)
    first, second = grid[:band], grid[band + 12:2 * band + 12]
    self.assertLess(first.min(), 128)  # black text on the white band
    self.assertGreater((first < 128).sum(), (second < 128).sum())  # a longer caption: more ink
    with self.assertRaisesRegex(ValueError, "1 captions for 2 rows"):
      grids.caption_grid(["x"], images)

  def test_traversal_grids_one_per_continuous_code(self):
    model = make_model()
    out = grids.generator_grids(model.generate, model.latent_spec, np.linspace(-2, 2, 5))
    self.assertSetEqual(set(out),
                        {"samples", "categories", "traversal_code1", "traversal_code2"})
    self.assertEqual(out["traversal_code1"].shape, (10 * 29 + 1, 5 * 29 + 1, 1))
    # A model's training-time grids are these (9 values from -2 to 2).
    self.assertAllEqual(model.image_grids(seed=3)["traversal_code2"],
                        grids.generator_grids(model.generate, model.latent_spec,
                                              seed=3)["traversal_code2"])

  def test_grid_without_continuous_codes(self):
    model = make_model(codes="cat:10")
    out = grids.generator_grids(model.generate, model.latent_spec, np.linspace(-2, 2, 4))
    self.assertSetEqual(set(out), {"samples", "categories"})
    self.assertEqual(out["samples"].shape, (8 * 29 + 1, 4 * 29 + 1, 1))
    self.assertEqual(out["categories"].shape, (10 * 29 + 1, 4 * 29 + 1, 1))

  def test_grid_without_codes(self):
    model = make_model(model_cls=GAN, codes="")
    out = grids.generator_grids(model.generate, model.latent_spec, np.linspace(-2, 2, 3))
    self.assertSetEqual(set(out), {"samples"})
    self.assertSetEqual(set(model.image_grids()), {"samples"})

  def test_age_reconstruction_grid_pairs_inputs_and_reconstructions(self):
    model = make_age(latent_dim=4)
    real = np.random.default_rng(0).uniform(-1, 1, (12, 28, 28, 1)).astype(np.float32)
    self.assertEqual(model.grid_real_images, 40)
    out = model.image_grids(real_images=real)
    self.assertSetEqual(set(out), {"samples", "reconstructions"})
    self.assertSetEqual(set(model.image_grids()), {"samples"})
    grid = out["reconstructions"]
    self.assertEqual(grid.shape, (2 * 29 + 1, 10 * 29 + 1, 1))   # 10 of 12 images, 5 pairs
    expected = grids.image_grid(real[5:6], 1, 1)[1:-1, 1:-1]    # row 1, first column
    self.assertAllEqual(grid[30:58, 1:29], expected)
    recon = grids.image_grid(model.reconstruct(real[5:6]).numpy(), 1, 1)[1:-1, 1:-1]
    self.assertAllEqual(grid[30:58, 30:58], recon)

  def test_category_rows_share_noise_and_hold_one_category(self):
    spec = latents.LatentSpec("uniform:1,cat:3", 4)
    noise, codes = grids.category_inputs(spec, cols=5, seed=1)
    self.assertEqual(noise.shape, (15, 4))
    self.assertAllClose(noise[:5], noise[5:10])        # column j: same z in every row
    self.assertNotAllClose(noise[0], noise[1])
    self.assertAllEqual(codes[:, 1:].argmax(1), np.repeat(np.arange(3), 5))
    self.assertAllEqual(codes[:, 0], np.zeros(15))     # other codes held at 0

  def test_fixed_noise_on_the_sphere(self):
    spec = latents.LatentSpec("", 6, noise="sphere")
    self.assertAllClose(np.linalg.norm(grids.fixed_noise(spec, 3)), 1.0, atol=1e-6)
    self.assertAllEqual(grids.fixed_noise(spec, 3), grids.fixed_noise(spec, 3))

  def test_traversal_inputs_vary_one_code_per_column(self):
    spec = latents.LatentSpec("cat:10,uniform:1,uniform:1", 4)
    values = np.linspace(-2, 2, 5)
    noise, codes = grids.traversal_inputs(spec, 2, values, np.arange(4.0))
    self.assertEqual(codes.shape, (50, 12))
    self.assertAllEqual(noise, np.tile(np.arange(4.0), [50, 1]))
    grid = codes.reshape(10, 5, 12)
    self.assertAllEqual(grid[:, :, :10].argmax(-1), np.repeat(np.arange(10)[:, None], 5, 1))
    self.assertAllClose(grid[3, :, 11], values)    # the varied code
    self.assertAllClose(grid[:, :, 10], np.zeros((10, 5)))  # the held one
    with self.assertRaisesRegex(ValueError, "not a continuous code"):
      grids.traversal_inputs(spec, 0, values, np.zeros(4))

  def test_pair_grid_cuts_to_whole_rows(self):
    images = np.zeros((7, 2, 2, 1), np.float32)
    self.assertEqual(grids.pair_grid(images, images + 1, pairs_per_row=3).shape,
                     (2 * 3 + 1, 6 * 3 + 1, 1))

  def test_group_grid_puts_each_group_side_by_side(self):
    # A translation's input | output | target, two groups per row; grey inputs and colour
    # outputs share one RGB grid.
    x = np.full((5, 2, 2, 1), -1.0, np.float32)
    g = np.zeros((5, 2, 2, 3), np.float32)
    y = np.ones((5, 2, 2, 3), np.float32)
    grid = grids.group_grid([x, g, y], groups_per_row=2)
    self.assertEqual(grid.shape, (2 * 3 + 1, 6 * 3 + 1, 3))
    self.assertEqual([int(grid[1, 1 + 3 * c, 0]) for c in range(6)], [0, 128, 255] * 2)
    self.assertAllEqual(grids.pair_grid(y, g, 2), grids.group_grid([y, g], 2))

  def test_write_png(self):
    path = os.path.join(self.get_temp_dir(), "g.png")
    grid = grids.image_grid(np.zeros((2, 3, 3, 1), np.float32), 1, 2)
    grids.write_png(path, grid)
    self.assertAllEqual(tf.io.decode_png(tf.io.read_file(path)).numpy(), grid)


if __name__ == "__main__":
  tf.test.main()
