"""tensorflow-datasets pipelines that yield {"image", "label"} batches.

"dsprites" is rendered on the fly (`dsprites.as_dataset`): it needs no download and no files.
Its "label" is the shape class.

Beyond the named datasets: any tfds image dataset (``tfds:NAME``, `tfds_source`) and a folder
of the user's images (``folder:PATH``, `image_folder`), read as a `Source` says (the
--image_size, --crop_size, --image_channels, --image_feature, --label_feature and
--manual_dir flags); their shape and classes come from the data (`image_shape_of`,
`num_classes_of`).

Captioned datasets (`captioned`: mnist_captions, fashion_mnist_captions, and a folder:PATH
with a caption file beside each image) add "captions" and "facts" to each example.

Paired datasets (`paired`: edges2fashion_mnist, inpaint_mnist, paired:FOLDER) load the same
way; their "image" is a pair of images side by side, A|B, which a translation model splits
(`paired.split_pair`).
"""

import dataclasses
import hashlib
import os
import re
from typing import Optional, Tuple

import tensorflow as tf

from tfgan_info.data import captioned
from tfgan_info.data import dsprites
from tfgan_info.data import dsprites_variants
from tfgan_info.data import image_folder
from tfgan_info.data import paired
from tfgan_info.data import shapes3d
from tfgan_info.data import tfds_source
from tfgan_info.data import transform

# Offline builds exist for mnist and fashion_mnist (raw.RAW_FILES); the RGB sets need tfds'
# download (users with internet).
DATASETS = ("mnist", "fashion_mnist", "cifar10", "svhn_cropped", "celeb_a", "shapes3d",
            "dsprites") + dsprites_variants.VARIANTS + captioned.EMBEDDED
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
     "svhn_cropped": (32, 32, 3), "celeb_a": (64, 64, 3), "shapes3d": shapes3d.IMAGE_SHAPE,
     "dsprites": dsprites.IMAGE_SHAPE,
     **{name: dsprites_variants.IMAGE_SHAPE for name in dsprites_variants.VARIANTS},
     **{name: paired.pair_shape(name) for name in PAIRED_DATASETS},
     **{name: (28, 28, 1) for name in captioned.EMBEDDED}},
    paired.pair_shape(PAIRED_PREFIX + "folder"))
NUM_CLASSES = _ByName(
    {"mnist": 10, "fashion_mnist": 10, "cifar10": 10, "svhn_cropped": 10,
     "celeb_a": 0,  # 0: no class label (the "label" feature is 0)
     "shapes3d": shapes3d.FACTOR_SIZES[shapes3d.FACTOR_NAMES.index("shape")],
     "dsprites": len(dsprites.SHAPES),
     **{name: len(dsprites.SHAPES) for name in dsprites_variants.VARIANTS},
     **{name: 10 for name in PAIRED_DATASETS + captioned.EMBEDDED}},  # their sources' labels
    0)
# Datasets with ground-truth factors: the disentanglement metrics' `DSprites`-like data.
GROUND_TRUTH = {"dsprites": dsprites.DSprites,
                "color_dsprites": dsprites_variants.ColorDSprites,
                "noisy_dsprites": dsprites_variants.NoisyDSprites,
                "shapes3d": shapes3d.Shapes3D}
# Rendered on the fly: nothing to gain from an in-memory cache (dsprites' would take 3 GB).
RENDERED = ("dsprites",) + dsprites_variants.VARIANTS
CELEB_A_CROP = 108  # the central crop resized to 64x64, as in the DCGAN reference code
FOLDER_PREFIX = image_folder.PREFIX
TFDS_PREFIX = tfds_source.PREFIX
CHANNELS = (0, 1, 3)  # --image_channels: 0 keeps the data's own


@dataclasses.dataclass(frozen=True)
class Source:
  """How a folder:PATH or tfds:NAME dataset is read (the named datasets have fixed shapes).

  Attributes:
    image_size: the side images are fitted to (`transform.fit_image`); 0: crop_size, or the
      data's own.
    crop_size: the side of the central square cropped first; 0: the largest square.
    image_channels: 1 or 3 to convert every image; 0: the data's own.
    image_feature, label_feature: tfds:NAME's features holding the image and the class.
    manual_dir: tfds:NAME's ``manual_dir``, where files downloaded by hand are.
  """
  image_size: int = 0
  crop_size: int = 0
  image_channels: int = 0
  image_feature: str = "image"
  label_feature: str = "label"
  manual_dir: str = ""


