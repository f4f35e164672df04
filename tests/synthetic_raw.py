"""Small, valid MNIST-format raw files for a machine without the original ones.

`write_raw_files(folder)` writes the four gzip idx files of "mnist" and "fashion_mnist" into
``folder/<name>/``, in LeCun's format (magic 2051 / 2049, big-endian sizes, uint8 pixels),
so `data.raw.prepare_from_raw(..., verify_checksums=False)` builds real tfds datasets from
them. Each class is a glyph of a 5x7 bitmap font (digits for mnist, letters for
fashion_mnist), scaled to about 15x21 pixels, shifted, with random stroke intensity and a
little noise: ten classes a small network tells apart within a few hundred steps, as it does
real digits. Deterministic: the same files for the same arguments.
"""

import gzip
import os
import struct

import numpy as np

from tfgan_info.data import raw

FONT = {  # 5x7 glyphs: 7 rows of 5 columns, "1" = ink
    "0": ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    "1": ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    "2": ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    "3": ["11111", "00010", "00100", "00010", "00001", "10001", "01110"],
    "4": ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    "5": ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    "6": ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    "7": ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    "8": ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    "9": ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
    "A": ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
    "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "C": ["01110", "10001", "10000", "10000", "10000", "10001", "01110"],
    "D": ["11100", "10010", "10001", "10001", "10001", "10010", "11100"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
    "F": ["11111", "10000", "10000", "11110", "10000", "10000", "10000"],
    "G": ["01110", "10001", "10000", "10111", "10001", "10001", "01111"],
    "H": ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
    "I": ["01110", "00100", "00100", "00100", "00100", "00100", "01110"],
    "J": ["00111", "00010", "00010", "00010", "00010", "10010", "01100"],
}
GLYPHS = {"mnist": "0123456789", "fashion_mnist": "ABCDEFGHIJ"}
SIZES = {"train": 2000, "test": 500}


def glyph_images(labels: np.ndarray, glyphs: str, rng: np.random.Generator) -> np.ndarray:
  """uint8 [N, 28, 28]: glyph ``glyphs[label]`` drawn 3x scaled at a random offset."""
  masks = np.stack([np.kron(np.array([[c == "1" for c in row] for row in FONT[g]], float),
                            np.ones((3, 3))) for g in glyphs])  # [10, 21, 15]
  images = np.zeros((len(labels), 28, 28), np.float32)
  for i, label in enumerate(labels):
    top, left = rng.integers(0, 28 - 21 + 1), rng.integers(0, 28 - 15 + 1)
    images[i, top:top + 21, left:left + 15] = masks[label] * rng.uniform(0.6, 1.0)
  images += rng.normal(0.0, 0.05, images.shape)
  return np.clip(np.round(images * 255.0), 0, 255).astype(np.uint8)


def write_idx(path: str, array: np.ndarray):
  """Writes uint8 ``array`` ([N, 28, 28] or [N]) as a gzip idx file (magic 2051 / 2049)."""
  magic = 2048 + array.ndim
  header = struct.pack(f">I{array.ndim}I", magic, *array.shape)
  with gzip.open(path, "wb", compresslevel=6) as f:
    f.write(header + np.ascontiguousarray(array, np.uint8).tobytes())


def write_raw_files(folder: str, seed: int = 0) -> str:
  """Writes ``folder/{mnist,fashion_mnist}/`` with the four raw files each; returns folder."""
  for d, (name, glyphs) in enumerate(sorted(GLYPHS.items())):
    out = os.path.join(folder, name)
    os.makedirs(out, exist_ok=True)
    for s, (split, size) in enumerate(sorted(SIZES.items())):
      rng = np.random.default_rng([seed, d, s])
      labels = np.arange(size) % 10
      rng.shuffle(labels)
      image_file, label_file = raw.SPLIT_FILES[split]
      write_idx(os.path.join(out, image_file), glyph_images(labels, glyphs, rng))
      write_idx(os.path.join(out, label_file), labels.astype(np.uint8))
  return folder
