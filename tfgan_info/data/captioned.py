"""Captioned image datasets: {"image", "label", "captions", "facts"} examples.

- ``mnist_captions`` and ``fashion_mnist_captions``: every image of MNIST or Fashion-MNIST
  with CAPTIONS_PER_IMAGE captions of facts measured on it (`caption_text`), built offline
  from the same files as their sources. The attribute levels are binned with the training
  split's per-class tertiles; the training split leaves out every image with a held-out
  (class, attribute, level) combination (`caption_text.held_out`), the test split keeps all.
- a folder of the user's images, ``--dataset=folder:PATH`` (`image_folder`) with one
  ``<image name>.txt`` beside each image: its captions, one per non-empty line.

"captions" is one string holding an image's captions joined by `caption_text.SEPARATOR`
(a training step picks one: `pick_caption`); "facts" [A] int32 holds the attribute levels
(empty for a folder, whose captions are the user's).
"""

import os
import random
from typing import Dict, List, Optional, Tuple

import numpy as np
import tensorflow as tf

from tfgan_info.data import caption_text
from tfgan_info.data import image_folder

# Embedded captioned sets: name -> (source dataset, caption domain).
SOURCES = {"mnist_captions": ("mnist", "digits"),
           "fashion_mnist_captions": ("fashion_mnist", "fashion")}
EMBEDDED = tuple(sorted(SOURCES))
CAPTION_SUFFIX = ".txt"


class CaptionDataError(ValueError):
  """A captioned folder whose image lacks its caption file, or whose caption file is empty or
  unreadable."""


def is_embedded(name: str) -> bool:
  """Whether ``name`` is an embedded captioned set (a key of SOURCES)."""
  return name in SOURCES


def source_of(name: str) -> str:
  """The dataset whose images ``name`` captions (an embedded set's source; else ``name``)."""
  return SOURCES[name][0] if name in SOURCES else name


def domain_of(name: str) -> str:
  """The caption domain of an embedded set ("" for a folder: its captions are free text)."""
  return SOURCES[name][1] if name in SOURCES else ""


def _arrays(ds: tf.data.Dataset) -> Tuple[np.ndarray, np.ndarray]:
  images, labels = [], []
  for batch in ds.batch(10000):
    images.append(batch["image"].numpy())
    labels.append(batch["label"].numpy())
  return np.concatenate(images), np.concatenate(labels)


_BUILT: Dict[tuple, Dict[str, np.ndarray]] = {}


def _embedded(name: str, split: str, load_source, key=()) -> Dict[str, np.ndarray]:
  d = caption_text.domain(domain_of(name))
  images, labels = _arrays(load_source(split))
  values = caption_text.measure(d.name, images.astype(np.float64) / 127.5 - 1.0)
  if split == "train":  # the edges are the training split's tertiles (all its images)
    edges = caption_text.fit_bins(values, labels, d.num_classes)
  else:
    edges = embedded_arrays(name, "train", load_source, key)["edges"]
  facts = caption_text.levels(values, labels, edges)
  keep = np.ones(len(labels), bool)
  if split == "train":
    keep = ~caption_text.is_held_out(labels, facts, caption_text.held_out(d.name,
                                                                          caption_text.SEED))
  index = np.flatnonzero(keep)
  texts = caption_text.captions(d.name, labels[index], facts[index], caption_text.SEED, split,
                                indices=index)
  return {"image": images[index], "label": labels[index].astype(np.int64),
          "captions": np.array(texts, dtype=object), "facts": facts[index],
          "index": index, "edges": edges}


def embedded_arrays(name: str, split: str, load_source, key=()) -> Dict[str, np.ndarray]:
  """The examples of an embedded captioned set as arrays (built once per process and
  ``key``).

  Args:
    name: a key of SOURCES.
    split: "train" or "test".
    load_source: fn(split) -> the source's unbatched {"image", "label"} dataset.
    key: what tells the source's files apart (e.g. its data folders).

  Returns:
    {"image": uint8 [N, 28, 28, 1], "label": int64 [N], "captions": object [N] (str),
    "facts": int32 [N, A], "index": int [N] (each example's index in the source split),
    "edges": float [K, A, 2] (the training split's tertile edges)}.
  """
  if (name, split, key) not in _BUILT:
    _BUILT[(name, split, key)] = _embedded(name, split, load_source, key)
  return _BUILT[(name, split, key)]


def embedded_captions(name: str, split: str, load_source, key=(),
                      shuffle_seed: Optional[int] = None) -> tf.data.Dataset:
  """One pass over an embedded captioned set's split (see `embedded_arrays`), as unbatched
  {"image", "label", "captions", "facts"}; with ``shuffle_seed`` in a random order drawn
  from it (a new one each repetition)."""
  a = embedded_arrays(name, split, load_source, key)
  ds = tf.data.Dataset.from_tensor_slices(
      {"image": a["image"], "label": a["label"], "captions": a["captions"].astype(str),
       "facts": a["facts"]})
  if shuffle_seed is not None:
    ds = ds.shuffle(len(a["label"]), seed=shuffle_seed, reshuffle_each_iteration=True)
  return ds