def source_of(data_config) -> Source:
  """The `Source` fields of a `config.DataConfig` (or any object with its fields)."""
  return Source(**{f.name: getattr(data_config, f.name) for f in dataclasses.fields(Source)})


def is_open(name: str) -> bool:
  """Whether ``name`` is a folder:PATH or tfds:NAME dataset (shape and classes from the
  data)."""
  return image_folder.is_folder(name) or tfds_source.is_tfds(name)


def image_shape(name: str, source: Source = Source(), data_dir: Optional[str] = None
                ) -> Tuple[int, int, int]:
  """(H, W, C) of an example's "image" of dataset ``name`` read as ``source`` says.

  Raises:
    ValueError: see `check_dataset`; `image_folder.FolderDataError` or
      `tfds_source.TfdsDataError` for a folder or a tfds dataset that cannot give it.
  """
  check_dataset(name, source=source)
  s = source
  if image_folder.is_folder(name):
    return image_folder.image_shape(image_folder.folder_of(name), s.image_size, s.crop_size,
                                    s.image_channels)
  if tfds_source.is_tfds(name):
    return tfds_source.image_shape(tfds_source.name_of(name), data_dir, s.image_size,
                                   s.crop_size, s.image_channels, s.image_feature)
  return tuple(IMAGE_SHAPES[name])


def num_classes(name: str, source: Source = Source(), data_dir: Optional[str] = None) -> int:
  """The number of classes of dataset ``name`` (0: no class labels).

  Raises:
    As `image_shape`.
  """
  check_dataset(name, source=source)
  if image_folder.is_folder(name):
    return image_folder.num_classes(image_folder.folder_of(name))
  if tfds_source.is_tfds(name):
    return tfds_source.num_classes(tfds_source.name_of(name), data_dir, source.label_feature)
  return NUM_CLASSES[name]


def image_shape_of(data_config) -> Tuple[int, int, int]:
  """`image_shape` of a run's dataset (``data_config``: its `config.DataConfig`)."""
  return image_shape(data_config.dataset, source_of(data_config),
                     data_config.data_dir or None)


def num_classes_of(data_config) -> int:
  """`num_classes` of a run's dataset (``data_config``: its `config.DataConfig`)."""
  return num_classes(data_config.dataset, source_of(data_config), data_config.data_dir or None)


def file_name(name: str, source: Source = Source()) -> str:
  """A file and folder name for dataset ``name`` read as ``source`` says (e.g. its domain
  classifier's folder runs/classifier_<file_name>): a named dataset's name; for tfds:NAME
  tfds_<NAME>, for folder:PATH folder_<the folder's own name>, each followed by 8 hex digits
  of a hash of the folder's absolute path (or NAME) and the `Source`, so that two folders or
  two image sizes never share a name. Characters other than letters, digits, '.', '-' and
  '_' become '_'."""
  if not is_open(name):
    return name
  if tfds_source.is_tfds(name):
    base, identity = "tfds_" + tfds_source.name_of(name), name
  else:
    folder = image_folder.folder_of(name)
    base = "folder_" + os.path.basename(os.path.normpath(folder))
    identity = os.path.abspath(folder)
  digest = hashlib.sha256(repr((identity, dataclasses.astuple(source))).encode()).hexdigest()
  return re.sub(r"[^A-Za-z0-9._-]", "_", f"{base}_{digest[:8]}")


