"""Image grids of a generator: random samples, one row per category, latent traversals, and
groups of columns (an image and its reconstruction; a translation's input, output, target).

The one place that lays grids out: the models' ``image_grids`` (written to TensorBoard and
model_dir/images/ during training, `callbacks.TraversalImages`) and tools/render.py (from a
SavedModel) both call these, so a rendered grid is the training-time grid.

A generator here is any function ``generate(noise [N, noise_dim], codes [N, code_dim]) ->
images [N, H, W, C]`` in [-1, 1]: a model's ``generate`` or an export's ``generate``
signature.
"""

from typing import Callable, Dict, Sequence, Tuple

import numpy as np
import tensorflow as tf

from tfgan_info import disk

from tfgan_info import latents

TRAVERSAL_VALUES = np.linspace(-2.0, 2.0, 9)
CAPTION_BAND = 14  # rows of the text band above each caption's samples (Pillow's default font)


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


def fixed_noise(spec: latents.LatentSpec, seed: int = 0) -> np.ndarray:
  """One noise vector [noise_dim] from the noise prior of ``spec``, drawn with NumPy."""
  rng = np.random.default_rng(seed)
  if spec.noise == "uniform":
    noise = rng.uniform(-1.0, 1.0, spec.noise_dim)
  else:
    noise = rng.standard_normal(spec.noise_dim)
    if spec.noise == "sphere":
      noise /= np.linalg.norm(noise)
  return noise.astype(np.float32)


def traversal_inputs(spec: latents.LatentSpec, code_index: int, values: Sequence[float],
                     noise: np.ndarray, fixed_codes: np.ndarray = None
                     ) -> Tuple[np.ndarray, np.ndarray]:
  """Generator inputs for a grid that varies one continuous code, one row per category.

  Rows take each class of the first categorical code (or a single row if there is none);
  columns set code ``code_index`` to each of ``values``; every other code is held at
  ``fixed_codes`` (default: zeros, the mode of the continuous priors) and the noise at
  ``noise`` for the whole grid.

  Args:
    spec: the latent layout.
    code_index: index into ``spec.codes`` of a continuous code (its first dimension varies).
    values: the column values, e.g. ``np.linspace(-2, 2, 9)``.
    noise: [noise_dim] noise shared by every cell.
    fixed_codes: optional [code_dim] values of the codes that are held.

  Returns:
    (noise [rows*cols, noise_dim], codes [rows*cols, code_dim]) float32, row-major.

  Raises:
    ValueError: if ``code_index`` is not a continuous code.
  """
  if code_index not in spec.continuous:
    raise ValueError(f"code {code_index} is not a continuous code of {spec}")
  offsets = spec.code_offsets
  base = (np.zeros(spec.code_dim, np.float32) if fixed_codes is None
          else np.asarray(fixed_codes, np.float32).copy())
  cat = spec.categorical
  rows = []
  if cat:
    k = spec.codes[cat[0]].size
    for r in range(k):
      row = base.copy()
      row[offsets[cat[0]]:offsets[cat[0] + 1]] = np.eye(k)[r]
      rows.append(row)
  else:
    rows.append(base)
  cells = []
  for row in rows:
    for v in values:
      cell = row.copy()
      cell[offsets[code_index]] = v
      cells.append(cell)
  codes = np.stack(cells).astype(np.float32)
  noise = np.tile(np.asarray(noise, np.float32)[None], [len(cells), 1])
  return noise, codes


def category_inputs(spec: latents.LatentSpec, cols: int = 10, seed: int = 0):
  """Generator inputs for one row per category of the first categorical code.

  Column j uses the same noise in every row (drawn from the prior with ``seed``), and the
  other codes are held at zero, so a row shows one category and a column one noise vector.

  Returns:
    (noise [K*cols, noise_dim], codes [K*cols, code_dim]) float32, row-major.
  """
  index = spec.categorical[0]
  k = spec.codes[index].size
  offset = spec.code_offsets[index]
  noise, _ = spec.sample(cols, tf.constant([seed, 2]))
  codes = np.zeros((k * cols, spec.code_dim), np.float32)
  for r in range(k):
    codes[r * cols:(r + 1) * cols, offset + r] = 1.0
  return np.tile(noise.numpy(), [k, 1]), codes


Generate = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _images(generate: Generate, noise, codes) -> np.ndarray:
  return np.asarray(generate(tf.constant(noise, tf.float32), tf.constant(codes, tf.float32)))


