"""Any tensorflow-datasets image dataset: ``--dataset=tfds:NAME`` (NAME as `tfds.builder`
takes it, e.g. ``svhn_cropped``, ``celeb_a``, ``shapes3d``, ``cifar10:3.0.2``).

The image is the feature --image_feature (default "image") and the label the ClassLabel
feature --label_feature (default "label"; a dataset whose "label" is missing or no ClassLabel,
or an empty --label_feature, has no classes and every label is 0). Images are converted to
--image_channels and fitted to --image_size (`transform`); without --image_size the dataset's
own size is kept, which must be square.

A dataset is prepared once (a lock keeps concurrent runs to one build): downloaded by tfds,
built offline from the original files of the sets `raw` knows (--raw_data_dir), or read from
the files a dataset's manual download instructions name (--manual_dir, tfds' ``manual_dir``).
"""

import functools
from typing import Optional, Tuple

import tensorflow as tf
import tensorflow_datasets as tfds

from tfgan_info import locks
from tfgan_info.data import raw
from tfgan_info.data import transform

PREFIX = "tfds:"
# When a split is missing, evaluation's "test" reads the first of these the dataset has; the
# training split only its first TEST_SIZE examples (tfds writes examples in a shuffled order).
TEST_FALLBACKS = ("test", "validation", "train")
TEST_SIZE = 10000


class TfdsDataError(ValueError):
  """A tfds:NAME dataset that is unknown, or lacks the image or label feature named."""


def is_tfds(name: str) -> bool:
  """Whether ``name`` is a tfds:NAME dataset."""
  return name.startswith(PREFIX)


def name_of(name: str) -> str:
  """NAME of ``tfds:NAME``.

  Raises:
    ValueError: if the name part is empty.
  """
  tfds_name = name[len(PREFIX):]
  if not tfds_name:
    raise ValueError(f"--dataset={name} names no dataset: write --dataset=tfds:NAME, e.g. "
                     "tfds:svhn_cropped")
  return tfds_name


@functools.lru_cache(maxsize=16)
def info(tfds_name: str, data_dir: Optional[str] = None):
  """The dataset's `tfds.core.DatasetInfo` (its features are known without a download).

  Raises:
    TfdsDataError: for a name tfds does not know.
  """
  try:
    return tfds.builder(tfds_name, data_dir=data_dir).info
  except (tfds.core.registered.DatasetNotFoundError, ValueError) as e:
    raise TfdsDataError(f"tfds knows no dataset {tfds_name!r}: "
                        f"{str(e).splitlines()[0]}") from None


def _label(tfds_name: str, spec, label_feature: str):
  """The ClassLabel feature ``label_feature`` of ``spec``, or None: for an empty
  ``label_feature``, or the default "label" where it is missing or no ClassLabel.

  Raises:
    TfdsDataError: naming the features, if another ``label_feature`` is no ClassLabel.
  """
  label = spec[label_feature] if label_feature in spec else None
  if not label_feature or (label_feature == "label" and not isinstance(
      label, tfds.features.ClassLabel)):
    return None
  if not isinstance(label, tfds.features.ClassLabel):
    raise TfdsDataError(f"{tfds_name} has no class-label feature {label_feature!r} (its "
                        f"features: {sorted(spec.keys())}): pass --label_feature")
  return label


def features(tfds_name: str, data_dir: Optional[str], image_feature: str = "image",
             label_feature: str = "label"):
  """(the image feature, the ClassLabel feature or None) of a tfds dataset.

  Raises:
    TfdsDataError: naming the dataset's features, if ``image_feature`` is not an image
      feature of it, or ``label_feature`` (other than the default "label") is not a
      ClassLabel feature of it.
  """
  spec = info(tfds_name, data_dir).features
  image = spec[image_feature] if image_feature in spec else None
  if not isinstance(image, tfds.features.Image):
    raise TfdsDataError(f"{tfds_name} has no image feature {image_feature!r} (its features: "
                        f"{sorted(spec.keys())}): pass --image_feature")
  return image, _label(tfds_name, spec, label_feature)


