"""Paired image datasets for image-to-image translation (pix2pix, Isola et al. 2017).

A paired dataset stores each example as pix2pix's datasets do: the two images side by side,
A on the left and B on the right, one uint8 "image" [H, 2W, C] (and an int64 "label", 0 when
the dataset has none). `data.load` gives these examples, so the shared pipeline, the
training-time grids and the evaluation read a paired dataset like any other. Who translates
splits the pair with `--direction` (`split_pair`): AtoB takes A as the input x and B as the
target y; BtoA the reverse. `train_pairs` and `eval_pairs` make the batches of a translation
model, {"input": x, "target": y, "label"} float32 in [-1, 1].

Two kinds of paired dataset:

- built from the MNIST-format files the package reads offline (deterministic, seeded, no
  download; the labels of the source are kept for evaluation):
  * ``edges2fashion_mnist``: A = the edges of the Fashion-MNIST item (a fixed Sobel filter,
    gradient magnitude >= EDGE_THRESHOLD on [0, 1] pixels: white edges on black), B = the
    item;
  * ``inpaint_mnist``: A = the MNIST digit with a MASK_SIZE x MASK_SIZE square, at a position
    drawn from the seed and the example's index, filled with the background (0), B = the
    digit;
- ``paired:FOLDER``: pix2pix's folder format, JPEG or PNG files of A|B side by side in
  FOLDER/train/ and FOLDER/test/ (or FOLDER/val/ when there is no test/); each half is resized
  to FOLDER_SIZE x FOLDER_SIZE RGB. Training applies the paper's jitter (Sec. 6.2: resize to
  286, random 256 crop, random mirroring); evaluation the plain resize. Every file is read
  whole with Pillow when the split loads (`image_files.inspect`), so a file that is no JPEG /
  PNG, cut short or corrupt, or whose width is odd (it cannot be split in two halves), stops
  the run at once with an error that names it.
"""

import os
import zlib
from typing import Dict, List, Optional, Tuple

import numpy as np
import tensorflow as tf

from tfgan_info.data import image_files

PREFIX = "paired:"
DIRECTIONS = ("AtoB", "BtoA")
# Built from a source dataset of the package: name -> the source (whose files are read).
SOURCES = {"edges2fashion_mnist": "fashion_mnist", "inpaint_mnist": "mnist"}
EMBEDDED = tuple(sorted(SOURCES))
EMBEDDED_SHAPE = (28, 28, 1)  # each half of an embedded pair
FOLDER_SIZE = 256              # each half of a folder pair, resized (the paper's 256x256)
FOLDER_CHANNELS = 3
JITTER_LOAD_SIZE = 286         # the paper's jitter: resize to 286, random crop back to 256
EDGE_THRESHOLD = 1.0           # Sobel gradient magnitude on [0, 1] pixels (max 4 sqrt 2)
MASK_SIZE = 12                 # side of inpaint_mnist's square hole (pixels)
MASK_REGION = (4, 24)          # the hole lies inside rows and columns [4, 24): the digit's box
MASK_SEED = 19                 # the seed of the holes (with the split and the example index)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


class PairedDataError(ValueError):
  """A paired folder is missing, empty, or holds a file that cannot be read as an A|B pair."""


def is_paired(name: str) -> bool:
  """Whether ``name`` is a paired dataset (embedded, or paired:FOLDER)."""
  return name in SOURCES or is_folder(name)


def is_folder(name: str) -> bool:
  """Whether ``name`` is a paired:FOLDER dataset."""
  return name.startswith(PREFIX)


def folder_of(name: str) -> str:
  """FOLDER of ``paired:FOLDER``.

  Raises:
    ValueError: if the folder part is empty.
  """
  folder = name[len(PREFIX):]
  if not folder:
    raise ValueError(f"--dataset={name} names no folder: write --dataset=paired:/path/to/folder")
  return folder


def half_shape(name: str) -> Tuple[int, int, int]:
  """(H, W, C) of each image of a pair (the translation model's input and output).

  Raises:
    ValueError: if ``name`` is no paired dataset.
  """
  if name in SOURCES:
    return EMBEDDED_SHAPE
  if is_folder(name):
    folder_of(name)
    return (FOLDER_SIZE, FOLDER_SIZE, FOLDER_CHANNELS)
  raise ValueError(f"Dataset {name!r} holds no image pairs: use one of {list(EMBEDDED)} or "
                   "paired:/path/to/folder (side-by-side A|B images)")


