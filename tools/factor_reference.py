"""What a pure change of one factor does to real digits, in `evaluate`'s stroke factors.

  python tools/factor_reference.py --dataset=mnist --raw_data_dir=../shared/data

Moves each of ``--num_images`` real test images by each named factor of
`augment.FACTOR_UNITS` (a rotation of 20 degrees per unit, a horizontal scale of e^0.2 per
unit, ...) at the values -1, -0.5, 0, 0.5, 1 units, and reports `compute_stroke_factors` of
those traversals: the same numbers `python -m tfgan_info.evaluate` reports per continuous
code of a generator (``stroke_factors`` in results/metrics.json). A code tied to a factor by
InfoGAN's equivariance term (``--equivariant_codes``) can be read against this row: how much
of its traversal is that factor alone (a horizontal stretch also thickens vertical strokes).
Prints one JSON object {factor: {slant, width, thickness, height: {change, correlation,
std}}}.
"""

import json

import numpy as np
from absl import app
from absl import flags

from tfgan_info import augment
from tfgan_info import data as data_lib
from tfgan_info.metrics import stroke_factors

FLAGS = flags.FLAGS
VALUES = (-1.0, -0.5, 0.0, 0.5, 1.0)


def define_flags():
  flags.DEFINE_enum("dataset", "mnist", list(data_lib.DATASETS), "tfds dataset name.")
  flags.DEFINE_string("raw_data_dir", None, "Build offline from the original raw files here.")
  flags.DEFINE_string("data_dir", None, "tfds data folder (None: tfds' default).")
  flags.DEFINE_list("factors", sorted(augment.FACTOR_UNITS), "Factors to move.")
  flags.DEFINE_integer("num_images", 500, "Test images (the first of the split).",
                       lower_bound=1)


def factor_reference(images, factors, values=VALUES):
  """`compute_stroke_factors` of images [N, H, W, 1] (pixels in [-1, 1]) moved by each
  factor in ``factors`` to each of ``values`` (units of `augment.FACTOR_UNITS`).

  Returns:
    {factor: compute_stroke_factors' dict, with N draws and the values}.
  """
  out = {}
  for factor in factors:
    moved = [augment.affine_warp(images, augment.factor_affine(
        np.full((len(images), 1), value, np.float32), [factor])).numpy() for value in values]
    out[factor] = stroke_factors.compute_stroke_factors(np.stack(moved, 1), values)
  return out


def main(argv):
  del argv
  ds = data_lib.pipeline(data_lib.load(FLAGS.dataset, "test", FLAGS.data_dir,
                                       FLAGS.raw_data_dir),
                         FLAGS.num_images, shuffle=False, repeat=False, cache=False,
                         drop_remainder=False)
  images = next(iter(ds))["image"].numpy()
  print(json.dumps(factor_reference(images, FLAGS.factors), indent=1))


if __name__ == "__main__":
  define_flags()
  app.run(main)
