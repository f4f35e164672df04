"""A folder of the user's own images as a dataset: ``--dataset=folder:/path/to/images``.

Layout (as `keras.utils.image_dataset_from_directory` and torchvision's ImageFolder read it):

- FOLDER/<class>/.../*.png|jpg|jpeg: each subfolder is a class, labelled 0, 1, ... in the
  sorted order of the subfolder names (`Layout.class_names`);
- FOLDER/*.png|jpg|jpeg: images without classes (every label 0; models that need labels,
  cGAN and ss-InfoGAN, refuse such a folder);
- FOLDER/train/ and FOLDER/test/ (or val/) as FOLDER's only subfolders, each laid out as
  above with the same classes: the two splits. Otherwise FOLDER is the training split, and
  its "test" split is a fixed random sample of at most TEST_SIZE of its images (seed 0), the
  images evaluation compares with.

Files whose names end in another suffix (and hidden files) are not images and are skipped.
Every image file is read whole with Pillow when a split is first scanned
(`image_files.inspect`, in threads), so an empty, unreadable, cut short or corrupt file, a
folder without images, or a folder that mixes grey and colour images (without
--image_channels), stops the run with one line that names the file before the run writes
anything.

Each image is decoded by TensorFlow (`tf.io.decode_image`) to the folder's channels (1: grey,
3: RGB; alpha is dropped) and fitted to --image_size (`transform.fit_image`: its central
square, or a --crop_size square, resized).
"""

import concurrent.futures
import dataclasses
import functools
import os
from typing import List, Optional, Tuple

import numpy as np
import tensorflow as tf

from tfgan_info.data import image_files
from tfgan_info.data import transform

PREFIX = "folder:"
SUFFIXES = (".png", ".jpg", ".jpeg")
TEST_FOLDERS = ("test", "val")
TEST_SIZE = 10000  # a folder without test/: the test split samples at most this many images
SCAN_THREADS = 8  # Pillow decodes outside the GIL


class FolderDataError(ValueError):
  """An image folder that is missing, holds no images, or holds a file that cannot be used."""


def is_folder(name: str) -> bool:
  """Whether ``name`` is a folder:PATH dataset."""
  return name.startswith(PREFIX)


def folder_of(name: str) -> str:
  """PATH of ``folder:PATH``.

  Raises:
    ValueError: if the path part is empty.
  """
  folder = name[len(PREFIX):]
  if not folder:
    raise ValueError(f"--dataset={name} names no folder: write --dataset=folder:/path/to/images")
  return folder


@dataclasses.dataclass(frozen=True)
class Layout:
  """One split of an image folder, scanned and checked.

  Attributes:
    files: the image files, sorted by class, then by path.
    labels: each file's class index (0 for a folder without classes).
    class_names: the class subfolders' names, sorted (empty: no classes).
    sizes: each file's (height, width).
    channels: each file's channel count (1 grey, 3 colour).
  """
  files: Tuple[str, ...]
  labels: Tuple[int, ...]
  class_names: Tuple[str, ...]
  sizes: Tuple[Tuple[int, int], ...]
  channels: Tuple[int, ...]


def _subfolders(path: str) -> List[str]:
  return sorted(e for e in os.listdir(path)
                if not e.startswith(".") and os.path.isdir(os.path.join(path, e)))


def has_splits(folder: str) -> bool:
  """Whether FOLDER is laid out as splits: train/ beside test/ or val/ (or alone), and no
  other subfolder (a class folder named "train" among other classes is a class).

  Raises:
    FolderDataError: if FOLDER does not exist.
  """
  if not os.path.isdir(folder):
    raise FolderDataError(f"Image folder {folder} does not exist")
  subfolders = set(_subfolders(folder))
  return "train" in subfolders and subfolders <= {"train", *TEST_FOLDERS}


def split_root(folder: str, split: str) -> str:
  """The folder that holds ``split``'s images: FOLDER/train or FOLDER/test (or val) when
  FOLDER `has_splits`, otherwise FOLDER itself for every split (`scan` samples its test
  split).

  Raises:
    FolderDataError: if FOLDER does not exist, or has splits but not ``split``.
  """
  if not has_splits(folder):
    return folder
  names = (split,) + (TEST_FOLDERS if split == "test" else ())
  for name in names:
    if os.path.isdir(os.path.join(folder, name)):
      return os.path.join(folder, name)
  if split == "test":  # train/ alone: the training images stand in, as without splits
    return os.path.join(folder, "train")
  raise FolderDataError(f"Image folder {folder} has no {split}/ subfolder")


