"""Offline builds of tensorflow-datasets datasets from the publishers' raw gzip files.

`prepare_from_raw("mnist", raw_dir, data_dir)` checks the four original files against their
published SHA-256 and builds the tfds dataset "mnist" (same name, version, features, split
names and example keys as tfds' own builder, so the same record files) into ``data_dir``
from them: an offline machine gets exactly what `tfds.load("mnist")` gives a machine with
internet (tests/data/raw_test.py compares the two builds on the original files). The sizes
come from the files' idx headers, so MNIST-format files other than the originals (the
synthetic files the tests write on a machine without the originals) build the same way with
``verify_checksums=False``.
"""

import contextlib
import gzip
import hashlib
import io
import os
import struct
import sys
import zlib
from typing import Dict

import numpy as np
import tensorflow_datasets as tfds

from tfgan_info import locks

# Published checksums (also checked by the tfds and torchvision loaders).
RAW_FILES: Dict[str, Dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte.gz":
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz":
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz":
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz":
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
    "fashion_mnist": {
        "train-images-idx3-ubyte.gz":
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz":
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz":
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz":
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    },
}


class RawDataError(ValueError):
  """A raw data folder is missing a file or holds a wrong or corrupt one."""


# idx magic numbers: 0x00000803 (uint8, 3 dimensions) for images, 0x00000801 for labels.
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
# The split each raw file belongs to, and whether it holds images or labels.
SPLIT_FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
               "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}


