"""tensorflow-datasets pipelines that yield {"image", "label"} batches.

"dsprites" is rendered on the fly (`dsprites.as_dataset`): it needs no download and no files.
Its "label" is the shape class.

Paired datasets (`paired`: edges2fashion_mnist, inpaint_mnist, paired:FOLDER) load the same
way; their "image" is a pair of images side by side, A|B, which a translation model splits
(`paired.split_pair`).
"""

from typing import Optional, Tuple

import tensorflow as tf
import tensorflow_datasets as tfds

from tfgan_info import locks
from tfgan_info.data import dsprites
from tfgan_info.data import paired
from tfgan_info.data import raw

# Offline builds exist for mnist and fashion_mnist (raw.RAW_FILES); the RGB sets need tfds'
# download (users with internet).
DATASETS = ("mnist", "fashion_mnist", "cifar10", "svhn_cropped", "celeb_a", "dsprites")
# Datasets of image pairs built from the files of DATASETS (offline; `paired`), and the prefix
# of a folder of pairs, --dataset=paired:/path/to/folder.
PAIRED_DATASETS = paired.EMBEDDED
PAIRED_PREFIX = paired.PREFIX


class _ByName(dict):
  """A dict of the fixed names that also answers for every paired:FOLDER name."""

  def __init__(self, fixed, folder_value):
    super().__init__(fixed)
    self._folder_value = folder_value

  def __missing__(self, name):
    if isinstance(name, str) and paired.is_folder(name):
      return self._folder_value
    raise KeyError(name)

  def __contains__(self, name):
    return super().__contains__(name) or (isinstance(name, str) and paired.is_folder(name))


# The shape of an example's "image" (of a paired dataset: the pair side by side, A|B).
IMAGE_SHAPES = _ByName(
    {"mnist": (28, 28, 1), "fashion_mnist": (28, 28, 1), "cifar10": (32, 32, 3),
     "svhn_cropped": (32, 32, 3), "celeb_a": (64, 64, 3), "dsprites": dsprites.IMAGE_SHAPE,
     **{name: paired.pair_shape(name) for name in PAIRED_DATASETS}},
    paired.pair_shape(PAIRED_PREFIX + "folder"))
NUM_CLASSES = _ByName(
    {"mnist": 10, "fashion_mnist": 10, "cifar10": 10, "svhn_cropped": 10,
     "celeb_a": 0,  # 0: no class label (the "label" feature is 0)
     "dsprites": len(dsprites.SHAPES),
     **{name: 10 for name in PAIRED_DATASETS}},  # the labels of their sources
    0)
# Datasets with ground-truth factors: the disentanglement metrics' `DSprites`-like data.
GROUND_TRUTH = {"dsprites": dsprites.DSprites}
# Rendered on the fly: nothing to gain from an in-memory cache (dsprites' would take 3 GB).
RENDERED = ("dsprites",)
CELEB_A_CROP = 108  # the central crop resized to 64x64, as in the DCGAN reference code


def center_crop_resize(image, crop: int, size: int):
  """uint8 image [H, W, C] -> its central crop x crop square resized to uint8 [size, size, C]."""
  h, w = tf.shape(image)[0], tf.shape(image)[1]
  top, left = (h - crop) // 2, (w - crop) // 2
  square = image[top:top + crop, left:left + crop]
  resized = tf.image.resize(tf.cast(square, tf.float32), (size, size), method="area")
  return tf.cast(tf.clip_by_value(tf.round(resized), 0.0, 255.0), tf.uint8)


def to_example(name: str, ex):
  """A tfds example of dataset ``name`` -> {"image": uint8 IMAGE_SHAPES[name], "label": int64}."""
  if name == "celeb_a":
    return {"image": center_crop_resize(ex["image"], CELEB_A_CROP, IMAGE_SHAPES[name][0]),
            "label": tf.constant(0, tf.int64)}
  if name == "dsprites":  # {0, 1} -> {0, 255}; the shape is the label
    return {"image": ex["image"] * tf.constant(255, tf.uint8), "label": ex["label_shape"]}
  return {"image": ex["image"], "label": tf.cast(ex["label"], tf.int64)}


def check_dataset(name: str, direction: str = "AtoB"):
  """Raises ValueError for a --dataset that names no dataset, or a --direction other than
  AtoB for a dataset without pairs (which would ignore it)."""
  paired.check_direction(direction)
  if paired.is_folder(name):
    paired.folder_of(name)
  elif name not in DATASETS and name not in PAIRED_DATASETS:
    raise ValueError(f"Unknown dataset {name!r}: use one of {DATASETS + PAIRED_DATASETS} or "
                     f"{PAIRED_PREFIX}/path/to/folder")
  if direction != "AtoB" and not paired.is_paired(name):
    raise ValueError(f"--direction={direction} is for paired datasets; {name} has no pairs")


