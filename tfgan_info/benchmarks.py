"""Benchmarks of a training config's model: train-step throughput, with and without XLA, and
the batch-1 latency of its exported ``generate`` signature (tools/benchmark.py and
tools/latency_breakdown.py are their command lines).

This module drives training code (`train_lib`, `export`), so the package's lower layers do not
import it; TensorFlow and Keras are imported by the functions.
"""

import statistics
import time

from tfgan_info import timing


def benchmark(config, xla: bool, warmup_steps: int, window_steps: int, windows: int):
  """Returns {"images_per_s", "window_images_per_s", "input_wait_share", ...} for one setting.

  Builds and compiles the model of ``config`` (``steps_per_execution`` 1, XLA as given), times
  one step (the compilation, "first_step_s"), ``warmup_steps`` untimed steps, then ``windows``
  windows of ``window_steps`` steps on the real input pipeline, and the same on one batch held
  in memory: "input_wait_share" = 1 - t(in memory) / t(real pipeline), of the medians.

  Returns:
    {"xla", "batch_size", "images_per_s" (median window), "window_images_per_s" ([windows]),
     "images_per_s_input_in_memory", "input_wait_share" (in [0, 1]), "first_step_s"}.
  """
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
  timing.time_windows(train_fn, real, 1, 1)
  compile_s = time.perf_counter() - compile_start
  timing.time_windows(train_fn, real, warmup_steps, 1)
  real_s = timing.time_windows(train_fn, real, window_steps, windows)
  held = iter(dataset.take(1).cache().repeat())
  timing.time_windows(train_fn, held, warmup_steps, 1)
  held_s = timing.time_windows(train_fn, held, window_steps, windows)

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
  sample of the priors (`serving.example_inputs`: e.g. noise [1, 62] and codes [1, 12]), fed as
  TF Serving feeds them: by name, to ``loaded.signatures["generate"]``, and each call waits for
  its images [1, H, W, C].

  Returns:
    {"p50_ms", "p90_ms", "calls"}.
  """
  import tempfile  # pylint: disable=g-import-not-at-top
  import numpy as np  # pylint: disable=g-import-not-at-top
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info import export as export_lib  # pylint: disable=g-import-not-at-top
  from tfgan_info import serving  # pylint: disable=g-import-not-at-top
  from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
  with tempfile.TemporaryDirectory() as tmp:
    path = export_lib.export(train_lib.build_model(config), tmp, "latency", 1)
    loaded = tf.saved_model.load(path)
    generate = loaded.signatures["generate"]
    specs, _ = serving.signature_specs(loaded, "generate")
    prior = serving.prior_sample(loaded, 1, 0)
    inputs = {name: tf.constant(value) for name, value in
              serving.example_inputs(specs, 1, 0, prior).items()}
    times = timing.call_seconds(lambda: generate(**inputs)["images"].numpy(), calls, warmup)
  return {"p50_ms": 1e3 * float(np.median(times)),
          "p90_ms": 1e3 * float(np.percentile(times, 90)), "calls": calls}