def pair_shape(name: str) -> Tuple[int, int, int]:
  """(H, 2W, C): the shape of a stored example's "image", A|B side by side."""
  h, w, c = half_shape(name)
  return (h, 2 * w, c)


def check_direction(direction: str):
  """Raises ValueError unless ``direction`` is AtoB or BtoA."""
  if direction not in DIRECTIONS:
    raise ValueError(f"Unknown direction {direction!r}: use one of {list(DIRECTIONS)}")


def output_domain(name: str, direction: str = "AtoB") -> Optional[str]:
  """The single-image dataset whose images a model's outputs should look like, whose domain
  classifier judges them: ``name`` itself for a dataset without pairs; for a paired one the
  source of an embedded pair in AtoB (the items, the digits), None where there is no such
  dataset (BtoA gives edges or masked digits; a folder's images have no classifier)."""
  if not is_paired(name):
    return name
  return SOURCES.get(name) if direction == "AtoB" else None


# -- the embedded pairs ---------------------------------------------------------------------
def sobel_edges(images):
  """Binary edge maps of images by a fixed Sobel filter.

  |grad| = sqrt(S_x^2 + S_y^2) of the [0, 1] pixels (3x3 Sobel kernels, reflected borders,
  `tf.image.sobel_edges`), thresholded at EDGE_THRESHOLD.

  Args:
    images: uint8 [N, H, W, C] in [0, 255].

  Returns:
    uint8 [N, H, W, C] in {0, 255}: 255 where |grad| >= EDGE_THRESHOLD.
  """
  x = tf.cast(images, tf.float32) / 255.0
  grad = tf.image.sobel_edges(x)  # [N, H, W, C, 2]
  magnitude = tf.sqrt(tf.reduce_sum(tf.square(grad), axis=-1))
  return tf.cast(magnitude >= EDGE_THRESHOLD, tf.uint8) * 255


def split_seed(split: str) -> int:
  """A stable integer for a split name (the masks of "train" and "test" differ). A tfds slice
  counts as its split, so a prefix slice ("test[:500]") has the split's first masks."""
  return zlib.crc32(split.split("[")[0].encode()) & 0x7FFFFFFF


def square_mask(index, split: str, seed: int = MASK_SEED, size: int = MASK_SIZE,
                image_size: int = EMBEDDED_SHAPE[0]):
  """inpaint_mnist's hole for example ``index`` of ``split``: a size x size square whose
  top-left corner is uniform over the positions inside MASK_REGION, drawn from (seed, split,
  index) alone.

  Returns:
    bool [image_size, image_size, 1], True inside the hole.
  """
  lo, hi = MASK_REGION
  stateless = tf.stack([tf.constant(seed + split_seed(split), tf.int64),
                        tf.cast(index, tf.int64)])
  corner = tf.random.stateless_uniform([2], stateless, lo, hi - size + 1, dtype=tf.int64)
  rows = tf.range(image_size, dtype=tf.int64)
  inside_r = (rows >= corner[0]) & (rows < corner[0] + size)
  inside_c = (rows >= corner[1]) & (rows < corner[1] + size)
  return (inside_r[:, None] & inside_c[None, :])[..., None]


def embedded_pairs(name: str, source: tf.data.Dataset, split: str,
                   seed: int = MASK_SEED) -> tf.data.Dataset:
  """The examples of an embedded paired dataset from its source's examples.

  Args:
    name: edges2fashion_mnist or inpaint_mnist.
    source: the unbatched {"image": uint8 [28, 28, 1], "label"} split of SOURCES[name], in
      its file order.
    split: the split name (it seeds inpaint_mnist's holes).
    seed: inpaint_mnist's mask seed (MASK_SEED: the shipped dataset).

  Returns:
    Unbatched {"image": uint8 [28, 56, 1] A|B, "label": int64}, in the source's order.
  """
  if name not in SOURCES:
    raise ValueError(f"Unknown embedded paired dataset {name!r}: use one of {list(EMBEDDED)}")

  def edges(index, ex):
    del index
    return sobel_edges(ex["image"][None])[0]

  def inpaint(index, ex):
    return tf.where(square_mask(index, split, seed), tf.zeros_like(ex["image"]), ex["image"])

  make_a = edges if name == "edges2fashion_mnist" else inpaint

  def pair(index, ex):
    return {"image": tf.concat([make_a(index, ex), ex["image"]], axis=1),
            "label": tf.cast(ex["label"], tf.int64)}
  return source.enumerate().map(pair, num_parallel_calls=tf.data.AUTOTUNE)


