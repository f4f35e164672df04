"""The disentanglement metrics of reference representations, and their run times.

  python tools/disentanglement_baselines.py --output=runs/disentanglement_baselines.json

On ground truth with dSprites' factor sizes (3, 6, 40, 32, 32) whose observations are the
factor classes themselves (`data.ground_truth.IdentityObservations`), scores the
representations: identity (the factors), constant (zeros), random (independent Gaussian codes,
5 dims) and duplicated (the factors twice), with disentanglement_lib's default sizes. Also times
rendering all 737,280 procedural dSprites images.
"""

import sys
import time

from absl import app
from absl import flags

from tfgan_info import console

FLAGS = flags.FLAGS


def define_flags():
  flags.DEFINE_string("output", "", "Also write the JSON here.")
  flags.DEFINE_list("representations", ["identity", "constant", "random", "duplicated"],
                    "Reference representations to score.")
  flags.DEFINE_integer("num_train", 10000, "Training points of each metric.", lower_bound=2)
  flags.DEFINE_integer("num_eval", 5000, "Evaluation points of each metric.", lower_bound=2)
  flags.DEFINE_integer("seed", 0, "Seed of each metric's RandomState.")
  flags.DEFINE_boolean("time_render", True, "Also time rendering every dSprites image.")


def representations():
  """name -> representation fn of factor-class observations [N, 5]."""
  import numpy as np  # pylint: disable=g-import-not-at-top

  noise = np.random.RandomState(1234)  # fresh draws on every call, independent of x

  def random(x):
    return noise.randn(len(x), x.shape[1])

  return {"identity": lambda x: np.asarray(x, np.float64),
          "constant": lambda x: np.zeros(np.shape(x)),
          "random": random,
          "duplicated": lambda x: np.hstack([x, x]).astype(np.float64)}


def baselines(names, num_train=10000, num_eval=5000, seed=0, time_render=True):
  """{"representations": {name: compute_disentanglement's dict}, "render_all_seconds": ...}.

  Raises:
    ValueError: for an unknown representation name.
  """
  import numpy as np  # pylint: disable=g-import-not-at-top
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top
  from tfgan_info.data import dsprites  # pylint: disable=g-import-not-at-top
  from tfgan_info.data import ground_truth  # pylint: disable=g-import-not-at-top

  reps = representations()
  unknown = sorted(set(names) - set(reps))
  if unknown:
    raise ValueError(f"Unknown representations {unknown}: use some of {sorted(reps)}")
  data = ground_truth.IdentityObservations(dsprites.FACTOR_SIZES)
  out = {"factors": list(dsprites.FACTOR_NAMES), "num_train": num_train, "num_eval": num_eval,
         "representations": {}}
  for name in names:
    out["representations"][name] = metrics.compute_disentanglement(reps[name], data, seed,
                                                                   num_train, num_eval)
  if time_render:
    start = time.perf_counter()
    dsprites.sprites.cache_clear()
    for first in range(0, dsprites.NUM_EXAMPLES, 65536):
      dsprites.render(dsprites.index_to_classes(
          np.arange(first, min(first + 65536, dsprites.NUM_EXAMPLES))))
    out["render_all_seconds"] = round(time.perf_counter() - start, 2)
  return out


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  try:
    out = baselines(FLAGS.representations, FLAGS.num_train, FLAGS.num_eval, FLAGS.seed,
                    FLAGS.time_render)
  except ValueError as e:
    sys.exit(f"Error: {e}")
  console.print_json(out, FLAGS.output, sort_keys=True)


if __name__ == "__main__":
  define_flags()
  app.run(main)