def traversal_grids(generate: Generate, spec: latents.LatentSpec,
                    values: Sequence[float] = TRAVERSAL_VALUES,
                    seed: int = 0) -> Dict[str, np.ndarray]:
  """"traversal_code<i>" for each continuous code i: rows = categories of the first
  categorical code, columns = code i at ``values`` (the noise fixed by ``seed``, the other
  codes at 0)."""
  cols, noise, grids = len(values), fixed_noise(spec, seed), {}
  for index in spec.continuous:
    images = _images(generate, *traversal_inputs(spec, index, values, noise))
    grids[f"traversal_code{index}"] = image_grid(images, len(images) // cols, cols)
  return grids


def generator_grids(generate: Generate, spec: latents.LatentSpec,
                    values: Sequence[float] = TRAVERSAL_VALUES,
                    seed: int = 0) -> Dict[str, np.ndarray]:
  """The grids of a generator with the latent layout ``spec``:

  - "samples": 8 rows of random samples from the priors;
  - "categories" (with a categorical code: InfoGAN's c1, a conditional GAN's labels): one row
    per category, one column per noise vector;
  - "traversal_code<i>" for each continuous code (`traversal_grids`).

  Returns:
    dict name -> uint8 image [rows*(H+1)+1, cols*(W+1)+1, C].
  """
  cols = len(values)
  noise, codes = spec.sample(8 * cols, tf.constant([seed, 1]))
  grids = {"samples": image_grid(_images(generate, noise, codes), 8, cols)}
  if spec.categorical:
    noise, codes = category_inputs(spec, cols, seed)
    grids["categories"] = image_grid(_images(generate, noise, codes), len(codes) // cols, cols)
  grids.update(traversal_grids(generate, spec, values, seed))
  return grids


def interpolation_inputs(spec: latents.LatentSpec, rows: int = 8, cols: int = 9,
                         seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
  """(noise [rows * cols, noise_dim], codes [rows * cols, code_dim]): per row, the noise
  moving from one prior draw to another along the great circle between them (slerp, White
  2016, Sec. 2: z(t) = sin((1 - t) w) / sin(w) z0 + sin(t w) / sin(w) z1, cos(w) = z0.z1 /
  (|z0| |z1|)), t = 0 ... 1 over ``cols`` columns; the codes fixed per row (a prior draw).
  """
  noise, codes = (np.asarray(t) for t in spec.sample(3 * rows, tf.constant([seed, 2])))
  z0, z1 = noise[:rows], noise[rows:2 * rows]
  cos = np.sum(z0 * z1, -1) / (np.linalg.norm(z0, axis=-1) * np.linalg.norm(z1, axis=-1))
  omega = np.arccos(np.clip(cos, -1.0, 1.0))[:, None, None]
  t = np.linspace(0.0, 1.0, cols)[None, :, None]
  path = (np.sin((1 - t) * omega) * z0[:, None] + np.sin(t * omega) * z1[:, None]) / np.sin(
      np.maximum(omega, 1e-6))
  return (path.reshape(rows * cols, -1).astype(np.float32),
          np.repeat(codes[2 * rows:], cols, axis=0).astype(np.float32))


def interpolation_grid(generate: Generate, spec: latents.LatentSpec, rows: int = 8,
                       cols: int = 9, seed: int = 0) -> np.ndarray:
  """uint8 image of `interpolation_inputs`: one row per noise path, t = 0 ... 1 left to
  right."""
  return image_grid(_images(generate, *interpolation_inputs(spec, rows, cols, seed)), rows,
                    cols)


def pair_grid(images: np.ndarray, outputs: np.ndarray, pairs_per_row: int = 5) -> np.ndarray:
  """Pairs of columns: each image [n, H, W, C] next to its output [n, H, W, C] (e.g. a
  reconstruction); n is cut to a multiple of ``pairs_per_row``."""
  return group_grid([images, outputs], pairs_per_row)


def reconstruction_grid(reconstruct: Callable, real_images) -> np.ndarray:
  """The "reconstructions" grid of a model with an encoder: pairs of columns, each real image
  x of real_images [n, H, W, C] next to reconstruct(x) (`pair_grid`)."""
  real = np.asarray(real_images, np.float32)
  return pair_grid(real, np.asarray(reconstruct(real)))


def group_grid(image_sets: Sequence[np.ndarray], groups_per_row: int = 3) -> np.ndarray:
  """Groups of columns, one image of each set side by side: e.g. a translation's input x |
  output G(x) | target y.

  Args:
    image_sets: k arrays [n, H, W, C_i] (C_i 1 or C: single-channel sets are repeated to C
      channels when the others have more).
    groups_per_row: groups per grid row; n is cut to a multiple of it.

  Returns:
    uint8 [rows*(H+1)+1, k*groups_per_row*(W+1)+1, C].
  """
  sets = [np.asarray(s, np.float32) for s in image_sets]
  channels = max(s.shape[-1] for s in sets)
  sets = [np.repeat(s, channels, axis=-1) if s.shape[-1] != channels else s for s in sets]
  n = (min(len(s) for s in sets) // groups_per_row) * groups_per_row
  groups = np.stack([s[:n] for s in sets], axis=1)
  return image_grid(groups.reshape((-1,) + groups.shape[2:]), n // groups_per_row,
                    len(sets) * groups_per_row)


def caption_grid(captions: Sequence[str], images: np.ndarray, scale: int = 2,
                 value_range=(-1.0, 1.0)) -> np.ndarray:
  """Each caption written above its row of samples.

  Args:
    captions: R strings.
    images: [R, S, H, W, C] in ``value_range``: row r holds S samples of caption r.
    scale: each pixel drawn as scale x scale (28x28 images are too small beside text).

  Returns:
    uint8 [R * (CAPTION_BAND + scale * (H + 2)), scale * (S * (W + 1) + 1), C]: per caption
    a white band of CAPTION_BAND rows with the caption in black (cut at the right edge), then
    `image_grid` of its samples, each pixel scale x scale.
  """
  from PIL import Image, ImageDraw  # pylint: disable=g-import-not-at-top
  images = np.asarray(images)
  r, s = images.shape[:2]
  if len(captions) != r:
    raise ValueError(f"{len(captions)} captions for {r} rows of samples")
  c = images.shape[-1]
  blocks = []
  for caption, row in zip(captions, images):
    tiles = image_grid(row, 1, s, value_range)
    tiles = np.kron(tiles, np.ones((scale, scale, 1), np.uint8))
    band = Image.new("L", (tiles.shape[1], CAPTION_BAND), 255)
    ImageDraw.Draw(band).text((2, 1), caption, fill=0)
    text = np.repeat(np.asarray(band)[..., None], c, axis=-1)
    blocks += [text, tiles]
  return np.concatenate(blocks, axis=0)


def write_png(path: str, image: np.ndarray):
  """Writes a uint8 image [H, W, C] as a PNG file, atomically (a temporary file renamed into
  place: a failed write never leaves a truncated PNG under ``path``)."""
  disk.write_atomically(path, tf.io.encode_png(image).numpy())
