"""Trains the domain classifier that offline sample-quality metrics use.

  python tools/train_classifier.py --dataset=mnist --raw_data_dir=../shared/data

Trains `networks.classifier.build_classifier` on the real training split, reports the test
accuracy, and saves ``<output_dir>/classifier.keras`` (default runs/classifier_<dataset>/; of a
tfds: or folder: dataset, runs/classifier_<its `data.file_name`>/; where
`python -m tfgan_info.evaluate` looks for it) with ``results.json`` beside it.

For a paired dataset (edges2fashion_mnist, inpaint_mnist) it trains on the translation's
*inputs* (A for ``--direction=AtoB``) against the source's labels, default output
runs/classifier_<dataset>_input/. Translating an input and classifying the output (pix2pix's
"translated items classified correctly") is itself a classifier of the inputs, so no
translation model can exceed the best such classifier; this one's test accuracy estimates
that ceiling (from below: it is one trained network, not the best possible). evaluate never
reads this classifier.
"""

import json
import os
import shlex
import sys
import time

from absl import app
from absl import flags

from tfgan_info import data as data_lib

FLAGS = flags.FLAGS
CLASSIFIER_FILE = "classifier.keras"


def define_flags():
  flags.DEFINE_string("dataset", "mnist", f"A dataset with class labels: one of "
                      f"{list(data_lib.DATASETS)}, {data_lib.TFDS_PREFIX}NAME, "
                      f"{data_lib.FOLDER_PREFIX}PATH (class subfolders), or an embedded paired "
                      f"dataset {list(data_lib.PAIRED_DATASETS)} (trains on its inputs).")
  flags.DEFINE_integer("image_size", 0, "tfds: and folder: datasets: the run's --image_size.",
                       lower_bound=0)
  flags.DEFINE_integer("crop_size", 0, "tfds: and folder: datasets: the run's --crop_size.",
                       lower_bound=0)
  flags.DEFINE_integer("image_channels", 0, "tfds: and folder: datasets: the run's "
                       "--image_channels.", lower_bound=0, upper_bound=3)
  flags.DEFINE_string("image_feature", "image", "tfds: datasets: the run's --image_feature.")
  flags.DEFINE_string("label_feature", "label", "tfds: datasets: the run's --label_feature.")
  flags.DEFINE_string("manual_dir", "", "tfds: datasets: the run's --manual_dir.")
  flags.DEFINE_enum("direction", "AtoB", list(data_lib.paired.DIRECTIONS),
                    "Paired datasets: which half is the input (AtoB: the left, A).")
  flags.DEFINE_string("raw_data_dir", "", "Build offline from the original raw files here.")
  flags.DEFINE_string("data_dir", "", "tfds data folder ('' = tfds default).")
  flags.DEFINE_string("output_dir", "", "Where to save (default runs/classifier_<name>, "
                      "the dataset's `data.file_name`: where evaluate looks for it).")
  flags.DEFINE_integer("epochs", 3, "Training epochs.", lower_bound=1)
  flags.DEFINE_integer("steps_per_epoch", 0, "Steps per epoch (0 = one pass over the data).",
                       lower_bound=0)
  flags.DEFINE_integer("batch_size", 128, "Batch size.", lower_bound=1)
  flags.DEFINE_float("learning_rate", 1e-3, "Adam learning rate (cosine-decayed to 0).")
  flags.DEFINE_integer("seed", 0, "Seed of weights and shuffling.")
  flags.DEFINE_boolean("jit_compile", True, "Compile with XLA.")


def input_batches(dataset: str, split: str, batch_size: int, raw_data_dir: str = "",
                  data_dir: str = "", seed: int = 0, train: bool = False,
                  direction: str = "AtoB", source=data_lib.Source()):
  """The classifier's (images, labels) batches of one split.

  Returns:
    tf.data.Dataset of (float32 [batch, H, W, C] in [-1, 1], int64 [batch]): for a paired
    dataset the input halves (`data.paired.split_pair` by ``direction``). ``train``: shuffled
    with ``seed``, repeated, full batches; otherwise one pass in file order. ``source``:
    how a tfds: or folder: dataset is read (`data.Source`).
  """
  ds = data_lib.load(dataset, split, data_dir or None, raw_data_dir or None,
                     shuffle_seed=seed if train else None, source=source)
  if dataset in data_lib.PAIRED_DATASETS:
    ds = ds.map(lambda ex: {"image": data_lib.paired.split_pair(ex["image"], direction)[0],
                            "label": ex["label"]})
  ds = data_lib.pipeline(ds, batch_size, shuffle=train, seed=seed, repeat=train,
                         drop_remainder=train, cache=dataset not in data_lib.RENDERED)
  return ds.map(lambda ex: (ex["image"], ex["label"]))


