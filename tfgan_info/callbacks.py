"""Training callbacks: checkpoints (by steps, by wall time, on a stop request), a clean stop
on SIGINT / SIGTERM, TensorBoard scalars as per-window means keyed on the global step, the
progress line, and the model's image grids."""

import math
import os
import signal
import sys
import threading
import time
from typing import Dict, Optional

import keras
import numpy as np
import tensorflow as tf

from tfgan_info import checkpoints
from tfgan_info import disk
from tfgan_info import grids


def model_step(model) -> int:
  """Training steps done so far (the model's ``global_step``)."""
  return int(model.global_step.numpy())


def non_finite_weights(model) -> list:
  """Paths of the model's variables that hold a NaN or an infinity."""
  return [v.path for v in model.weights if not np.isfinite(np.asarray(v.numpy())).all()]


class StepCheckpoint(keras.callbacks.Callback):
  """Saves a `tf.train.CheckpointManager` every ``every`` steps, whenever ``every_secs``
  seconds have passed since the last save (0: never by time), and at the end of training
  (which includes a stop on request, see `StopOnRequest`).

  The manager's checkpoint must hold the model, both optimizers and the seed state, so that a
  restarted run continues from the same weights, moments and random stream. A save is
  atomic: TensorFlow writes the files of ckpt-N first and then replaces the "checkpoint"
  index file by a rename, so a process killed at any moment leaves the previous checkpoint
  as the latest. Weights with a NaN or an infinity are never saved: training stops with
  FloatingPointError and the last good checkpoint stays the latest. A save that fails for
  lack of space removes what it wrote and raises `disk.DiskFullError`.
  """

  def __init__(self, manager: tf.train.CheckpointManager, every: int, every_secs: float = 0.0,
               clock=time.monotonic):
    super().__init__()
    self.manager = manager
    self.every = max(1, int(every))
    self.every_secs = float(every_secs)
    self.clock = clock
    self.last_save = clock()

  def on_train_begin(self, logs=None):
    self.last_save = self.clock()

  def _save(self):
    step = model_step(self.model)
    latest = self.manager.latest_checkpoint
    if latest and latest.endswith(f"-{step}"):
      return
    bad = non_finite_weights(self.model)
    if bad:
      raise FloatingPointError(
          f"Non-finite weights at step {step} ({', '.join(bad[:3])}"
          f"{', ...' if len(bad) > 3 else ''}); training stopped, not saved: the last good "
          f"checkpoint {latest} is kept")
    directory = self.manager.directory
    try:
      with disk.writing(f"checkpoint {step}", directory):
        self.manager.save(checkpoint_number=step)
    except disk.DiskFullError:
      checkpoints.remove_unlisted(directory, step)  # nothing half-written left, space freed
      raise
    self.last_save = self.clock()

  def on_train_batch_end(self, batch, logs=None):
    due = self.every_secs > 0 and self.clock() - self.last_save >= self.every_secs
    if due or model_step(self.model) % self.every == 0:
      self._save()

  def on_train_end(self, logs=None):
    self._save()


class StopOnNonFinite(keras.callbacks.Callback):
  """Stops training with FloatingPointError when a reported loss is NaN or infinite.

  Put it before `StepCheckpoint`, so the step that went wrong is not saved. The values are
  the trackers' running means since the start of the Keras epoch, so a NaN in any step's
  loss shows up at that step.
  """

  def on_train_batch_end(self, batch, logs=None):
    bad = [k for k, v in (logs or {}).items() if not math.isfinite(float(v))]
    if bad:
      raise FloatingPointError(
          f"Non-finite {', '.join(bad)} at step {model_step(self.model)}; training stopped, "
          "the last good checkpoint is kept")


class WindowMeans:
  """Means of the train_step's reported scalars over windows of steps.

  Keras' ``logs`` at batch b of an epoch hold each tracker's running mean over the epoch's
  first b + 1 steps (every step has the same batch size), so the sum over a window of steps
  is a difference of running sums: the window's mean is exact, whatever the epoch and
  restart boundaries (a resumed run's first window is its own steps only).
  """

  def __init__(self):
    self._epoch_sums: Dict[str, float] = {}
    self._epoch_steps = 0
    self._sums: Dict[str, float] = {}
    self.steps = 0  # steps in the current window

  def update(self, batch: int, logs):
    """Takes the logs of on_train_batch_end(batch, logs) (``batch``: 0-based in the epoch;
    with steps_per_execution k, the last of the k steps)."""
    n = batch + 1
    for name, value in (logs or {}).items():
      running = float(np.mean(value)) * n
      self._sums[name] = self._sums.get(name, 0.0) + running - self._epoch_sums.get(name, 0.0)
      self._epoch_sums[name] = running
    self.steps += n - self._epoch_steps
    self._epoch_steps = n

  def end_epoch(self):
    """Call at on_epoch_end: Keras resets the trackers before the next epoch."""
    self._epoch_sums, self._epoch_steps = {}, 0

  def take(self) -> Dict[str, float]:
    """The means over the window since the last take (empty if no step), and a new window."""
    means = {k: v / self.steps for k, v in self._sums.items()} if self.steps else {}
    self._sums, self.steps = {}, 0
    return means


