"""Image files checked with Pillow: sizes and channels, and a one-line error naming each bad
file."""

import os

import numpy as np
import tensorflow as tf
from PIL import Image

from tfgan_info.data import image_files


class ImageFilesTest(tf.test.TestCase):

  def write(self, name, data: bytes) -> str:
    path = os.path.join(self.get_temp_dir(), name)
    with open(path, "wb") as f:
      f.write(data)
    return path

  def test_sizes_and_channels(self):
    rgb = np.random.default_rng(0).integers(0, 256, (8, 16, 3)).astype(np.uint8)
    grey = rgb[..., :1]
    for name, data, expected in (
        ("rgb.png", tf.io.encode_png(rgb).numpy(), (16, 8, 3)),
        ("grey.png", tf.io.encode_png(grey).numpy(), (16, 8, 1)),
        ("rgb.jpg", tf.io.encode_jpeg(rgb).numpy(), (16, 8, 3)),
        ("grey.jpg", tf.io.encode_jpeg(grey).numpy(), (16, 8, 1)),
        ("padded.jpg", tf.io.encode_jpeg(rgb).numpy() + b"\0" * 100, (16, 8, 3))):
      self.assertEqual(image_files.inspect(self.write(name, data)), expected, name)

  def test_each_bad_file_is_named_in_one_line(self):
    rgb = np.random.default_rng(0).integers(0, 256, (64, 128, 3)).astype(np.uint8)
    jpeg, png = tf.io.encode_jpeg(rgb).numpy(), tf.io.encode_png(rgb).numpy()
    gif = os.path.join(self.get_temp_dir(), "a.gif")
    Image.fromarray(rgb).save(gif)
    for name, data, pattern in (
        ("empty.png", b"", r"is empty \(0 bytes\)"),
        ("text.png", b"no image", r"is neither a PNG nor a JPEG file \(it cannot be decoded\)"),
        ("cut.jpg", jpeg[:len(jpeg) // 2], r"is a truncated or corrupt JPEG \(image file is "
                                           r"truncated"),
        ("header.jpg", jpeg[:12], r"is a truncated or corrupt image \("),
        ("cut.png", png[:-20], r"is a truncated or corrupt PNG \("),
        ("a.gif", None, r"is a GIF file, neither a PNG nor a JPEG: convert or remove it")):
      path = gif if data is None else self.write(name, data)
      with self.assertRaisesRegex(image_files.ImageFileError, rf"^Photo {path} {pattern}"):
        image_files.inspect(path, "Photo")


if __name__ == "__main__":
  tf.test.main()
