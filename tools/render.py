"""Renders latent-traversal grids of a trained run from its SavedModel export.

  python tools/render.py --model_dir=runs/infogan_mnist --output_dir=docs --scale=2

One PNG per continuous code: one row per category of the first categorical code, columns
setting that code to evenly spaced values in [--low, --high] with the other codes at 0 and the
noise fixed by --seed (the grids TensorBoard shows during training). A generator without a
continuous code (GAN, DCGAN, AGE) gets samples.png (8 rows of prior draws) and
interpolation.png (8 rows, each a spherical path between two noise draws,
`grids.interpolation_grid`) instead.
"""

import os
import sys

from absl import app
from absl import flags

FLAGS = flags.FLAGS


def define_flags():
  flags.DEFINE_string("model_dir", "", "Experiment directory of a trained run.")
  flags.DEFINE_string("output_dir", "",
                      "Folder for the PNGs (default: model_dir/renders/<export step>; the "
                      "training run's own grids in model_dir/images are left alone).")
  flags.DEFINE_float("low", -2.0, "Smallest code value.")
  flags.DEFINE_float("high", 2.0, "Largest code value.")
  flags.DEFINE_integer("columns", 9, "Values per row.", lower_bound=2)
  flags.DEFINE_integer("seed", 0, "Seed of the fixed noise vector.")
  flags.DEFINE_integer("scale", 1, "Integer upscaling of the PNG (nearest).", lower_bound=1)


def render(model_dir, output_dir="", low=-2.0, high=2.0, columns=9, seed=0, scale=1):
  """Writes traversal_code<i>.png for each continuous code (samples.png and
  interpolation.png without one); returns the paths.

  ``output_dir`` "" writes to model_dir/renders/<export version>/ (never over the training
  run's model_dir/images/).

  Raises:
    FileNotFoundError: if the run has no config.json or no export.
    ValueError: if the export's generate takes other inputs than noise and codes (a
      conditional GAN's labels).
  """
  import numpy as np  # pylint: disable=g-import-not-at-top
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info import export  # pylint: disable=g-import-not-at-top
  from tfgan_info import grids  # pylint: disable=g-import-not-at-top
  from tfgan_info import latents  # pylint: disable=g-import-not-at-top
  from tfgan_info.config import read_run_config  # pylint: disable=g-import-not-at-top

  config = read_run_config(model_dir)
  spec = latents.LatentSpec.from_config(config.model)
  export_path, loaded, passed_over = export.load_latest(model_dir, config.export_name)
  if passed_over:
    print(f"Note: {passed_over}", file=sys.stderr)
  inputs = sorted(loaded.signatures["generate"].structured_input_signature[1])
  if inputs != ["codes", "noise"]:
    raise ValueError(f"the export's generate takes {inputs}: render draws generators of "
                     "noise and codes")
  generate = lambda noise, codes: loaded.generate(noise=noise, codes=codes)["images"].numpy()
  output_dir = output_dir or os.path.join(model_dir, "renders", os.path.basename(export_path))
  tf.io.gfile.makedirs(output_dir)
  paths = []
  # The training run's grids (`grids.traversal_grids`, `grids.generator_grids`), from the
  # export.
  if spec.continuous:
    pngs = grids.traversal_grids(generate, spec, np.linspace(low, high, columns), seed)
  else:
    pngs = {"samples": grids.generator_grids(generate, spec, np.zeros(columns),
                                             seed)["samples"],
            "interpolation": grids.interpolation_grid(generate, spec, 8, columns, seed)}
  for name, grid in pngs.items():
    grid = np.repeat(np.repeat(grid, scale, axis=0), scale, axis=1)
    path = os.path.join(output_dir, f"{name}.png")
    grids.write_png(path, grid)
    paths.append(path)
  return paths


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  if not FLAGS.model_dir:
    sys.exit("Error: --model_dir is required")
  if FLAGS.low >= FLAGS.high:
    sys.exit("Error: --low must be smaller than --high")
  try:
    for path in render(FLAGS.model_dir, FLAGS.output_dir, FLAGS.low, FLAGS.high, FLAGS.columns,
                       FLAGS.seed, FLAGS.scale):
      print(f"wrote {path}")
  except (ValueError, OSError) as e:
    sys.exit(f"Error: {e}")


if __name__ == "__main__":
  define_flags()
  app.run(main)