# -- the pix2pix folder format --------------------------------------------------------------
def split_folder(folder: str, split: str) -> str:
  """FOLDER/<split>; for "test", FOLDER/val when FOLDER/test does not exist (the pix2pix
  datasets ship one or the other).

  Raises:
    PairedDataError: if the folder does not exist.
  """
  if not os.path.isdir(folder):
    raise PairedDataError(f"Paired dataset folder {folder} does not exist")
  path = os.path.join(folder, split)
  if split == "test" and not os.path.isdir(path):
    path = os.path.join(folder, "val")
  if not os.path.isdir(path):
    raise PairedDataError(f"Paired dataset folder {folder} has no {split}/ subfolder"
                          f"{' (nor val/)' if split == 'test' else ''}")
  return path


def folder_files(folder: str, split: str) -> List[str]:
  """The image files of a split of a paired folder, sorted, each read whole once.

  Raises:
    PairedDataError: naming the folder if it holds no JPEG / PNG files, or the first file
      that cannot be read or split (not a JPEG / PNG, truncated, an odd width).
  """
  path = split_folder(folder, split)
  files = sorted(os.path.join(path, f) for f in os.listdir(path)
                 if f.lower().endswith(IMAGE_SUFFIXES))
  if not files:
    raise PairedDataError(f"Paired dataset folder {path} holds no {'/'.join(IMAGE_SUFFIXES)} "
                          "files")
  for file in files:
    try:
      width, _, _ = image_files.inspect(file, "Paired image")
    except image_files.ImageFileError as e:
      raise PairedDataError(str(e)) from e
    if width % 2:
      raise PairedDataError(f"Paired image {file} is {width} pixels wide, an odd width: it "
                            "cannot be split into A and B halves side by side")
  return files


def decode_pair(path, size: int = FOLDER_SIZE, channels: int = FOLDER_CHANNELS):
  """A paired file's example: the two halves of the decoded image, each resized to
  size x size (bilinear), side by side.

  The width is checked in the graph too (a file replaced after `folder_files` read it); the
  error names the file.

  Returns:
    {"image": uint8 [size, 2 size, channels], "label": int64 0}.
  """
  image = tf.io.decode_image(tf.io.read_file(path), channels=channels,
                             expand_animations=False)
  width = tf.shape(image)[1]
  message = tf.strings.join(["Paired image ", path, " has an odd width: it cannot be split "
                             "into A and B halves"])
  with tf.control_dependencies([tf.debugging.Assert(tf.equal(width % 2, 0), [message])]):
    half = width // 2
  halves = [tf.image.resize(part, (size, size), method="bilinear")
            for part in (image[:, :half], image[:, half:])]
  pair = tf.concat(halves, axis=1)
  pair = tf.cast(tf.clip_by_value(tf.round(pair), 0.0, 255.0), tf.uint8)
  return {"image": tf.ensure_shape(pair, (size, 2 * size, channels)),
          "label": tf.constant(0, tf.int64)}


def folder_pairs(name: str, split: str, shuffle_seed: Optional[int] = None
                 ) -> tf.data.Dataset:
  """The examples of a paired:FOLDER split (one pass).

  Args:
    name: paired:FOLDER.
    split: train, test (or val), or another subfolder's name.
    shuffle_seed: None keeps the sorted file order; an int visits the files in a random order
      drawn from it, a new one each repetition (the shuffle is of file names, before
      decoding: a buffer of decoded 256x512 images would not fit in memory).

  Raises:
    PairedDataError: see `folder_files`.
  """
  files = folder_files(folder_of(name), split)
  ds = tf.data.Dataset.from_tensor_slices(files)
  if shuffle_seed is not None:
    ds = ds.shuffle(len(files), seed=shuffle_seed, reshuffle_each_iteration=True)
  return ds.map(decode_pair, num_parallel_calls=tf.data.AUTOTUNE)