def _is_image(name: str) -> bool:
  return not name.startswith(".") and name.lower().endswith(SUFFIXES)


def _images_under(path: str) -> List[str]:
  """Image files anywhere under ``path``, sorted (hidden folders skipped)."""
  found = []
  for root, dirs, names in os.walk(path):
    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    found.extend(os.path.join(root, n) for n in names if _is_image(n))
  return sorted(found)


def _inspect(path: str) -> Tuple[int, int, int]:
  width, height, channels = image_files.inspect(path, "Image")
  return height, width, (1 if channels in (1, 2) else 3)  # grey (+ alpha) or colour


@functools.lru_cache(maxsize=16)
def _scan_root(root: str) -> Layout:
  """The `Layout` of the images under ``root`` (one split), every file read whole once."""
  entries = sorted(e for e in os.listdir(root) if not e.startswith("."))
  direct = [os.path.join(root, e) for e in entries
            if _is_image(e) and os.path.isfile(os.path.join(root, e))]
  subfolders = _subfolders(root)
  if direct and subfolders:
    raise FolderDataError(
        f"Image folder {root} holds images ({os.path.basename(direct[0])}) and subfolders "
        f"({subfolders[0]}/): put every image in a class subfolder, or none")
  files, labels, class_names = list(direct), [0] * len(direct), ()
  if subfolders:
    class_names = tuple(subfolders)
    for index, name in enumerate(class_names):
      found = _images_under(os.path.join(root, name))
      if not found:
        raise FolderDataError(f"Class folder {os.path.join(root, name)} holds no "
                              f"{'/'.join(SUFFIXES)} images")
      files.extend(found)
      labels.extend([index] * len(found))
  if not files:
    raise FolderDataError(f"Image folder {root} holds no {'/'.join(SUFFIXES)} images")
  pool = concurrent.futures.ThreadPoolExecutor(SCAN_THREADS)
  try:
    shapes = list(pool.map(_inspect, files))
  except image_files.ImageFileError as e:
    raise FolderDataError(str(e)) from e
  finally:
    pool.shutdown(cancel_futures=True)  # the first bad file ends the scan
  return Layout(tuple(files), tuple(labels), class_names,
                tuple((h, w) for h, w, _ in shapes), tuple(c for _, _, c in shapes))


def _sample(layout: Layout, size: int) -> Layout:
  """A fixed random sample (seed 0) of at most ``size`` of a layout's files, in its order."""
  if len(layout.files) <= size:
    return layout
  keep = np.sort(np.random.default_rng(0).choice(len(layout.files), size, replace=False))
  return Layout(files=tuple(layout.files[i] for i in keep),
                labels=tuple(layout.labels[i] for i in keep), class_names=layout.class_names,
                sizes=tuple(layout.sizes[i] for i in keep),
                channels=tuple(layout.channels[i] for i in keep))


def clear_cache():
  """Forgets the folders read so far, so that the next `scan` reads their files again."""
  _scan_root.cache_clear()


def scan(folder: str, split: str = "train") -> Layout:
  """The files, labels and classes of one split of an image folder, each file read whole.

  Args:
    folder: PATH of folder:PATH.
    split: "train", "test" (test/, val/, or a fixed sample of the training images) or
      another split subfolder.

  Returns:
    The split's `Layout` (a process reads each folder once).

  Raises:
    FolderDataError: one line naming the folder or the file: no such folder; no images;
      images both directly in the folder and in subfolders; a class subfolder without
      images; a test split whose classes differ from the training split's; a file that is
      empty, unreadable, not a PNG / JPEG, cut short or corrupt.
  """
  root = split_root(folder, split)
  layout = _scan_root(root)
  if split == "train":
    return layout
  train = _scan_root(split_root(folder, "train"))
  if root == split_root(folder, "train"):
    return _sample(layout, TEST_SIZE)
  if train.class_names != layout.class_names:
    raise FolderDataError(
        f"Image folder {root}'s classes {list(layout.class_names)} differ from the training "
        f"split's {list(train.class_names)}")
  return layout