def image_shape(tfds_name: str, data_dir: Optional[str] = None, image_size: int = 0,
                crop_size: int = 0, channels: int = 0,
                image_feature: str = "image") -> Tuple[int, int, int]:
  """(H, W, C) of the examples: --image_size (or --crop_size) square, or the dataset's own
  size, in --image_channels or the dataset's own.

  Raises:
    TfdsDataError: see `features`; an own size that is not one square size, or an unknown
      channel count, where the flag that fixes it is not given.
  """
  image, _ = features(tfds_name, data_dir, image_feature, label_feature="")
  h, w, c = image.shape
  if not channels and c not in (1, 3):
    raise TfdsDataError(f"{tfds_name}'s {image_feature!r} images have {c} channels: pass "
                        "--image_channels=1 or 3")
  if crop_size and h is not None and w is not None and crop_size > min(h, w):
    raise TfdsDataError(f"{tfds_name}'s {image_feature!r} images are {h}x{w} (height x "
                        f"width), smaller than --crop_size={crop_size}")
  side = image_size or crop_size
  if not side:
    if h is None or h != w:
      raise TfdsDataError(f"{tfds_name}'s {image_feature!r} images are {h}x{w} (height x "
                          "width), not one square size: pass --image_size (and --crop_size)")
    side = h
  return (side, side, channels or c)


def num_classes(tfds_name: str, data_dir: Optional[str] = None,
                label_feature: str = "label") -> int:
  """The classes of the label feature (0 where the dataset has no "label").

  Raises:
    TfdsDataError: see `features`.
  """
  label = _label(tfds_name, info(tfds_name, data_dir).features, label_feature)
  return label.num_classes if label is not None else 0


def prepared_builder(tfds_name: str, data_dir: Optional[str] = None,
                     raw_data_dir: Optional[str] = None, manual_dir: Optional[str] = None):
  """The dataset's builder, prepared: built from the raw files in ``raw_data_dir`` where set
  (`raw.prepare_from_raw`: mnist, fashion_mnist), else downloaded by tfds (with
  ``manual_dir``: from the files placed there by hand) unless already prepared.

  Raises:
    raw.RawDataError: for bad raw files.
  """
  if raw_data_dir:
    return raw.prepare_from_raw(tfds_name, raw_data_dir, data_dir)
  builder = tfds.builder(tfds_name, data_dir=data_dir)
  if not builder.is_prepared():
    with locks.data_build(builder.data_dir_root, tfds_name):  # one build for concurrent runs
      # A new builder reads what another process may have built while this one waited.
      builder = tfds.builder(tfds_name, data_dir=data_dir)
      config = tfds.download.DownloadConfig(manual_dir=manual_dir) if manual_dir else None
      builder.download_and_prepare(download_config=config)
  return builder


def existing_split(builder, split: str) -> str:
  """``split``, or for a "test" the dataset lacks, its first split in TEST_FALLBACKS (the
  training split: its first TEST_SIZE examples); a dataset whose splits are not known yet,
  such as tfds' mock data, keeps ``split``."""
  known = set(builder.info.splits.keys())
  base = split.split("[")[0]
  if not known or base in known or base != "test":
    return split
  for name in TEST_FALLBACKS:
    if name in known:
      if name == "train" and split == "test":
        return f"train[:{TEST_SIZE}]"
      return name + split[len(base):]
  return split


def examples(tfds_name: str, split: str, data_dir: Optional[str] = None,
             raw_data_dir: Optional[str] = None, manual_dir: Optional[str] = None,
             image_size: int = 0, crop_size: int = 0, channels: int = 0,
             image_feature: str = "image", label_feature: str = "label") -> tf.data.Dataset:
  """One pass over a split, in file order: {"image": uint8 [H, W, C], "label": int64}.

  Args:
    tfds_name: NAME of tfds:NAME.
    split: a tfds split string ("test" falls back as `existing_split` says).
    data_dir, raw_data_dir, manual_dir: see `prepared_builder`.
    image_size, crop_size, channels, image_feature: see `image_shape`.
    label_feature: see `features`.
  """
  shape = image_shape(tfds_name, data_dir, image_size, crop_size, channels, image_feature)
  _, label = features(tfds_name, data_dir, image_feature, label_feature)
  builder = prepared_builder(tfds_name, data_dir, raw_data_dir, manual_dir)
  ds = builder.as_dataset(split=existing_split(builder, split), shuffle_files=False)
  size = image_size or crop_size

  def example(ex):
    image = transform.convert_channels(ex[image_feature], shape[-1])
    if size:
      image = transform.fit_image(image, size, crop_size)
    labels = tf.cast(ex[label_feature], tf.int64) if label is not None else tf.constant(
        0, tf.int64)
    return {"image": tf.ensure_shape(image, shape), "label": labels}
  return ds.map(example, num_parallel_calls=tf.data.AUTOTUNE)