# -- splitting, jitter and batches ----------------------------------------------------------
def split_pair(images, direction: str):
  """(x, y) = (input, target) halves of A|B images, by ``direction``.

  Args:
    images: [..., H, 2W, C] A|B side by side (any dtype; a batch or one example).
    direction: "AtoB" (x = A, the left half) or "BtoA".

  Returns:
    (input [..., H, W, C], target [..., H, W, C]).
  """
  check_direction(direction)
  a, b = tf.split(images, 2, axis=-2)
  return (a, b) if direction == "AtoB" else (b, a)


def jitter(x, y, seed, load_size: int = JITTER_LOAD_SIZE):
  """The paper's random jitter of one pair (Isola et al. 2017, Sec. 6.2): both images resized
  to load_size x load_size, the same random crop back to their size, and both mirrored
  left-right with probability 1/2.

  Args:
    x, y: float [H, W, C_x], [H, W, C_y] (H = W) input and target.
    seed: int [2] stateless seed.
    load_size: the side before the crop (286 for 256-pixel images).

  Returns:
    (x, y), float [H, W, C], jittered alike.
  """
  size = x.shape[0]
  seeds = tf.random.experimental.stateless_split(tf.cast(seed, tf.int64), 2)
  both = tf.concat([x, y], axis=-1)
  both = tf.image.resize(both, (load_size, load_size), method="bilinear")
  both = tf.image.stateless_random_crop(both, (size, size, both.shape[-1]), seed=seeds[0])
  both = tf.image.stateless_random_flip_left_right(both, seed=seeds[1])
  return both[..., :x.shape[-1]], both[..., x.shape[-1]:]


def _to_pair(ex, direction: str):
  x, y = split_pair(tf.cast(ex["image"], tf.float32) / 127.5 - 1.0, direction)
  return {"input": x, "target": y, "label": ex["label"]}


def train_pairs(ds: tf.data.Dataset, name: str, direction: str, batch_size: int, *,
                seed: int = 0, cache: bool = True, shuffle_buffer: int = 60000
                ) -> tf.data.Dataset:
  """Training batches of a paired dataset: endless, shuffled, jittered for folder datasets.

  An embedded dataset is cached, shuffled with ``seed`` (reshuffled each epoch) and
  repeated; a folder dataset is read from disk each epoch in the order `folder_pairs` drew
  (its files are shuffled there, with the run's seed) and jittered (`jitter`, its seeds from
  ``seed`` and the position in the stream), so the stream is the same on every run of a seed
  and a resumed run continues it.

  Args:
    ds: the unbatched split from `data.load`, {"image": uint8 A|B, "label"}.
    name: the dataset name.
    direction: AtoB or BtoA.
    batch_size: the global batch size.
    seed: shuffle and jitter seed.
    cache: cache the decoded examples in memory (embedded datasets only).
    shuffle_buffer: examples in the shuffle buffer (embedded datasets only).

  Returns:
    {"input": float32 [batch, H, W, C] in [-1, 1], "target": the same, "label": int64
    [batch]}, whole batches.
  """
  check_direction(direction)
  folder = is_folder(name)
  if cache and not folder:
    ds = ds.cache()
  if not folder:
    ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
  ds = ds.repeat().map(lambda ex: _to_pair(ex, direction), num_parallel_calls=tf.data.AUTOTUNE)
  if folder:
    seeds = tf.data.Dataset.random(seed=seed).batch(2)

    def jittered(ex, stateless):
      x, y = jitter(ex["input"], ex["target"], stateless)
      return {"input": x, "target": y, "label": ex["label"]}
    ds = tf.data.Dataset.zip((ds, seeds)).map(jittered, num_parallel_calls=tf.data.AUTOTUNE)
  return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def eval_pairs(ds: tf.data.Dataset, direction: str, batch_size: int) -> tf.data.Dataset:
  """One pass over a paired split in its order, unjittered, the last batch partial:
  {"input", "target": float32 [batch, H, W, C] in [-1, 1], "label": int64 [batch]}."""
  check_direction(direction)
  ds = ds.map(lambda ex: _to_pair(ex, direction), num_parallel_calls=tf.data.AUTOTUNE)
  return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def as_arrays(batches) -> Dict[str, np.ndarray]:
  """{"input", "target", "label"} NumPy arrays of all batches of `eval_pairs`, concatenated."""
  parts = {"input": [], "target": [], "label": []}
  for batch in batches:
    for key, values in parts.items():
      values.append(batch[key].numpy())
  return {key: np.concatenate(values) for key, values in parts.items()}
