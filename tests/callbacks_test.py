import io
import os
import signal
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


class FakeClock:

  def __init__(self):
    self.now = 0.0

  def __call__(self):
    return self.now


class WindowMeansTest(tf.test.TestCase):

  def feed(self, window, values_by_epoch, take_after):
    """Feeds Keras-style running means of per-step values; takes a window at the global steps
    in take_after. Returns the taken means."""
    out, step = [], 0
    for values in values_by_epoch:
      for b, _ in enumerate(values):
        window.update(b, {"x": np.mean(values[:b + 1])})
        step += 1
        if step in take_after:
          out.append(window.take()["x"])
      window.end_epoch()
    return out

  def test_window_means_are_exact_across_epochs(self):
    values = [[1.0, 2.0, 3.0, 4.0], [10.0, 20.0], [5.0, 7.0, 9.0]]
    flat = sum(values, [])
    got = self.feed(callbacks.WindowMeans(), values, take_after={2, 5, 9})
    self.assertAllClose(got, [np.mean(flat[:2]), np.mean(flat[2:5]), np.mean(flat[5:9])])

  def test_steps_per_execution_and_empty_window(self):
    window = callbacks.WindowMeans()
    self.assertEqual(window.take(), {})
    window.update(1, {"x": 2.0})   # steps 1-2 in one call, running mean 2
    window.update(3, {"x": 3.0})   # steps 3-4: running mean 3 -> their mean is 4
    self.assertEqual(window.steps, 4)
    self.assertAllClose(window.take()["x"], 3.0)
    window.update(5, {"x": 3.5})   # steps 5-6: sum 21 - 12 = 9
    self.assertAllClose(window.take()["x"], 4.5)


class ProgressAndStopTest(tf.test.TestCase):

  def test_progress_counts_global_steps_and_estimates_after_the_first_step(self):
    clock, out = FakeClock(), io.StringIO()
    model = fake_model(100)
    cb = callbacks.Progress(train_steps=130, batch_size=64, every=10, stream=out, clock=clock,
                            estimate_after=5)
    cb.set_model(model)
    for b in range(30):  # a run resumed at step 100: its first step takes 60 s (compilation)
      clock.now += 60.0 if b == 0 else 0.5
      model.step_optimizer.iterations.assign(101 + b)
      cb.on_train_batch_end(b, {"d_loss": 1.0 + b / 2})  # running mean of 1, 2, ..., b + 1
    cb.on_train_end()
    lines = out.getvalue().splitlines()
    self.assertEqual(lines[0], "Measured 0.5 s/step (128 images/s) on this machine: about 12 s "
                               "for the 24 steps left")
    self.assertEqual([line.split()[1] for line in lines[1:]], ["110/130", "120/130", "130/130"])
    self.assertIn("d_loss 5.5 ", lines[1])          # steps 101-110: values 1..10
    self.assertIn("d_loss 15.5 ", lines[2])         # steps 111-120: the window only
    self.assertIn("2.00 steps/s (128 images/s)  5 s left", lines[2])

  def test_time_based_checkpoints(self):
    clock = FakeClock()
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)),
                                         os.path.join(self.get_temp_dir(), "timed"), 10)
    cb = callbacks.StepCheckpoint(manager, every=1000, every_secs=60, clock=clock)
    model = fake_model(0)
    cb.set_model(model)
    cb.on_train_begin()
    for step in range(1, 8):
      clock.now += 25.0  # a save is due every third step (75 s >= 60 s)
      model.step_optimizer.iterations.assign(step)
      cb.on_train_batch_end(step)
    self.assertEqual([os.path.basename(p) for p in manager.checkpoints], ["ckpt-3", "ckpt-6"])

  def test_stop_request_stops_after_the_step_and_a_second_signal_quits(self):
    out = io.StringIO()
    # As in an interactive shell (a background job starts with SIGINT ignored).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    self.addCleanup(signal.signal, signal.SIGINT, previous)
    with callbacks.StopRequest(stream=out) as request:
      self.assertNotEqual(signal.getsignal(signal.SIGINT), signal.default_int_handler)
      cb = callbacks.StopOnRequest(request)
      model = types.SimpleNamespace(stop_training=False)
      cb.set_model(model)
      cb.on_train_batch_end(0)
      self.assertFalse(model.stop_training)
      os.kill(os.getpid(), signal.SIGINT)
      cb.on_train_batch_end(1)
      self.assertTrue(model.stop_training)
      self.assertEqual(request.signum, signal.SIGINT)
      self.assertIn("Ctrl-C: stopping after this step and saving a checkpoint", out.getvalue())
      with self.assertRaises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
    self.assertIs(signal.getsignal(signal.SIGINT), signal.default_int_handler)

  def test_sigterm_and_an_ignored_sigint(self):
    out = io.StringIO()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # e.g. started with nohup
    self.addCleanup(signal.signal, signal.SIGINT, previous)
    with callbacks.StopRequest(stream=out) as request:
      self.assertIs(signal.getsignal(signal.SIGINT), signal.SIG_IGN)  # stays ignored
      os.kill(os.getpid(), signal.SIGINT)
      self.assertIsNone(request.signum)
      os.kill(os.getpid(), signal.SIGTERM)
      self.assertEqual(request.signum, signal.SIGTERM)
    self.assertIn("SIGTERM: stopping after this step", out.getvalue())
    self.assertIs(signal.getsignal(signal.SIGTERM), signal.SIG_DFL)


if __name__ == "__main__":
  tf.test.main()
