"""Offline builds of tensorflow-datasets datasets from the publishers' raw gzip files.

`prepare_from_raw("mnist", raw_dir, data_dir)` checks the four original files against their
published SHA-256 and then lets tfds build the real dataset from them (its manual_dir), so an
offline machine gets exactly what `tfds.load("mnist")` gives a machine with internet.
"""

import gzip
import hashlib
import os
from typing import Dict

import tensorflow_datasets as tfds

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


def verify_raw_files(name: str, raw_dir: str) -> str:
  """Checks that the raw files of dataset ``name`` are present and intact.

  Args:
    name: "mnist" or "fashion_mnist".
    raw_dir: a folder holding the four gzip files, or a parent with a ``name`` subfolder.

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
    actual = _sha256(path)
    if actual != expected:
      raise RawDataError(f"Raw file {path} is corrupt or not the original: sha256 {actual}, "
                         f"expected {expected}")
  return folder


def prepare_from_raw(name: str, raw_dir: str, data_dir: str) -> tfds.core.DatasetBuilder:
  """Verifies the raw files and builds the tfds dataset ``name`` into ``data_dir`` from them.

  Does nothing but verify when ``data_dir`` already holds the prepared dataset.

  Returns:
    The prepared `tfds.core.DatasetBuilder`.
  """
  folder = verify_raw_files(name, raw_dir)
  builder = tfds.builder(name, data_dir=data_dir)
  try:
    builder.download_and_prepare(
        download_config=tfds.download.DownloadConfig(manual_dir=folder))
  except (gzip.BadGzipFile, EOFError, OSError) as e:  # pragma: no cover - checksums catch it
    raise RawDataError(f"Could not build {name} from {folder}: {e}") from e
  return builder