def load(name: str, split: str, data_dir: Optional[str] = None,
         raw_data_dir: Optional[str] = None, shuffle_seed: Optional[int] = None
         ) -> tf.data.Dataset:
  """Loads a split of a tfds image dataset as unbatched {"image": uint8, "label": int64}.

  Args:
    name: a tfds name in DATASETS, a name in PAIRED_DATASETS (built from its source in
      DATASETS, `paired.embedded_pairs`) or paired:FOLDER (`paired.folder_pairs`).
    split: "train" or "test" (any tfds split string; dsprites: `dsprites.split_indices`; a
      folder: its subfolder).
    data_dir: tfds data folder (None: tfds' default, ~/tensorflow_datasets).
    raw_data_dir: if set, build offline from the original raw files found there
      (see `raw.prepare_from_raw`); if None, tfds downloads them. Unused by dsprites.
    shuffle_seed: dsprites and paired folders only: visit the examples in a full random order
      drawn from this seed (a new one each repetition) instead of index order. tfds sets keep
      their file order.

  Raises:
    ValueError: for an unknown dataset name; `raw.RawDataError` for bad raw files;
      `paired.PairedDataError` for a bad paired folder or file.
  """
  check_dataset(name)
  if paired.is_folder(name):
    return paired.folder_pairs(name, split, shuffle_seed)
  if name in PAIRED_DATASETS:
    source = load(paired.SOURCES[name], split, data_dir, raw_data_dir)
    return paired.embedded_pairs(name, source, split)
  if name == "dsprites":
    ds = dsprites.as_dataset(split, shuffle_seed)
    return ds.map(lambda ex: to_example(name, ex), num_parallel_calls=tf.data.AUTOTUNE)
  if raw_data_dir:
    builder = raw.prepare_from_raw(name, raw_data_dir, data_dir)
  else:
    builder = tfds.builder(name, data_dir=data_dir)
    if not builder.is_prepared():
      with locks.data_build(builder.data_dir_root, name):  # one build for concurrent runs
        # A new builder reads what another process may have built while this one waited.
        builder = tfds.builder(name, data_dir=data_dir)
        builder.download_and_prepare()
  ds = builder.as_dataset(split=split, shuffle_files=False)
  return ds.map(lambda ex: to_example(name, ex), num_parallel_calls=tf.data.AUTOTUNE)


def train_split(data_config, seed: int) -> tf.data.Dataset:
  """The training split of a run's dataset (``data_config``: its `config.DataConfig`), in the
  run's seeded shuffled order (``seed``: --seed; see `load`'s ``shuffle_seed``)."""
  dc = data_config
  return load(dc.dataset, "train", dc.data_dir or None, dc.raw_data_dir or None,
              shuffle_seed=seed)


def scale_images(images, value_range: Tuple[float, float] = (-1.0, 1.0)):
  """uint8 images in [0, 255] -> float32 in ``value_range`` (the generator's output range)."""
  lo, hi = value_range
  return tf.cast(images, tf.float32) * ((hi - lo) / 255.0) + lo


def pipeline(ds: tf.data.Dataset, batch_size: int, *, shuffle: bool = True, seed: int = 0,
             repeat: bool = True, cache: bool = True, drop_remainder: bool = True,
             value_range: Tuple[float, float] = (-1.0, 1.0),
             shuffle_buffer: int = 60000) -> tf.data.Dataset:
  """Cache, shuffle, repeat, batch, scale and prefetch an unbatched {"image", "label"} set.

  Args:
    ds: unbatched dataset with uint8 "image" [H, W, C] and int "label".
    batch_size: batch size (the global one when distributed).
    shuffle: shuffle with ``seed`` (reshuffled each epoch, reproducibly).
    repeat: repeat forever (training); False gives one pass.
    cache: cache the decoded uint8 examples in memory after the first pass.
    drop_remainder: drop the last partial batch (static shapes for XLA).
    value_range: the float range images are scaled to.

  Returns:
    Dataset of {"image": float32 [batch, H, W, C], "label": int64 [batch]}.

  Raises:
    ValueError: for batch_size < 1.
  """
  if batch_size < 1:
    raise ValueError(f"batch_size must be >= 1, got {batch_size}")
  if cache:
    ds = ds.cache()
  if shuffle:
    ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
  if repeat:
    ds = ds.repeat()
  ds = ds.batch(batch_size, drop_remainder=drop_remainder)
  ds = ds.map(lambda ex: {"image": scale_images(ex["image"], value_range),
                          "label": ex["label"]}, num_parallel_calls=tf.data.AUTOTUNE)
  return ds.prefetch(tf.data.AUTOTUNE)