def train_classifier(dataset: str, output_dir: str, raw_data_dir: str = "", data_dir: str = "",
                     epochs: int = 3, steps_per_epoch: int = 0, batch_size: int = 128,
                     learning_rate: float = 1e-3, seed: int = 0, jit_compile: bool = True,
                     verbose: int = 2, direction: str = "AtoB", command: str = "",
                     source=data_lib.Source()):
  """Trains, evaluates on the test split and saves the classifier.

  Images [batch, H, W, C] in [-1, 1] -> logits [batch, NUM_CLASSES]; softmax cross-entropy,
  Adam with a cosine-decayed learning rate. For a paired dataset the images are the input
  halves (`data.paired.split_pair` by ``direction``) of the A|B examples; a tfds: or
  folder: dataset is read as ``source`` says (`data.Source`: the run's --image_* flags).

  Returns:
    dict {"test_accuracy", "path", ...} (also written to output_dir/results.json, with
    ``command``, the command line that trained it, for the result records of evaluate).
  """
  import keras  # pylint: disable=g-import-not-at-top
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info.networks import classifier as classifier_lib  # pylint: disable=g-import-not-at-top

  num_classes = data_lib.num_classes(dataset, source, data_dir or None)
  if not num_classes:
    raise ValueError(f"{dataset} has no class labels to train a classifier on")
  keras.utils.set_random_seed(seed)
  paired = dataset in data_lib.PAIRED_DATASETS
  image_shape = (data_lib.paired.half_shape(dataset) if paired
                 else data_lib.image_shape(dataset, source, data_dir or None))

  def split(name, train):
    return input_batches(dataset, name, batch_size, raw_data_dir, data_dir, seed=seed,
                         train=train, direction=direction, source=source)

  train_ds, test_ds = split("train", True), split("test", False)
  if not steps_per_epoch:
    steps_per_epoch = int(split("train", False).cardinality().numpy())
  model = classifier_lib.build_classifier(image_shape, num_classes)
  schedule = keras.optimizers.schedules.CosineDecay(learning_rate, epochs * steps_per_epoch)
  model.compile(optimizer=keras.optimizers.Adam(schedule),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=["accuracy"], jit_compile=jit_compile)
  start = time.perf_counter()
  history = model.fit(train_ds, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=verbose)
  wall = time.perf_counter() - start
  _, accuracy = model.evaluate(test_ds, verbose=0)

  tf.io.gfile.makedirs(output_dir)
  path = os.path.join(output_dir, CLASSIFIER_FILE)
  model.save(path)
  results = {"dataset": dataset, **({"input": direction} if paired else {}),
             "test_accuracy": float(accuracy),
             "last_epoch_train_accuracy": float(history.history["accuracy"][-1]), "epochs": epochs,
             "steps_per_epoch": steps_per_epoch, "batch_size": batch_size,
             "train_wall_s": round(wall, 1), "path": path, "command": command}
  with tf.io.gfile.GFile(os.path.join(output_dir, "results.json"), "w") as f:
    json.dump(results, f, indent=2, sort_keys=True)
  return results


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  suffix = "_input" if FLAGS.dataset in data_lib.PAIRED_DATASETS else ""
  try:
    source = data_lib.source_of(FLAGS)  # the flags are named after the Source fields
    output_dir = FLAGS.output_dir or os.path.join(
        "runs", f"classifier_{data_lib.file_name(FLAGS.dataset, source)}{suffix}")
    results = train_classifier(FLAGS.dataset, output_dir, FLAGS.raw_data_dir, FLAGS.data_dir,
                               FLAGS.epochs, FLAGS.steps_per_epoch, FLAGS.batch_size,
                               FLAGS.learning_rate, FLAGS.seed, FLAGS.jit_compile,
                               direction=FLAGS.direction,
                               command=shlex.join(["python3", *sys.argv]), source=source)
  except (ValueError, OSError) as e:
    sys.exit(f"Error: {e}")
  print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
  define_flags()
  app.run(main)
