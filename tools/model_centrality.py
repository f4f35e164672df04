"""ModelCentrality (Lin et al. 2020, Sec. 5) of several trained runs: label-free model choice.

  python tools/model_centrality.py --model_dirs=runs/a,runs/b,runs/c --output=runs/mc.json

Each run's export serves as ground truth for every other: its ``generate`` endpoint draws
groups of images with one code fixed, and the other run's ``infer_codes`` (continuous means)
is scored on them with InfoGAN-CR's FactorVAE protocol (`metrics.compute_cross_score`). Prints
the cross-score matrix, each run's centrality and the most central run. The runs' codes must
all be one-dimensional continuous codes (e.g. infogan_mod_dsprites.cfg's five).
"""

import sys

from absl import app
from absl import flags

from tfgan_info import console

FLAGS = flags.FLAGS


def define_flags():
  flags.DEFINE_list("model_dirs", [], "Two or more run folders (config.json and an export).")
  flags.DEFINE_string("output", "", "Also write the JSON here.")
  flags.DEFINE_integer("num_votes", 500, "Votes per pair of runs (InfoGAN-CR: 500).",
                       lower_bound=1)
  flags.DEFINE_integer("batch_size", 100, "Images per vote (InfoGAN-CR: 100).", lower_bound=2)
  flags.DEFINE_integer("num_std_estimate", 73728, "Generated images for the codes' standard "
                       "deviations (InfoGAN-CR: a tenth of dSprites, 73,728).", lower_bound=2)
  flags.DEFINE_integer("seed", 0, "Seed of each pair's RandomState.")


def load_run(model_dir: str):
  """(generate_fn, sample_latents, representation_fn, number of codes) of a run's export.

  Raises:
    ValueError: if the run's codes are not all one-dimensional and continuous, or its export
      lacks ``generate`` or ``infer_codes``.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info import config as config_lib  # pylint: disable=g-import-not-at-top
  from tfgan_info import export  # pylint: disable=g-import-not-at-top
  from tfgan_info import latents  # pylint: disable=g-import-not-at-top

  config = config_lib.read_run_config(model_dir)
  spec = latents.LatentSpec.from_config(config.model)
  if not spec.codes or any(c.is_categorical or c.dim != 1 for c in spec.codes):
    raise ValueError(f"{model_dir}: ModelCentrality needs one-dimensional continuous codes, "
                     f"got --codes={spec.to_spec()}")
  loaded = tf.saved_model.load(export.latest_export(model_dir))
  missing = {"generate", "infer_codes"} - set(loaded.signatures)
  if missing:
    raise ValueError(f"{model_dir}: the export has no {sorted(missing)} endpoint")

  def sample_latents(n, random_state):
    noise, codes = spec.sample(n, tf.constant(random_state.randint(2**31 - 1, size=2)))
    return noise.numpy(), codes.numpy()

  def generate_fn(noise, codes):
    return loaded.generate(noise=tf.constant(noise, tf.float32),
                           codes=tf.constant(codes, tf.float32))["images"].numpy()

  def representation_fn(images):
    return loaded.infer_codes(tf.constant(images, tf.float32))["continuous_means"].numpy()
  return generate_fn, sample_latents, representation_fn, len(spec.codes)


def centrality(model_dirs, num_votes=500, batch_size=100, num_std_estimate=73728, seed=0):
  """{"model_dirs", "cross_scores" [i][j] (i's encoder on j's generator), "centrality",
  "most_central"}.

  Raises:
    ValueError: for fewer than two runs or runs `load_run` refuses.
  """
  import numpy as np  # pylint: disable=g-import-not-at-top
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top

  if len(model_dirs) < 2:
    raise ValueError(f"ModelCentrality needs at least two runs, got {list(model_dirs)}")
  runs = [load_run(d) for d in model_dirs]
  n = len(runs)
  scores = np.eye(n)
  for i, (_, _, represent, _) in enumerate(runs):
    for j, (generate, sample_latents, _, num_codes) in enumerate(runs):
      if i != j:
        scores[i, j] = metrics.compute_cross_score(
            represent, generate, sample_latents, num_codes, np.random.RandomState(seed),
            num_votes=num_votes, batch_size=batch_size,
            num_std_estimate=num_std_estimate)["accuracy"]
  central = metrics.compute_model_centrality(scores)
  return {"model_dirs": list(model_dirs), "cross_scores": scores.tolist(),
          "centrality": central.tolist(), "most_central": model_dirs[int(np.argmax(central))]}


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  try:
    out = centrality(FLAGS.model_dirs, FLAGS.num_votes, FLAGS.batch_size,
                     FLAGS.num_std_estimate, FLAGS.seed)
  except (ValueError, FileNotFoundError) as e:
    sys.exit(f"Error: {e}")
  console.print_json(out, FLAGS.output)


if __name__ == "__main__":
  define_flags()
  app.run(main)
