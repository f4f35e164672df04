import io
import os
import signal
import types

import keras
import numpy as np
import tensorflow as tf

from tfgan_info import callbacks


def fake_model(step, weights=()):
  """The little a step callback reads of a model: global_step, weights."""
  return types.SimpleNamespace(global_step=tf.Variable(step), weights=list(weights))


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
      model.global_step.assign(i)
      cb.on_train_batch_end(i)
    cb.on_train_end()  # step 6 is saved already: no second save
    self.assertEqual([os.path.basename(p) for p in manager.checkpoints], ["ckpt-3", "ckpt-6"])
    model.global_step.assign(7)
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
    model.global_step.assign(4)
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
      model.global_step.assign(101 + b)
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
      model.global_step.assign(step)
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
