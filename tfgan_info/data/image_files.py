"""Image files read from a folder (PNG, JPEG), checked with Pillow before TensorFlow decodes them.

TensorFlow's decoders run inside tf.data, where an error cannot name the file. `inspect`
reads each file with Pillow (its chunks' checksums, then a whole decode), so a file that is
empty, not an image, cut short (a partial download or copy) or corrupt is named in one line
before a run writes anything.
"""

from typing import Tuple

from PIL import Image
from PIL import UnidentifiedImageError

# The formats `tf.io.decode_image` reads that folders may hold (Pillow's names).
FORMATS = ("PNG", "JPEG")
# Channels of the Pillow modes of these formats (palette images decode to RGB).
MODE_CHANNELS = {"1": 1, "L": 1, "I": 1, "F": 1, "I;16": 1, "I;16B": 1, "I;16L": 1, "LA": 2,
                 "P": 3, "RGB": 3, "CMYK": 3, "YCbCr": 3, "RGBA": 4}


class ImageFileError(ValueError):
  """An image file that cannot be read whole."""


def inspect(path: str, what: str = "Image") -> Tuple[int, int, int]:
  """(width, height, channels) of the PNG or JPEG file ``path``, once it has read back whole.

  Args:
    path: the file.
    what: how messages name the file ("Paired image", "Image").

  Raises:
    ImageFileError: one line naming the file: unreadable, empty, neither a PNG nor a JPEG,
      or cut short or corrupt (a PNG chunk's checksum, a JPEG that does not decode to its
      end).
  """
  kind = None
  try:
    with Image.open(path) as image:
      kind, size, mode = image.format, image.size, image.mode
      if kind not in FORMATS:
        raise ImageFileError(f"{what} {path} is a {kind} file, neither a PNG nor a JPEG: "
                             "convert or remove it")
      image.verify()  # PNG: every chunk and its CRC, to IEND
    with Image.open(path) as image:
      image.load()  # the whole decode: a JPEG cut short fails here
  except UnidentifiedImageError as e:
    with open(path, "rb") as f:
      empty = not f.read(1)
    raise ImageFileError(f"{what} {path} is empty (0 bytes): replace or remove it" if empty
                         else f"{what} {path} is neither a PNG nor a JPEG file (it cannot be "
                         "decoded): replace or remove it") from e
  except Image.DecompressionBombError as e:
    raise ImageFileError(f"{what} {path} is too large to decode safely ({e})") from e
  except PermissionError as e:
    raise ImageFileError(f"{what} {path} cannot be read ({e.strerror}): give the run read "
                         "access to it") from e
  except (OSError, SyntaxError, ValueError) as e:
    if isinstance(e, ImageFileError):
      raise
    raise ImageFileError(f"{what} {path} is a truncated or corrupt {kind or 'image'} ({e}): "
                         "replace it") from e
  return size[0], size[1], MODE_CHANNELS.get(mode, 3)
