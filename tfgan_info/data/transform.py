"""Fitting decoded images to a model's square input size."""

import tensorflow as tf


def fit_image(image, size: int, crop: int = 0):
  """The central square of an image resized to size x size.

  Args:
    image: uint8 [H, W, C].
    size: the output side.
    crop: the side of the central square (0: min(H, W), the largest); at most min(H, W).

  Returns:
    uint8 [size, size, C]: the crop, resized with an antialiased bilinear filter (a
    triangle filter as wide as the scale when shrinking, bilinear interpolation when
    growing) and rounded.

  Raises:
    tf.errors.InvalidArgumentError (when run): for a crop larger than the image.
  """
  h, w = tf.shape(image)[0], tf.shape(image)[1]
  side = tf.minimum(h, w) if not crop else tf.constant(crop, tf.int32)
  with tf.control_dependencies([tf.debugging.assert_less_equal(
      side, tf.minimum(h, w), message=f"an image is smaller than the {crop}-pixel crop")]):
    top, left = (h - side) // 2, (w - side) // 2
  square = image[top:top + side, left:left + side]
  resized = tf.image.resize(tf.cast(square, tf.float32), (size, size), method="bilinear",
                            antialias=True)
  return tf.cast(tf.clip_by_value(tf.round(resized), 0.0, 255.0), tf.uint8)


def convert_channels(image, channels: int):
  """uint8 [H, W, C] (C 1-4) -> [H, W, channels] (1 or 3): an alpha channel (C 2 or 4)
  dropped, then grey to RGB by repetition, RGB to grey by ITU-R 601 luma
  (`tf.image.rgb_to_grayscale`); unchanged when C == channels."""
  image = tf.convert_to_tensor(image)
  if image.shape[-1] in (2, 4):
    image = image[..., :-1]
  have = image.shape[-1]
  if have == channels:
    return image
  if have == 1 and channels == 3:
    return tf.image.grayscale_to_rgb(image)
  if have == 3 and channels == 1:
    grey = tf.image.rgb_to_grayscale(tf.cast(image, tf.float32))
    return tf.cast(tf.clip_by_value(tf.round(grey), 0.0, 255.0), tf.uint8)
  raise ValueError(f"Cannot convert {have} channels to {channels}")