def channels_of(layout: Layout, requested: int = 0) -> int:
  """The channels the images decode to: ``requested`` (1 or 3) when set, else the files' own.

  Raises:
    FolderDataError: naming a grey and a colour file, if the files mix them and nothing was
      requested.
  """
  if requested:
    return requested
  if len(set(layout.channels)) > 1:
    grey = layout.files[layout.channels.index(1)]
    colour = layout.files[layout.channels.index(3)]
    raise FolderDataError(f"Image folder mixes grey and colour images ({grey} is grey, "
                          f"{colour} colour): pass --image_channels=1 or 3 to convert them all")
  return layout.channels[0]


def _check_sizes(folder: str, layout: Layout, image_size: int, crop_size: int, side: int):
  """Raises FolderDataError naming a file of ``layout`` smaller than ``crop_size``, or, with
  no image_size and no crop_size, one that is not ``side`` x ``side``."""
  for file, (h, w) in zip(layout.files, layout.sizes):
    if crop_size and min(h, w) < crop_size:
      raise FolderDataError(f"Image {file} is {w}x{h}, smaller than --crop_size={crop_size}")
    if not (image_size or crop_size) and (h, w) != (side, side):
      first = layout.files[0]
      raise FolderDataError(
          f"Images of folder {folder} are not of one square size ({first} is "
          f"{layout.sizes[0][1]}x{layout.sizes[0][0]}, {file} {w}x{h}): pass --image_size "
          "(and --crop_size) to fit them")


def image_shape(folder: str, image_size: int = 0, crop_size: int = 0,
                channels: int = 0) -> Tuple[int, int, int]:
  """(H, W, C) of the examples of folder:``folder`` (its training split decides).

  Args:
    folder: PATH of folder:PATH.
    image_size: the side the images are fitted to (0: ``crop_size``, or the files' own,
      which must then be one square size).
    crop_size: the side of the central square cropped before the resize (0: the largest).
    channels: 1 or 3 to convert every image; 0: the files' own (one count).

  Raises:
    FolderDataError: see `scan` and `channels_of`; files of several sizes, or of one
      non-square size, with neither image_size nor crop_size; a file smaller than the crop.
  """
  layout = scan(folder, "train")
  c = channels_of(layout, channels)
  h, w = layout.sizes[0]
  if not (image_size or crop_size or h == w):
    raise FolderDataError(f"Image {layout.files[0]} is {w}x{h}, not square: pass --image_size "
                          "(and --crop_size) to fit the images of its folder")
  side = image_size or crop_size or h
  _check_sizes(folder, layout, image_size, crop_size, side)
  return (side, side, c)


def num_classes(folder: str) -> int:
  """The number of class subfolders of folder:``folder`` (0: images without classes)."""
  return len(scan(folder, "train").class_names)


def examples(folder: str, split: str, image_size: int = 0, crop_size: int = 0,
             channels: int = 0, shuffle_seed: Optional[int] = None,
             extras=None) -> tf.data.Dataset:
  """One pass over a split of folder:``folder``: {"image": uint8 [H, W, C], "label": int64}.

  Args:
    folder, image_size, crop_size, channels: see `image_shape`.
    split: see `scan`.
    shuffle_seed: None: the files in `scan`'s order; an int: in a random order drawn from it
      (a new one each repetition), shuffled as file names before decoding.
    extras: None, or fn(layout) -> {feature: one value per file of the `scan` layout}:
      further features of each example (e.g. its captions).

  Raises:
    FolderDataError: see `image_shape` (the test split: also `scan`'s checks of its files).
  """
  shape = image_shape(folder, image_size, crop_size, channels)
  layout = scan(folder, split)
  _check_sizes(folder, layout, image_size, crop_size, shape[0])
  size = image_size or crop_size
  more = dict(extras(layout)) if extras else {}
  ds = tf.data.Dataset.from_tensor_slices(
      (list(layout.files), tf.constant(layout.labels, tf.int64), more))
  if shuffle_seed is not None:
    ds = ds.shuffle(len(layout.files), seed=shuffle_seed, reshuffle_each_iteration=True)

  def decode(path, label, further):
    image = tf.io.decode_image(tf.io.read_file(path), channels=shape[-1],
                               expand_animations=False)
    if size:
      image = transform.fit_image(image, size, crop_size)
    return {"image": tf.ensure_shape(image, shape), "label": label, **further}
  return ds.map(decode, num_parallel_calls=tf.data.AUTOTUNE)