class ScalarSummaries(keras.callbacks.Callback):
  """Writes the means of the train_step's reported scalars over each window of ``every``
  steps to TensorBoard, keyed on the global step.

  Windows end at multiples of ``every`` (so curves continue across restarts without a kink;
  a resumed run's first window holds its own steps only) and at the end of training (so a
  run shorter than ``every`` steps still has its scalars). Tags are
  ``<group>/<name>`` with the group of `models.base.TwoPlayerModel.summary_group`.
  """

  def __init__(self, log_dir: str, every: int):
    super().__init__()
    self.log_dir = log_dir
    self.writer = tf.summary.create_file_writer(log_dir)
    self.every = max(1, int(every))
    self.window = WindowMeans()

  def write(self):
    means = self.window.take()
    if not means:
      return
    with disk.writing("the TensorBoard scalars", self.log_dir):
      with self.writer.as_default(step=model_step(self.model)):
        for name, value in means.items():
          tf.summary.scalar(f"{self.model.summary_group(name)}/{name}", value)
      self.writer.flush()

  def on_train_batch_end(self, batch, logs=None):
    self.window.update(batch, logs)
    if model_step(self.model) % self.every == 0:
      self.write()

  def on_epoch_end(self, epoch, logs=None):
    self.window.end_epoch()

  def on_train_end(self, logs=None):
    self.write()


def format_duration(seconds: float) -> str:
  """'45 s', '12 min', '2 h 05 min'."""
  if seconds < 90:
    return f"{seconds:.0f} s"
  if seconds < 5400:
    return f"{seconds / 60:.0f} min"
  return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"


class Progress(keras.callbacks.Callback):
  """Progress on the global step (instead of Keras' per-epoch bar).

  Once the speed is measured (after ``estimate_after`` steps or at the first line, not
  counting the first step, which includes tracing and compilation) it prints how long the
  rest will take on this machine; then one line per
  ``every`` steps with the window's mean scalars, the speed and the time left. On a terminal
  (verbose 1) the current line is also refreshed in place twice a second.

  Args:
    train_steps: the run's last step.
    batch_size: global batch size (for images/s).
    every: steps per printed line.
    verbose: 1 (live line on a terminal, else one line per ``every`` steps) or 2 (one line per
      ``every`` steps).
    stream: where to print (default sys.stdout).
  """

  def __init__(self, train_steps: int, batch_size: int, every: int, verbose: int = 1,
               stream=None, clock=time.monotonic, estimate_after: int = 10):
    super().__init__()
    self.train_steps = int(train_steps)
    self.batch_size = int(batch_size)
    self.every = max(1, int(every))
    self.stream = stream or sys.stdout
    self.live = verbose == 1 and getattr(self.stream, "isatty", lambda: False)()
    self.clock = clock
    self.estimate_after = estimate_after
    self.window = WindowMeans()
    self.line = WindowMeans()  # since the last refresh of the live line
    self._t0 = self._s0 = None  # time and step after the first step
    self._estimated = False
    self._last_refresh = 0.0
    self._live_shown = False

  def _print(self, text: str):
    if self._live_shown:
      self.stream.write("\r\033[K")
      self._live_shown = False
    self.stream.write(text + "\n")
    self.stream.flush()

  def seconds_per_step(self, step: int) -> Optional[float]:
    if self._t0 is None or step <= self._s0:
      return None
    return (self.clock() - self._t0) / (step - self._s0)

  def status(self, step: int, means: Dict[str, float]) -> str:
    width = len(str(self.train_steps))
    text = f"step {step:{width}d}/{self.train_steps}"
    if means:
      text += "  " + " ".join(f"{k} {v:.4g}" for k, v in means.items())
    per_step = self.seconds_per_step(step)
    if per_step:
      text += (f"  {1 / per_step:.2f} steps/s ({self.batch_size / per_step:.0f} images/s)"
               f"  {format_duration(per_step * (self.train_steps - step))} left")
    return text

  def on_train_batch_end(self, batch, logs=None):
    self.window.update(batch, logs)
    self.line.update(batch, logs)
    step = model_step(self.model)
    if self._t0 is None:  # the speed is timed from the end of the first step on
      self._t0, self._s0 = self.clock(), step
    per_step = self.seconds_per_step(step)
    line_due = step % self.every == 0
    if not self._estimated and per_step and (step - self._s0 >= self.estimate_after or
                                             line_due):
      self._estimated = True
      self._print(f"Measured {per_step:.3g} s/step ({self.batch_size / per_step:.0f} images/s)"
                  f" on this machine: about {format_duration(per_step * (self.train_steps - step))}"
                  f" for the {self.train_steps - step} steps left")
    if line_due:
      self._print(self.status(step, self.window.take()))
      self.line.take()
    elif self.live and self.clock() - self._last_refresh >= 0.5:
      self._last_refresh = self.clock()
      self.stream.write("\r\033[K" + self.status(step, self.line.take()))
      self.stream.flush()
      self._live_shown = True

  def on_epoch_end(self, epoch, logs=None):
    self.window.end_epoch()
    self.line.end_epoch()

  def on_train_end(self, logs=None):
    if self._live_shown:
      self.stream.write("\r\033[K")
      self.stream.flush()
      self._live_shown = False


