"""Evaluation entry point: python -m tfgan_info.evaluate --model_dir=runs/infogan_mnist

Loads the run's config.json and its latest SavedModel export, and for a model with a
categorical code reports c1's accuracy as a classifier of the real test split (categories
matched one-to-one to labels). Results are merged into model_dir/results/metrics.json.
"""

import json
import os
import sys

from absl import app
from absl import flags

FLAGS = flags.FLAGS


def define_flags():
  flags.DEFINE_string("model_dir", "", "Experiment directory of a trained run.")
  flags.DEFINE_string("raw_data_dir", None,
                      "Override the run's --raw_data_dir (offline raw files).")
  flags.DEFINE_string("data_dir", None, "Override the run's tfds --data_dir.")
  flags.DEFINE_string("split", "test", "Dataset split to evaluate on.")
  flags.DEFINE_integer("batch_size", 500, "Evaluation batch size.", lower_bound=1)


def evaluate(model_dir: str, split: str = "test", raw_data_dir: str = None,
             data_dir: str = None, batch_size: int = 500):
  """Computes the metrics of the run in ``model_dir`` and writes results/metrics.json.

  Returns:
    The metrics dict.

  Raises:
    FileNotFoundError: if the run has no config.json or no export.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info import data as data_lib  # pylint: disable=g-import-not-at-top
  from tfgan_info import export as export_lib  # pylint: disable=g-import-not-at-top
  from tfgan_info import latents  # pylint: disable=g-import-not-at-top
  from tfgan_info import metrics  # pylint: disable=g-import-not-at-top
  from tfgan_info.config import read_run_config  # pylint: disable=g-import-not-at-top

  config = read_run_config(model_dir)
  path = export_lib.latest_export(model_dir, config.runtime.export_name or config.model.model)
  loaded = tf.saved_model.load(path)
  spec = latents.LatentSpec(config.model.codes, config.model.noise_dim)

  dc = config.data
  ds = data_lib.load(dc.dataset, split, data_dir if data_dir is not None else dc.data_dir or None,
                     raw_data_dir if raw_data_dir is not None else dc.raw_data_dir or None)
  ds = data_lib.pipeline(ds, batch_size, shuffle=False, repeat=False, cache=False,
                         drop_remainder=False)
  results = {"export": path, "split": split, "dataset": dc.dataset}
  if spec.categorical and hasattr(loaded, "infer_codes"):
    k = spec.codes[spec.categorical[0]].size
    acc = metrics.compute_matched_accuracy(
        lambda x: loaded.infer_codes(x)["categorical_probs"][:, :k], ds,
        num_classes=max(k, data_lib.NUM_CLASSES[dc.dataset]))
    results["c1_matched_accuracy"] = acc["accuracy"]
    results["c1_mapping"] = acc["mapping"]
    # Labels the test split lacks have no accuracy: null in JSON.
    results["c1_per_class_accuracy"] = [None if a != a else a for a in acc["per_class_accuracy"]]
    results["c1_confusion"] = acc["confusion"]
    results["num_examples"] = acc["num_examples"]

  out = os.path.join(model_dir, "results", "metrics.json")
  tf.io.gfile.makedirs(os.path.dirname(out))
  merged = {}
  if tf.io.gfile.exists(out):
    with tf.io.gfile.GFile(out) as f:
      merged = json.load(f)
  merged.update(results)
  with tf.io.gfile.GFile(out, "w") as f:
    json.dump(merged, f, indent=2, sort_keys=True)
  return results


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  if not FLAGS.model_dir:
    sys.exit("Error: --model_dir is required")
  try:
    results = evaluate(FLAGS.model_dir, FLAGS.split, FLAGS.raw_data_dir, FLAGS.data_dir,
                       FLAGS.batch_size)
  except (ValueError, OSError) as e:
    sys.exit(f"Error: {e}")
  print(json.dumps({k: v for k, v in results.items() if k != "c1_confusion"}, sort_keys=True))


if __name__ == "__main__":
  define_flags()
  app.run(main)