def _sha256(path: str) -> str:
  digest = hashlib.sha256()
  with open(path, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
      digest.update(chunk)
  return digest.hexdigest()


def raw_folder(name: str, raw_dir: str) -> str:
  """The folder with ``name``'s files: ``raw_dir/name`` if it exists, else ``raw_dir``."""
  sub = os.path.join(raw_dir, name)
  return sub if os.path.isdir(sub) else raw_dir


def read_idx(path: str, magic: int) -> np.ndarray:
  """The uint8 array of a gzip-compressed idx file (LeCun's MNIST format).

  Args:
    path: an ``*-idx3-ubyte.gz`` (images, magic 2051: [N, rows, cols]) or
      ``*-idx1-ubyte.gz`` (labels, magic 2049: [N]) file.
    magic: the expected magic number.

  Returns:
    uint8 [N, rows, cols] or [N].

  Raises:
    RawDataError: naming the file, if it is not gzip, has another magic number or holds
      fewer or more bytes than its header says.
  """
  try:
    with gzip.open(path, "rb") as f:
      data = f.read()
  except (OSError, EOFError, zlib.error) as e:
    raise RawDataError(f"Raw file {path} is not a readable gzip file ({e}): replace it "
                       "with the original") from e
  ndim = magic & 0xFF
  if len(data) < 4 + 4 * ndim or struct.unpack(">I", data[:4])[0] != magic:
    raise RawDataError(f"Raw file {path} is not an idx file of {ndim} dimension(s) (magic "
                       f"{magic} expected): replace it with the original")
  shape = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
  body = data[4 + 4 * ndim:]
  if len(body) != int(np.prod(shape)):
    raise RawDataError(f"Raw file {path} holds {len(body)} bytes after its header, its "
                       f"header says {'x'.join(map(str, shape))}: replace it with the original")
  return np.frombuffer(body, np.uint8).reshape(shape)


def verify_raw_files(name: str, raw_dir: str, verify_checksums: bool = True) -> str:
  """Checks that the raw files of dataset ``name`` are present and intact.

  Args:
    name: "mnist" or "fashion_mnist".
    raw_dir: a folder holding the four gzip files, or a parent with a ``name`` subfolder.
    verify_checksums: compare each file's SHA-256 with the published one (False: any
      MNIST-format files, e.g. synthetic test data; the idx contents are checked when the
      dataset is built).

  Returns:
    The folder that holds the files.

  Raises:
    RawDataError: with a one-line message naming the file that is missing, not gzip, or
      whose SHA-256 differs from the published one.
  """
  if name not in RAW_FILES:
    raise RawDataError(f"No offline build for dataset {name!r}: offline builds exist for "
                       f"{sorted(RAW_FILES)}; leave --raw_data_dir empty to use tfds")
  if not os.path.isdir(raw_dir):
    raise RawDataError(f"--raw_data_dir {raw_dir!r} is not a folder")
  folder = raw_folder(name, raw_dir)
  for filename, expected in RAW_FILES[name].items():
    path = os.path.join(folder, filename)
    if not os.path.isfile(path):
      raise RawDataError(f"Missing raw file {path}: {name} needs the four original gzip files "
                         f"{sorted(RAW_FILES[name])}")
    with open(path, "rb") as f:
      if f.read(2) != b"\x1f\x8b":
        raise RawDataError(f"Raw file {path} is not a gzip file: replace it with the original")
    if not verify_checksums:
      continue
    actual = _sha256(path)
    if actual != expected:
      raise RawDataError(f"Raw file {path} is corrupt or not the original: sha256 {actual}, "
                         f"expected {expected}")
  return folder


def _split_arrays(folder: str, split: str, num_classes: int):
  """(images uint8 [N, 28, 28, 1], labels int64 [N]) of one split's two raw files."""
  image_file, label_file = (os.path.join(folder, f) for f in SPLIT_FILES[split])
  images = read_idx(image_file, IMAGE_MAGIC)
  labels = read_idx(label_file, LABEL_MAGIC)
  if images.shape[1:] != (28, 28):
    raise RawDataError(f"Raw file {image_file} holds {images.shape[1]}x{images.shape[2]} "
                       "images, expected 28x28")
  if len(images) != len(labels):
    raise RawDataError(f"Raw files {image_file} and {label_file} disagree: {len(images)} "
                       f"images, {len(labels)} labels")
  if len(labels) and labels.max() >= num_classes:
    raise RawDataError(f"Raw file {label_file} holds label {labels.max()}, expected labels "
                       f"in [0, {num_classes})")
  return images[..., None], labels.astype(np.int64)


def offline_builder(name: str, folder: str, data_dir: str) -> tfds.core.DatasetBuilder:
  """tfds' builder of ``name`` (mnist, fashion_mnist) that reads the raw files in ``folder``.

  It is tfds' own class with the download replaced by the local files and the example
  counts read from the idx headers: the same name, version, features, splits and example
  keys (the index), so its records are those of tfds' build from the same files.
  """
  base = tfds.builder_cls(name)

  class OfflineBuilder(base, skip_registration=True):  # pylint: disable=missing-docstring
    name = base.name

    def _split_generators(self, dl_manager):
      del dl_manager
      return [tfds.core.SplitGenerator(name=split, gen_kwargs={"split": split})
              for split in SPLIT_FILES]

    def _generate_examples(self, split):  # pylint: disable=arguments-differ
      num_classes = self.info.features["label"].num_classes
      images, labels = _split_arrays(folder, split, num_classes)
      for index, (image, label) in enumerate(zip(images, labels)):
        yield index, {"image": image, "label": label}

  return OfflineBuilder(data_dir=data_dir)


def prepare_from_raw(name: str, raw_dir: str, data_dir: str,
                     verify_checksums: bool = True) -> tfds.core.DatasetBuilder:
  """Verifies the raw files and builds the tfds dataset ``name`` into ``data_dir`` from them.

  Does nothing but verify when ``data_dir`` already holds the prepared dataset. Processes
  that build the same dataset at once take turns (`locks.data_build`): one builds, the
  others wait and then read its build.

  Args:
    name: "mnist" or "fashion_mnist".
    raw_dir: the folder of the four gzip files (or its parent).
    data_dir: the tfds data folder (None: tfds' default).
    verify_checksums: see `verify_raw_files`.

  Returns:
    The prepared `tfds.core.DatasetBuilder`.

  Raises:
    RawDataError: for a missing, corrupt or malformed raw file (one line, naming it).
  """
  folder = verify_raw_files(name, raw_dir, verify_checksums)
  builder = offline_builder(name, folder, data_dir)
  if builder.is_prepared():
    return builder
  with locks.data_build(builder.data_dir_root, name):
    # Another process may have built it while this one waited for the lock.
    builder = offline_builder(name, folder, data_dir)
    if builder.is_prepared():
      return builder
    # One line instead of tfds' "Downloading and preparing" (nothing is downloaded) and its
    # progress bars; the build takes about 30 s for MNIST on a 2-core CPU.
    print(f"Building the tfds dataset {name} from the raw files in {folder} into "
          f"{builder.data_dir} (once)", file=sys.stderr, flush=True)
    with contextlib.redirect_stdout(io.StringIO()):
      tfds.disable_progress_bar()
      try:
        builder.download_and_prepare(
            download_config=tfds.download.DownloadConfig(try_download_gcs=False))
      finally:
        tfds.enable_progress_bar()
  return builder