class StopRequest:
  """Turns SIGINT (Ctrl-C) and SIGTERM into a request to stop after the current step.

  Use as a context manager around training, with a `StopOnRequest` callback: the first
  signal sets ``signum`` and prints a note; training then stops at the end of the step, and
  `StepCheckpoint` saves that step (as Keras' BackupAndRestore saves on pre-emption). A
  second signal quits at once (KeyboardInterrupt; the last checkpoint stays the latest).
  A signal the process ignores (SIGINT of a job started with nohup or in the background)
  stays ignored; outside the main thread (where Python cannot install handlers) it does
  nothing.
  """

  SIGNALS = (signal.SIGINT, signal.SIGTERM)

  def __init__(self, stream=None):
    self.signum: Optional[int] = None
    self.stream = stream or sys.stderr
    self._previous = {}

  def _handle(self, signum, frame):
    del frame
    if self.signum is not None:
      self._restore()
      raise KeyboardInterrupt
    self.signum = signum
    name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
    self.stream.write(f"\n{name}: stopping after this step and saving a checkpoint "
                      "(press Ctrl-C again to quit at once)\n")
    self.stream.flush()

  def _restore(self):
    for signum, handler in self._previous.items():
      signal.signal(signum, handler)
    self._previous = {}

  def __enter__(self):
    if threading.current_thread() is threading.main_thread():
      self._previous = {s: signal.signal(s, self._handle) for s in self.SIGNALS
                        if signal.getsignal(s) is not signal.SIG_IGN}
    return self

  def __exit__(self, *exc):
    self._restore()
    return False


class StopOnRequest(keras.callbacks.Callback):
  """Ends training at the end of the step during which a `StopRequest` was made."""

  def __init__(self, request: StopRequest):
    super().__init__()
    self.request = request

  def on_train_batch_end(self, batch, logs=None):
    if self.request.signum is not None:
      self.model.stop_training = True


class TraversalImages(keras.callbacks.Callback):
  """Writes the model's image grids (``image_grids``: samples, categories, latent traversals,
  and what else the model draws) to TensorBoard (tags ``images/<grid>``) and PNGs to disk.

  They are written at the first multiple of ``first_every`` steps of each process (the first
  scalar window, so a new run shows images within minutes), every ``every`` steps, and at the
  end of training. ``real_images`` [n, H, W, C] (optional) are passed to ``image_grids`` (the
  model's ``grid_real_images`` test images).
  """

  def __init__(self, log_dir: str, image_dir: str, every: int, seed: int = 0,
               real_images=None, first_every: Optional[int] = None):
    super().__init__()
    self.real_images = real_images
    self.log_dir = log_dir
    self.writer = tf.summary.create_file_writer(log_dir)
    self.image_dir = image_dir
    self.every = max(1, int(every))
    self.first_every = max(1, int(first_every or every))
    self.seed = seed
    self.written_at = None

  def write(self):
    step = model_step(self.model)
    if step == self.written_at:
      return
    images = self.model.image_grids(seed=self.seed, real_images=self.real_images)
    with disk.writing("the image grids", self.image_dir):
      os.makedirs(self.image_dir, exist_ok=True)
      for name, grid in images.items():
        grids.write_png(os.path.join(self.image_dir, f"{name}.png"), grid)
    with disk.writing("the TensorBoard images", self.log_dir):
      with self.writer.as_default(step=step):
        for name, grid in images.items():
          tf.summary.image(f"images/{name}", grid[None], step=step)
      self.writer.flush()
    self.written_at = step

  def on_train_batch_end(self, batch, logs=None):
    step = model_step(self.model)
    first = self.written_at is None and step % self.first_every == 0
    if first or step % self.every == 0:
      self.write()

  def on_train_end(self, logs=None):
    self.write()
