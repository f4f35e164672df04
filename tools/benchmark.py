"""Train-step throughput of a model, with and without XLA.

  python tools/benchmark.py --flagfile=configs/infogan_mnist.cfg --raw_data_dir=../shared/data

Builds the model of a training config (the same flags as tfgan_info.train), warms up, then
times ``--windows`` windows of ``--window_steps`` steps each and reports the median images/s.
Input wait is measured by timing the same windows on one batch held in memory: the share of
step time the real pipeline adds is 1 - t(in memory) / t(real pipeline). Then the model is
exported as a SavedModel (`tfgan_info.export`), reloaded, and ``--latency_calls`` batch-1 calls
of its ``generate`` signature are timed one by one (median and 90th percentile reported).
"""

import json
import os
import statistics
import sys
import time

from absl import app
from absl import flags

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tfgan_info import train as train_flags  # pylint: disable=g-import-not-at-top

FLAGS = flags.FLAGS


def define_flags():
  train_flags.define_flags()
  flags.DEFINE_list("xla", ["on", "off"], "XLA settings to time (on, off).")
  flags.DEFINE_integer("warmup_steps", 30, "Untimed steps after compilation.", lower_bound=1)
  flags.DEFINE_integer("window_steps", 50, "Steps per timed window.", lower_bound=1)
  flags.DEFINE_integer("windows", 5, "Timed windows (the median is reported).", lower_bound=1)
  flags.DEFINE_integer("latency_calls", 1000, "Timed batch-1 calls of the exported generate "
                       "signature (0: skip).", lower_bound=0)
  flags.DEFINE_string("output", "", "Optional JSON file for the results.")


def time_windows(train_fn, iterator, steps, windows):
  """Seconds of each of ``windows`` windows of ``steps`` calls of train_fn(iterator)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  out = []
  for _ in range(windows):
    start = time.perf_counter()
    for _ in range(steps):
      logs = train_fn(iterator)
    tf.nest.map_structure(lambda t: t.numpy(), logs)  # wait for the last step
    out.append(time.perf_counter() - start)
  return out


def benchmark(config, xla: bool, warmup_steps: int, window_steps: int, windows: int):
  """Returns {"images_per_s", "window_images_per_s", "input_wait_share", ...} for one setting."""
  import keras  # pylint: disable=g-import-not-at-top
  from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
  config = config.replace(runtime={"jit_compile": xla, "steps_per_execution": 1})
  keras.utils.set_random_seed(config.runtime.seed)
  model = train_lib.compile_model(train_lib.build_model(config), config)
  dataset = train_lib.train_dataset(config)
  model.make_train_function()
  train_fn = model.train_function
  batch = config.data.batch_size

  real = iter(dataset)
  compile_start = time.perf_counter()
  time_windows(train_fn, real, 1, 1)
  compile_s = time.perf_counter() - compile_start
  time_windows(train_fn, real, warmup_steps, 1)
  real_s = time_windows(train_fn, real, window_steps, windows)
  held = iter(dataset.take(1).cache().repeat())
  time_windows(train_fn, held, warmup_steps, 1)
  held_s = time_windows(train_fn, held, window_steps, windows)

  med_real, med_held = statistics.median(real_s), statistics.median(held_s)
  return {
      "xla": xla,
      "batch_size": batch,
      "images_per_s": window_steps * batch / med_real,
      "window_images_per_s": [round(window_steps * batch / s, 1) for s in real_s],
      "images_per_s_input_in_memory": window_steps * batch / med_held,
      "input_wait_share": max(0.0, 1.0 - med_held / med_real),
      "first_step_s": compile_s,
  }


def serving_latency(config, calls: int, warmup: int = 100):
  """Seconds per batch-1 call of the SavedModel's ``generate`` signature.

  The model of ``config`` (untrained: the cost does not depend on the weights) is exported to
  a temporary folder and reloaded with `tf.saved_model.load`; each call's inputs are one
  sample of the priors (`serving_request.example_inputs`), fed as TF Serving feeds them: by
  name, to ``loaded.signatures["generate"]``.

  Returns:
    {"p50_ms", "p90_ms", "calls"}.
  """
  import tempfile  # pylint: disable=g-import-not-at-top
  import numpy as np  # pylint: disable=g-import-not-at-top
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  import serving_request  # pylint: disable=g-import-not-at-top (tools/, beside this file)
  from tfgan_info import export as export_lib  # pylint: disable=g-import-not-at-top
  from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
  with tempfile.TemporaryDirectory() as tmp:
    path = export_lib.export(train_lib.build_model(config), tmp, "latency", 1)
    loaded = tf.saved_model.load(path)
    generate = loaded.signatures["generate"]
    specs, _ = serving_request.signature_specs(loaded, "generate")
    prior = serving_request.prior_sample(loaded, 1, 0)
    inputs = {name: tf.constant(value) for name, value in
              serving_request.example_inputs(specs, 1, 0, prior).items()}
    for _ in range(warmup):
      generate(**inputs)["images"].numpy()
    times = []
    for _ in range(calls):
      start = time.perf_counter()
      generate(**inputs)["images"].numpy()
      times.append(time.perf_counter() - start)
  return {"p50_ms": 1e3 * float(np.median(times)),
          "p90_ms": 1e3 * float(np.percentile(times, 90)), "calls": calls}


def main(argv):
  del argv
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  config = train_flags.config_from_flags()
  bad = [x for x in FLAGS.xla if x not in ("on", "off")]
  if bad:
    sys.exit(f"Error: --xla takes on and/or off, got {bad}")
  results = {"model": config.model.model, "dataset": config.data.dataset,
             "tensorflow": tf.__version__, "cpus": os.cpu_count(), "runs": []}
  for setting in FLAGS.xla:
    try:
      r = benchmark(config, setting == "on", FLAGS.warmup_steps, FLAGS.window_steps,
                    FLAGS.windows)
    except (ValueError, OSError) as e:
      sys.exit(f"Error: {e}")
    results["runs"].append(r)
    print(f"{config.model.model} {config.data.dataset} xla={setting}: "
          f"{r['images_per_s']:.0f} images/s (windows {r['window_images_per_s']}), "
          f"input wait {100 * r['input_wait_share']:.1f}%, first step {r['first_step_s']:.1f}s",
          flush=True)
  speeds = {r["xla"]: r["images_per_s"] for r in results["runs"]}
  if len(speeds) == 2:
    results["xla_speedup"] = speeds[True] / speeds[False]
    print(f"XLA speed-up: {results['xla_speedup']:.2f}x")
  if FLAGS.latency_calls:
    results["generate_latency"] = serving_latency(config, FLAGS.latency_calls)
    print(f"generate, batch 1, from the SavedModel: p50 "
          f"{results['generate_latency']['p50_ms']:.2f} ms, p90 "
          f"{results['generate_latency']['p90_ms']:.2f} ms ({FLAGS.latency_calls} calls)")
  if FLAGS.output:
    with open(FLAGS.output, "w") as f:
      json.dump(results, f, indent=2)


if __name__ == "__main__":
  define_flags()
  app.run(main)