def caption_file(image_path: str) -> str:
  """The caption file of an image: the same path with CAPTION_SUFFIX for its suffix."""
  return os.path.splitext(image_path)[0] + CAPTION_SUFFIX


def read_captions(image_path: str) -> str:
  """The captions of a folder image, its caption file's non-empty lines joined by
  `caption_text.SEPARATOR`.

  Raises:
    CaptionDataError: one line naming the file, if it is missing, unreadable, not UTF-8 or
      has no caption.
  """
  path = caption_file(image_path)
  try:
    with open(path, encoding="utf-8") as f:
      lines = [line.strip() for line in f.read().splitlines()]
  except FileNotFoundError:
    raise CaptionDataError(f"{path}: missing (each image of a captioned folder needs a "
                           f"{CAPTION_SUFFIX} file of captions, one per line)") from None
  except (OSError, UnicodeDecodeError) as e:
    raise CaptionDataError(f"{path}: cannot be read as UTF-8 text ({e})") from None
  lines = [line for line in lines if line]
  if not lines:
    raise CaptionDataError(f"{path}: holds no caption (one per non-empty line)")
  return caption_text.SEPARATOR.join(lines)


def captioned_layout(layout) -> bool:
  """Whether an `image_folder.Layout` is captioned: its first image has a caption file (then
  every image needs one)."""
  return bool(layout.files) and os.path.exists(caption_file(layout.files[0]))


def folder_extras(layout) -> Dict[str, List[str]]:
  """{"captions": each image's `read_captions`} for a captioned `image_folder.Layout`
  (`captioned_layout`), {} otherwise: the ``extras`` of `image_folder.examples`.

  Raises:
    CaptionDataError: see `read_captions`.
  """
  if not captioned_layout(layout):
    return {}
  return {"captions": [read_captions(path) for path in layout.files]}


def folder_captions(folder: str, split: str) -> List[str]:
  """The captions of every image of a split of folder:``folder``, in `image_folder.scan`
  order.

  Raises:
    CaptionDataError: see `read_captions` (the first bad file).
    image_folder.FolderDataError: see `image_folder.scan`.
  """
  layout = image_folder.scan(folder, split)
  if not captioned_layout(layout):
    raise CaptionDataError(f"{caption_file(layout.files[0])}: missing (a captioned folder has "
                           f"a {CAPTION_SUFFIX} file of captions beside each image)")
  return folder_extras(layout)["captions"]


def folder_vocabulary(folder: str) -> List[str]:
  """The words of a captioned folder's training captions (`caption_text.tokens`), sorted."""
  return sorted({w for text in folder_captions(folder, "train")
                 for w in caption_text.tokens(text)})


def vocabulary(name: str) -> List[str]:
  """The words the captions of dataset ``name`` can hold: an embedded set's domain
  vocabulary, or a captioned folder's training words (name: a key of SOURCES or
  folder:PATH).

  Raises:
    ValueError: for a dataset without captions.
  """
  if is_embedded(name):
    return caption_text.vocabulary(domain_of(name))
  if image_folder.is_folder(name):
    return folder_vocabulary(image_folder.folder_of(name))
  raise ValueError(f"{name} has no captions: use one of {list(EMBEDDED)} or "
                   f"{image_folder.PREFIX}PATH with a {CAPTION_SUFFIX} file beside each image")


def grid_captions(name: str, count: int = 8) -> List[str]:
  """Captions to draw during training: for an embedded set, class k (k < count) with attribute
  levels drawn from `caption_text.SEED`, odd rows asking for the class's held-out combination
  (`caption_text.held_out`); for a captioned folder, the first caption of each of its first
  ``count`` test images."""
  if image_folder.is_folder(name):
    texts = folder_captions(image_folder.folder_of(name), "test")[:count]
    return [t.split(caption_text.SEPARATOR)[0] for t in texts]
  d = caption_text.domain(domain_of(name))
  rng = random.Random(f"{caption_text.SEED}/grid")
  combos = {k: (a, v) for k, a, v in caption_text.held_out(d.name, caption_text.SEED)}
  out = []
  for row in range(count):
    k = row % d.num_classes
    levels = [rng.randrange(caption_text.LEVELS) for _ in d.attributes]
    a, v = combos[k]
    if row % 2:
      levels[a] = v
    elif levels[a] == v:
      levels[a] = 1
    out.append(caption_text.caption(d.name, k, levels, rng))
  return out


def pick_caption(captions, seed):
  """One caption of each example, uniformly among its lines.

  Args:
    captions: string [batch] (`caption_text.SEPARATOR`-joined captions).
    seed: [2] int32 stateless seed.

  Returns:
    string [batch].
  """
  lines = tf.strings.split(captions, caption_text.SEPARATOR)
  counts = tf.cast(lines.row_lengths(), tf.int32)
  u = tf.random.stateless_uniform(tf.shape(counts), seed)
  choice = tf.minimum(tf.cast(u * tf.cast(counts, tf.float32), tf.int32), counts - 1)
  return tf.gather(lines.values, tf.cast(lines.row_starts(), tf.int32) + choice)
