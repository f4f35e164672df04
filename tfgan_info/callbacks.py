"""Training callbacks: checkpoints, TensorBoard scalars and latent-traversal image grids."""

import os
import math

import keras
import numpy as np
import tensorflow as tf


def model_step(model) -> int:
  """Training steps done so far (the iteration count of the model's step_optimizer)."""
  return int(model.step_optimizer.iterations.numpy())


def non_finite_weights(model) -> list:
  """Paths of the model's variables that hold a NaN or an infinity."""
  return [v.path for v in model.weights if not np.isfinite(np.asarray(v.numpy())).all()]


class StepCheckpoint(keras.callbacks.Callback):
  """Saves a `tf.train.CheckpointManager` every ``every`` steps and at the end of training.

  The manager's checkpoint must hold the model, both optimizers and the seed state, so that a
  restarted run continues from the same weights, moments and random stream. A save is
  atomic: TensorFlow writes the files of ckpt-N first and then replaces the "checkpoint"
  index file by a rename, so a process killed at any moment leaves the previous checkpoint
  as the latest. Weights with a NaN or an infinity are never saved: training stops with
  FloatingPointError and the last good checkpoint stays the latest.
  """

  def __init__(self, manager: tf.train.CheckpointManager, every: int):
    super().__init__()
    self.manager = manager
    self.every = max(1, int(every))

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
    self.manager.save(checkpoint_number=step)

  def on_train_batch_end(self, batch, logs=None):
    if model_step(self.model) % self.every == 0:
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


class ScalarSummaries(keras.callbacks.Callback):
  """Writes the train_step's reported scalars to TensorBoard every ``every`` steps.

  The values are the trackers' running means since the start of the current Keras epoch (what
  the progress bar shows). Uses the model's own step counter, so curves continue across
  restarts.
  """

  def __init__(self, log_dir: str, every: int):
    super().__init__()
    self.writer = tf.summary.create_file_writer(log_dir)
    self.every = max(1, int(every))

  def on_train_batch_end(self, batch, logs=None):
    step = model_step(self.model)
    logs = logs or {}
    if step % self.every == 0:
      with self.writer.as_default(step=step):
        for k, v in logs.items():
          tf.summary.scalar(k, float(v))
      self.writer.flush()


def image_grid(images: np.ndarray, rows: int, cols: int, value_range=(-1.0, 1.0)) -> np.ndarray:
  """Tiles images [rows*cols, H, W, C] in ``value_range`` into one uint8 image.

  Returns:
    uint8 [rows*(H+1)+1, cols*(W+1)+1, C], row-major, cells separated by a white 1-pixel border.
  """
  images = np.asarray(images, np.float32)
  n, h, w, c = images.shape
  if n != rows * cols:
    raise ValueError(f"{n} images do not fill a {rows}x{cols} grid")
  lo, hi = value_range
  images = np.clip((images - lo) / (hi - lo), 0.0, 1.0)
  grid = np.ones((rows * (h + 1) + 1, cols * (w + 1) + 1, c), np.float32)
  for i in range(n):
    r, q = divmod(i, cols)
    grid[1 + r * (h + 1):1 + r * (h + 1) + h, 1 + q * (w + 1):1 + q * (w + 1) + w] = images[i]
  return np.round(grid * 255).astype(np.uint8)


def category_inputs(spec, cols: int = 10, seed: int = 0):
  """Generator inputs for one row per category of the first categorical code.

  Column j uses the same noise in every row (drawn from the prior with ``seed``), and the
  other codes are held at zero, so a row shows one category and a column one noise vector.

  Returns:
    (noise [K*cols, noise_dim], codes [K*cols, code_dim]) float32, row-major.
  """
  index = spec.categorical[0]
  k = spec.codes[index].size
  offset = sum(c.dim for c in spec.codes[:index])
  noise, _ = spec.sample(cols, tf.constant([seed, 2]))
  codes = np.zeros((k * cols, spec.code_dim), np.float32)
  for r in range(k):
    codes[r * cols:(r + 1) * cols, offset + r] = 1.0
  return np.tile(noise.numpy(), [k, 1]), codes


def traversal_grids(model, values=np.linspace(-2.0, 2.0, 9), seed: int = 0,
                    real_images=None):
  """The image grids of a model's generator.

  - "samples": 8 rows of random samples from the priors (every model);
  - "reconstructions" (models with ``reconstruct``, e.g. AGE, given ``real_images``): pairs
    of columns, a real image x next to its reconstruction g(e(x));
  - "categories" (a categorical code: InfoGAN's c1, a conditional GAN's labels): one row per
    category, one column per noise vector;
  - "traversal_code<i>" (each continuous code): rows = categories, columns = that code from
    -2 to 2 with the noise fixed.

  Returns:
    dict name -> uint8 image [rows*(H+1)+1, cols*(W+1)+1, C].
  """
  spec = model.latent_spec
  cols = len(values)
  noise, codes = spec.sample(8 * cols, tf.constant([seed, 1]))
  grids = {"samples": image_grid(model.generate(noise, codes).numpy(), 8, cols)}
  if real_images is not None and hasattr(model, "reconstruct"):
    real = np.asarray(real_images, np.float32)[:(len(real_images) // 5) * 5]
    pairs = np.stack([real, model.reconstruct(real).numpy()], axis=1)  # [n, 2, H, W, C]
    grids["reconstructions"] = image_grid(pairs.reshape((-1,) + real.shape[1:]),
                                          len(real) // 5, 10)
  if spec.categorical:
    noise, codes = category_inputs(spec, cols, seed)
    grids["categories"] = image_grid(model.generate(noise, codes).numpy(),
                                     len(codes) // cols, cols)
  noise = spec.fixed_noise(seed)
  for index in spec.continuous:
    grid_noise, grid_codes = spec.traversal_grid(index, values, noise)
    images = model.generate(grid_noise, grid_codes).numpy()
    grids[f"traversal_code{index}"] = image_grid(images, len(images) // cols, cols)
  return grids


def write_png(path: str, image: np.ndarray):
  """Writes a uint8 image [H, W, C] as a PNG file."""
  tf.io.write_file(path, tf.io.encode_png(image))


class TraversalImages(keras.callbacks.Callback):
  """Every ``every`` steps, writes latent-traversal grids to TensorBoard and PNGs to disk.

  ``real_images`` [n, H, W, C] (optional) feed the "reconstructions" grid of models that
  reconstruct (AGE).
  """

  def __init__(self, log_dir: str, image_dir: str, every: int, seed: int = 0,
               real_images=None):
    super().__init__()
    self.real_images = real_images
    self.writer = tf.summary.create_file_writer(log_dir)
    self.image_dir = image_dir
    self.every = max(1, int(every))
    self.seed = seed

  def write(self):
    step = model_step(self.model)
    grids = traversal_grids(self.model, seed=self.seed, real_images=self.real_images)
    os.makedirs(self.image_dir, exist_ok=True)
    with self.writer.as_default(step=step):
      for name, grid in grids.items():
        tf.summary.image(name, grid[None], step=step)
        write_png(os.path.join(self.image_dir, f"{name}.png"), grid)
    self.writer.flush()

  def on_train_batch_end(self, batch, logs=None):
    if model_step(self.model) % self.every == 0:
      self.write()

  def on_train_end(self, logs=None):
    self.write()
