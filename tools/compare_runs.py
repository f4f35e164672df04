"""Whether two runs reached the same state: their latest checkpoints compared tensor by tensor.

  python tools/compare_runs.py --run_a=runs/infogan_mnist --run_b=/tmp/infogan_mnist_again

Compares every saved variable (weights, batch-norm statistics, optimizer moments and step
counts, the latent seed state) of model_dir/checkpoints/ of both runs, bit for bit, except the
count of saves. Prints one line per run pair and exits with status 1 if anything differs:
the check behind "the same seeds give the same weights" (BUILD.md, "Same weights"): each
run trained from the same command in its own checkout, e.g. on both sides of a refactoring.
"""

import os
import sys

from absl import app
from absl import flags

FLAGS = flags.FLAGS


def define_flags():
  flags.DEFINE_string("run_a", "", "model_dir of the first run.")
  flags.DEFINE_string("run_b", "", "model_dir of the second run.")
  flags.DEFINE_list("new_in_b", [],
                    "Names of checkpoint values that only run_b may hold (prefixes, e.g. "
                    "model/global_step: a variable the code of run_b added); the rest must "
                    "match.")


def checkpoint_tensors(model_dir: str):
  """(checkpoint path, {name: NumPy value}) of the latest checkpoint of a run, without the
  save counter.

  Raises:
    FileNotFoundError: if the run has no checkpoint.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  path = tf.train.latest_checkpoint(os.path.join(model_dir, "checkpoints"))
  if not path:
    raise FileNotFoundError(f"No checkpoint in {model_dir}/checkpoints")
  reader = tf.train.load_checkpoint(path)
  return path, {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
                if not name.startswith("save_counter") and name != "_CHECKPOINTABLE_OBJECT_GRAPH"}


def compare(run_a: str, run_b: str):
  """{"tensors": n, "values": total elements, "different": [names], "missing": [names in
  one run only], "max_abs_diff": float} of the two runs' latest checkpoints."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  (path_a, a), (path_b, b) = checkpoint_tensors(run_a), checkpoint_tensors(run_b)
  shared = sorted(set(a) & set(b))
  different, worst = [], 0.0
  for name in shared:
    x, y = np.asarray(a[name]), np.asarray(b[name])
    if x.shape != y.shape or x.dtype != y.dtype or x.tobytes() != y.tobytes():
      different.append(name)
      if x.shape == y.shape and x.dtype.kind in "fiu":
        worst = max(worst, float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))))
  return {"checkpoints": [path_a, path_b], "tensors": len(shared),
          "values": int(sum(np.asarray(a[n]).size for n in shared)), "different": different,
          "missing": sorted(set(a) ^ set(b)), "max_abs_diff": worst}


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  if not FLAGS.run_a or not FLAGS.run_b:
    sys.exit("Error: --run_a and --run_b are required")
  try:
    r = compare(FLAGS.run_a, FLAGS.run_b)
  except (OSError, ValueError) as e:
    sys.exit(f"Error: {e}")
  _, b = checkpoint_tensors(FLAGS.run_b)
  allowed = sorted(n for n in r["missing"]
                   if n in b and any(n.startswith(p) for p in FLAGS.new_in_b))
  missing = sorted(set(r["missing"]) - set(allowed))
  same = not r["different"] and not missing
  new = f" (only in run_b, allowed: {', '.join(allowed)})" if allowed else ""
  print(f"{'identical' if same else 'DIFFERENT'}: {r['tensors']} tensors, {r['values']} values; "
        f"{len(r['different'])} differ (max |a - b| {r['max_abs_diff']:.3g}), "
        f"{len(missing)} in one run only{new} ({r['checkpoints'][0]} vs "
        f"{r['checkpoints'][1]})")
  sys.exit(0 if same else 1)


if __name__ == "__main__":
  define_flags()
  app.run(main)