def to_example(name: str, ex):
  """A tfds example of dataset ``name`` -> {"image": uint8 IMAGE_SHAPES[name], "label": int64}."""
  if name == "celeb_a":
    return {"image": transform.fit_image(ex["image"], IMAGE_SHAPES[name][0], CELEB_A_CROP),
            "label": tf.constant(0, tf.int64)}
  if name == "dsprites":  # {0, 1} -> {0, 255}; the shape is the label
    return {"image": ex["image"] * tf.constant(255, tf.uint8), "label": ex["label_shape"]}
  if name in dsprites_variants.VARIANTS or name == "shapes3d":  # the shape is the label
    return {"image": ex["image"], "label": ex["label_shape"]}
  return {"image": ex["image"], "label": tf.cast(ex["label"], tf.int64)}


def output_domain(name: str, direction: str = "AtoB") -> Optional[str]:
  """The dataset whose domain classifier judges a model's outputs: a paired dataset's target
  source (`paired.output_domain`), a captioned set's source, or ``name`` itself (None where
  there is none)."""
  if captioned.is_embedded(name):
    return captioned.source_of(name)
  return paired.output_domain(name, direction)


def check_dataset(name: str, direction: str = "AtoB", source: Source = Source()):
  """Raises ValueError for a --dataset that names no dataset, a --direction other than AtoB
  for a dataset without pairs (which would ignore it), or a `Source` setting other than its
  default for a dataset it does not apply to (the named ones: their shapes are fixed)."""
  paired.check_direction(direction)
  if paired.is_folder(name):
    paired.folder_of(name)
  elif image_folder.is_folder(name):
    image_folder.folder_of(name)
  elif tfds_source.is_tfds(name):
    tfds_source.name_of(name)
  elif name not in DATASETS and name not in PAIRED_DATASETS:
    raise ValueError(f"Unknown dataset {name!r}: use one of {DATASETS + PAIRED_DATASETS}, "
                     f"{FOLDER_PREFIX}/path/to/images, {TFDS_PREFIX}NAME (any tfds image "
                     f"dataset) or {PAIRED_PREFIX}/path/to/pairs")
  if direction != "AtoB" and not paired.is_paired(name):
    raise ValueError(f"--direction={direction} is for paired datasets; {name} has no pairs")
  if source.image_channels not in CHANNELS:
    raise ValueError(f"--image_channels must be one of {list(CHANNELS)}, got "
                     f"{source.image_channels}")
  if source.image_size < 0 or source.crop_size < 0:
    raise ValueError("--image_size and --crop_size must be >= 0")
  changed = [f"--{f.name}" for f in dataclasses.fields(Source)
             if getattr(source, f.name) != f.default]
  folder = image_folder.is_folder(name)
  tfds_only = ("--image_feature", "--label_feature", "--manual_dir")
  refused = [] if tfds_source.is_tfds(name) else [
      c for c in changed if not folder or c in tfds_only]
  if refused:
    kinds = f"{TFDS_PREFIX}NAME" if folder else f"{FOLDER_PREFIX}PATH and {TFDS_PREFIX}NAME"
    hint = (f"; {TFDS_PREFIX}{name} reads {name} with them"
            if name in DATASETS and name not in RENDERED else "")
    raise ValueError(f"{', '.join(refused)}: for {kinds} datasets only, not {name}{hint}")


