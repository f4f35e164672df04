import os
import types

import keras
import numpy as np
import tensorflow as tf

from tests.models.age_test import make_age

from tests.models.infogan_test import make_model
from tfgan_info import callbacks
from tfgan_info import latents
from tfgan_info.models import GAN


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
    self.assertSetEqual(set(grids),
                        {"samples", "categories", "traversal_code1", "traversal_code2"})
    self.assertEqual(grids["traversal_code1"].shape, (10 * 29 + 1, 5 * 29 + 1, 1))

  def test_grid_without_continuous_codes(self):
    model = make_model(codes="cat:10")
    grids = callbacks.traversal_grids(model, values=np.linspace(-2, 2, 4))
    self.assertSetEqual(set(grids), {"samples", "categories"})
    self.assertEqual(grids["samples"].shape, (8 * 29 + 1, 4 * 29 + 1, 1))
    self.assertEqual(grids["categories"].shape, (10 * 29 + 1, 4 * 29 + 1, 1))

  def test_grid_without_codes(self):
    model = make_model(model_cls=GAN, codes="")
    grids = callbacks.traversal_grids(model, values=np.linspace(-2, 2, 3))
    self.assertSetEqual(set(grids), {"samples"})

  def test_age_reconstruction_grid_pairs_inputs_and_reconstructions(self):
    model = make_age(latent_dim=4)
    real = np.random.default_rng(0).uniform(-1, 1, (12, 28, 28, 1)).astype(np.float32)
    grids = callbacks.traversal_grids(model, values=np.linspace(-2, 2, 3), real_images=real)
    self.assertSetEqual(set(grids), {"samples", "reconstructions"})
    grid = grids["reconstructions"]
    self.assertEqual(grid.shape, (2 * 29 + 1, 10 * 29 + 1, 1))   # 10 of 12 images, 5 pairs
    expected = callbacks.image_grid(real[5:6], 1, 1)[1:-1, 1:-1]    # row 1, first column
    self.assertAllEqual(grid[30:58, 1:29], expected)
    recon = callbacks.image_grid(model.reconstruct(real[5:6]).numpy(), 1, 1)[1:-1, 1:-1]
    self.assertAllEqual(grid[30:58, 30:58], recon)

  def test_category_rows_share_noise_and_hold_one_category(self):
    spec = latents.LatentSpec("uniform:1,cat:3", 4)
    noise, codes = callbacks.category_inputs(spec, cols=5, seed=1)
    self.assertEqual(noise.shape, (15, 4))
    self.assertAllClose(noise[:5], noise[5:10])        # column j: same z in every row
    self.assertNotAllClose(noise[0], noise[1])
    self.assertAllEqual(codes[:, 1:].argmax(1), np.repeat(np.arange(3), 5))
    self.assertAllEqual(codes[:, 0], np.zeros(15))     # other codes held at 0



def fake_model(step, weights=()):
  """The little a step callback reads of a model: step_optimizer.iterations, weights."""
  return types.SimpleNamespace(
      step_optimizer=types.SimpleNamespace(iterations=tf.Variable(step)),
      weights=list(weights))


class StepCallbacksTest(tf.test.TestCase):

  def test_non_finite_value_stops_with_message(self):
    cb = callbacks.StopOnNonFinite()
    cb.set_model(fake_model(7))
    cb.on_train_batch_end(0, {"d_loss": 0.5, "g_loss": 1.0})
    with self.assertRaisesRegex(FloatingPointError, r"Non-finite g_loss at step 7.*last good"):
      cb.on_train_batch_end(0, {"d_loss": 0.5, "g_loss": float("nan")})

  def test_checkpoint_interval_and_no_duplicate_at_end(self):
    step = tf.Variable(0)
    ckpt = tf.train.Checkpoint(step=step)
    manager = tf.train.CheckpointManager(ckpt, os.path.join(self.get_temp_dir(), "ck"), 10)
    cb = callbacks.StepCheckpoint(manager, every=3)
    model = fake_model(0)
    cb.set_model(model)
    for i in range(1, 7):
      model.step_optimizer.iterations.assign(i)
      cb.on_train_batch_end(i)
    cb.on_train_end()  # step 6 is saved already: no second save
    self.assertEqual([os.path.basename(p) for p in manager.checkpoints], ["ckpt-3", "ckpt-6"])
    model.step_optimizer.iterations.assign(7)
    cb.on_train_end()
    self.assertEqual(os.path.basename(manager.latest_checkpoint), "ckpt-7")

  def test_non_finite_weights_are_not_saved(self):
    kernel = keras.Variable(np.ones((2, 3), np.float32), name="kernel")
    ckpt = tf.train.Checkpoint(kernel=kernel)
    manager = tf.train.CheckpointManager(ckpt, os.path.join(self.get_temp_dir(), "nan"), 10)
    cb = callbacks.StepCheckpoint(manager, every=2)
    model = fake_model(2, [kernel])
    cb.set_model(model)
    cb.on_train_batch_end(0)
    kernel.assign([[1.0, np.inf, 0.0], [0.0, 0.0, np.nan]])
    model.step_optimizer.iterations.assign(4)
    with self.assertRaisesRegex(FloatingPointError,
                                r"Non-finite weights at step 4 \(kernel\).*ckpt-2 is kept"):
      cb.on_train_batch_end(1)
    with self.assertRaises(FloatingPointError):
      cb.on_train_end()
    self.assertEqual([os.path.basename(p) for p in manager.checkpoints], ["ckpt-2"])


if __name__ == "__main__":
  tf.test.main()