def load(name: str, split: str, data_dir: Optional[str] = None,
         raw_data_dir: Optional[str] = None, shuffle_seed: Optional[int] = None,
         source: Source = Source()) -> tf.data.Dataset:
  """Loads a split of an image dataset as unbatched {"image": uint8, "label": int64}.

  Args:
    name: a tfds name in DATASETS, a name in PAIRED_DATASETS (built from its source in
      DATASETS, `paired.embedded_pairs`), paired:FOLDER (`paired.folder_pairs`), tfds:NAME
      (`tfds_source.examples`) or folder:PATH (`image_folder.examples`).
    split: "train" or "test" (any tfds split string; dsprites: `dsprites.split_indices`; a
      folder: its subfolder).
    data_dir: tfds data folder (None: tfds' default, ~/tensorflow_datasets).
    raw_data_dir: if set, build offline from the original raw files found there
      (see `raw.prepare_from_raw`); if None, tfds downloads them. Unused by dsprites.
    shuffle_seed: dsprites and folders only: visit the examples in a full random order
      drawn from this seed (a new one each repetition) instead of index order. tfds sets keep
      their file order.
    source: how a tfds:NAME or folder:PATH dataset is read.

  Raises:
    ValueError: for an unknown dataset name; `raw.RawDataError` for bad raw files;
      `paired.PairedDataError` for a bad paired folder or file;
      `image_folder.FolderDataError` for a bad image folder or file;
      `tfds_source.TfdsDataError` for a tfds dataset without the features named.
  """
  check_dataset(name, source=source)
  s = source
  if paired.is_folder(name):
    return paired.folder_pairs(name, split, shuffle_seed)
  if image_folder.is_folder(name):
    return image_folder.examples(image_folder.folder_of(name), split, s.image_size,
                                 s.crop_size, s.image_channels, shuffle_seed,
                                 extras=captioned.folder_extras)
  if tfds_source.is_tfds(name):
    return tfds_source.examples(tfds_source.name_of(name), split, data_dir, raw_data_dir,
                                s.manual_dir or None, s.image_size, s.crop_size,
                                s.image_channels, s.image_feature, s.label_feature)
  if captioned.is_embedded(name):
    return captioned.embedded_captions(
        name, split, lambda part: load(captioned.source_of(name), part, data_dir, raw_data_dir),
        key=(data_dir, raw_data_dir), shuffle_seed=shuffle_seed)
  if name in PAIRED_DATASETS:
    source = load(paired.SOURCES[name], split, data_dir, raw_data_dir)
    return paired.embedded_pairs(name, source, split)
  if name in RENDERED:
    ds = (dsprites.as_dataset(split, shuffle_seed) if name == "dsprites"
          else dsprites_variants.as_dataset(name, split, shuffle_seed))
    return ds.map(lambda ex: to_example(name, ex), num_parallel_calls=tf.data.AUTOTUNE)
  builder = tfds_source.prepared_builder(name, data_dir, raw_data_dir)
  ds = builder.as_dataset(split=tfds_source.existing_split(builder, split),
                          shuffle_files=False)
  return ds.map(lambda ex: to_example(name, ex), num_parallel_calls=tf.data.AUTOTUNE)


def train_split(data_config, seed: int) -> tf.data.Dataset:
  """The training split of a run's dataset (``data_config``: its `config.DataConfig`), in the
  run's seeded shuffled order (``seed``: --seed; see `load`'s ``shuffle_seed``)."""
  dc = data_config
  return load(dc.dataset, "train", dc.data_dir or None, dc.raw_data_dir or None,
              shuffle_seed=seed, source=source_of(dc))


def scale_images(images, value_range: Tuple[float, float] = (-1.0, 1.0)):
  """uint8 images in [0, 255] -> float32 in ``value_range`` (the generator's output range)."""
  lo, hi = value_range
  return tf.cast(images, tf.float32) * ((hi - lo) / 255.0) + lo


def pipeline(ds: tf.data.Dataset, batch_size: int, *, shuffle: bool = True, seed: int = 0,
             repeat: bool = True, cache: bool = True, drop_remainder: bool = True,
             value_range: Tuple[float, float] = (-1.0, 1.0),
             shuffle_buffer: int = 60000, features: Tuple[str, ...] = ("label",)
             ) -> tf.data.Dataset:
  """Cache, shuffle, repeat, batch, scale and prefetch an unbatched {"image", "label"} set.

  Args:
    ds: unbatched dataset with uint8 "image" [H, W, C] and int "label".
    batch_size: batch size (the global one when distributed).
    shuffle: shuffle with ``seed`` (reshuffled each epoch, reproducibly).
    repeat: repeat forever (training); False gives one pass.
    cache: cache the decoded uint8 examples in memory after the first pass.
    drop_remainder: drop the last partial batch (static shapes for XLA).
    value_range: the float range images are scaled to.
    features: the features kept beside "image", unchanged (e.g. a captioned set's
      "captions").

  Returns:
    Dataset of {"image": float32 [batch, H, W, C], "label": int64 [batch]} (the
    ``features``).

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
                          **{name: ex[name] for name in features}},
              num_parallel_calls=tf.data.AUTOTUNE)
  return ds.prefetch(tf.data.AUTOTUNE)
