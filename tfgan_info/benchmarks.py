"""Benchmarks of a training config's model: train-step throughput, with and without XLA, and
the batch-1 latency of its exported ``generate`` signature (tools/benchmark.py and
tools/latency_breakdown.py are their command lines).

This module drives training code (`train_lib`, `export`), so the package's lower layers do not
import it; TensorFlow and Keras are imported by the functions.
"""

import contextlib
import statistics
import time

from tfgan_info import timing


def _compiled_step(config):
  """(train function, training dataset, an iterator over it, seconds of the first call) of
  ``config``'s model, built and compiled with its steps_per_execution (each call of the train
  function runs that many steps); the first call (tracing and compilation) has run on the
  iterator."""
  import keras  # pylint: disable=g-import-not-at-top
  from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
  keras.utils.set_random_seed(config.runtime.seed)
  model = train_lib.compile_model(train_lib.build_model(config), config)
  dataset = train_lib.train_dataset(config)
  model.make_train_function()
  batches = iter(dataset)
  start = time.perf_counter()
  timing.time_windows(model.train_function, batches, 1, 1)
  return model.train_function, dataset, batches, time.perf_counter() - start


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
  config = config.replace(runtime={"jit_compile": xla, "steps_per_execution": 1})
  train_fn, dataset, real, compile_s = _compiled_step(config)
  batch = config.data.batch_size

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


def keras_step(config, xla: bool, precision: str = "", params=None,
               steps_per_execution: int = 1, runtime=None, fused_batch_norm: bool = True,
               fused_adam: bool = True):
  """A timed-window function of the train step of ``config``'s model.

  Builds and compiles the model (XLA as given, --precision ``precision`` or the config's,
  ``params`` (a dict) over the model's parameters, ``steps_per_execution`` steps per call of
  the train function, ``runtime`` (a dict) over the other run settings;
  ``fused_batch_norm`` False: Keras' batch-norm layer, `normalization.keras_layers`;
  ``fused_adam`` False: Keras' elementwise Adam, `optimizers.keras_adam`), runs
  one call (tracing and compilation) on the real input pipeline, and returns
  window(steps) -> seconds of ``steps`` more steps (a multiple of ``steps_per_execution``),
  waiting for the last (`timing.time_windows`).

  Returns:
    (window function, {"first_step_s", "batch_size"}).
  """
  runtime = {**(runtime or {}), "jit_compile": xla,
             "steps_per_execution": steps_per_execution}
  if precision:
    runtime["precision"] = precision
  config = config.replace(runtime=runtime, params=dict(params or {}))
  from tfgan_info.networks import normalization  # pylint: disable=g-import-not-at-top
  from tfgan_info import optimizers  # pylint: disable=g-import-not-at-top
  with contextlib.ExitStack() as stack:
    if not fused_batch_norm:
      stack.enter_context(normalization.keras_layers())
    if not fused_adam:
      stack.enter_context(optimizers.keras_adam())
    train_fn, _, batches, first_step_s = _compiled_step(config)
  info = {"first_step_s": first_step_s, "batch_size": config.data.batch_size}

  def window(steps):
    if steps % steps_per_execution:
      raise ValueError(f"{steps} steps are not a multiple of steps_per_execution "
                       f"{steps_per_execution}")
    return timing.time_windows(train_fn, batches, steps // steps_per_execution, 1)[0]
  return window, info


def process_step(argv, batch_size: int):
  """A timed-window function of a train step run by a child process (a benchmark peer).

  The child (``argv``, e.g. tools/peers/torch_infogan.py) prints "ready" once set up, then
  reads a step count per line on stdin, runs that many steps and prints their seconds. The
  child waits on its stdin between windows, so it does not compete with the parent's
  windows.

  Returns:
    (window function, {"batch_size", "first_step_s": its set-up time, "process"}).

  Raises:
    RuntimeError: if the child exits or answers anything else.
  """
  import atexit  # pylint: disable=g-import-not-at-top
  import subprocess  # pylint: disable=g-import-not-at-top
  start = time.perf_counter()
  child = subprocess.Popen(list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           text=True, bufsize=1)
  atexit.register(child.kill)  # the child lives as long as this process
  line = child.stdout.readline().strip()
  if line != "ready":
    child.kill()
    raise RuntimeError(f"{' '.join(argv)} did not start (said {line!r}, exit "
                       f"{child.poll()})")

  def window(steps):
    child.stdin.write(f"{steps}\n")
    child.stdin.flush()
    answer = child.stdout.readline()
    if not answer:
      raise RuntimeError(f"{' '.join(argv)} exited with status {child.wait()}")
    return float(answer)
  return window, {"batch_size": batch_size, "first_step_s": time.perf_counter() - start,
                  "process": " ".join(argv)}


def _rotated(names, r):
  """``names`` rotated left by r: round r's order in `alternate` and `compare_exports`."""
  k = r % len(names)
  return names[k:] + names[:k]


def _generate_feed(loaded, count: int):
  """Inputs of a loaded export's ``generate`` for ``count`` samples of its priors, as tensors
  by name (`serving.example_inputs`), as TF Serving feeds them."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info import serving  # pylint: disable=g-import-not-at-top
  specs, _ = serving.signature_specs(loaded, "generate")
  values = serving.example_inputs(specs, count, 0, serving.prior_sample(loaded, count, 0))
  return {name: tf.constant(value) for name, value in values.items()}


def round_ratio(result, reference) -> float:
  """Median over rounds of ``result``'s images/s / ``reference``'s, two entries of an
  `alternate` result (their windows of one round ran back to back)."""
  return _median_ratio(result["window_images_per_s"], reference["window_images_per_s"])


def _median_ratio(speeds, reference) -> float:
  """Median over rounds of speeds[r] / reference[r] (two lists of one alternating run)."""
  return statistics.median(a / b for a, b in zip(speeds, reference, strict=True))


def alternate(variants, warmup_steps: int, window_steps: int, windows: int):
  """Times train steps of several variants side by side, alternating windows.

  Round r times one window of ``window_steps`` steps of every variant, in an order rotated by
  r (so no variant always runs first after another), after ``warmup_steps`` untimed steps of
  each. On a shared machine whose speed drifts by 10-20%, the per-round ratio of two variants
  cancels the drift that a sequential measurement would carry.

  Args:
    variants: {name: (window function, info with "batch_size")}, e.g. from `keras_step`; the
      first is the reference of the ratios.
    warmup_steps, window_steps, windows: steps before timing, per window, and rounds.

  Returns:
    {name: {"images_per_s" (median over windows), "window_images_per_s" ([windows]),
    "ratio" (median over rounds of this variant's images/s / the reference's), ...info}}.
  """
  names = list(variants)
  for name in names:
    variants[name][0](warmup_steps)
  speeds = {name: [] for name in names}
  for r in range(windows):
    for name in _rotated(names, r):
      window, info = variants[name]
      speeds[name].append(window_steps * info["batch_size"] / window(window_steps))
  reference = speeds[names[0]]
  return {name: dict(variants[name][1], images_per_s=statistics.median(speeds[name]),
                     window_images_per_s=[round(v, 1) for v in speeds[name]],
                     ratio=_median_ratio(speeds[name], reference))
          for name in names}


def serving_latency(config, calls: int, warmup: int = 100):
  """Seconds per batch-1 call of the SavedModel's ``generate`` signature.

  The model of ``config`` (untrained: the cost does not depend on the weights; with the
  weights of --export_weights) is exported to
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
  from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
  from tfgan_info import served as served_lib  # pylint: disable=g-import-not-at-top
  with tempfile.TemporaryDirectory() as tmp:
    model = served_lib.serving_model(train_lib.build_model(config), config)  # --export_weights
    path = export_lib.export(model, tmp, "latency", 1)
    loaded = tf.saved_model.load(path)
    generate = loaded.signatures["generate"]
    inputs = _generate_feed(loaded, 1)
    times = timing.call_seconds(lambda: generate(**inputs)["images"].numpy(), calls, warmup)
  return {"p50_ms": 1e3 * float(np.median(times)),
          "p90_ms": 1e3 * float(np.percentile(times, 90)), "calls": calls}


def compare_exports(paths, calls: int, rounds: int = 5, batch_size: int = 64, warmup: int = 50):
  """Side-by-side latency and agreement of SavedModels of one model (e.g. the float32 and the
  bfloat16-weight export of a run, --export_weights).

  Each export is loaded with `tf.saved_model.load` and its ``generate`` signature fed by name,
  as TF Serving feeds it, with one sample of the priors (`serving.example_inputs`). Round r
  times ``calls`` batch-1 calls and ``calls // 10`` (at least 1) calls at ``batch_size`` of
  every export, in an order rotated by r, so the machine's drift cancels in the ratios.

  Args:
    paths: {name: SavedModel folder}; the first is the reference.
    calls: timed batch-1 calls per export and round.

  Returns:
    {name: {"p50_ms", "p90_ms" (batch 1, over all rounds), "images_per_s" (at batch_size,
    median call), "p50_ratio" (median over rounds of p50 / the reference's p50),
    "max_abs_diff" (of the images at batch_size against the reference's, [-1, 1] pixels)}}.
  """
  import numpy as np  # pylint: disable=g-import-not-at-top
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  names = list(paths)
  loaded = {name: tf.saved_model.load(path) for name, path in paths.items()}
  feeds = {count: _generate_feed(loaded[names[0]], count) for count in (1, batch_size)}
  fns = {name: m.signatures["generate"] for name, m in loaded.items()}
  single = {n: [] for n in names}
  batched = {n: [] for n in names}
  p50s = {n: [] for n in names}
  for r in range(rounds):
    for name in _rotated(names, r):
      fn = fns[name]
      one = timing.call_seconds(lambda: fn(**feeds[1])["images"].numpy(), calls, warmup)
      many = timing.call_seconds(lambda: fn(**feeds[batch_size])["images"].numpy(),
                                 max(1, calls // 10), 2)
      single[name] += one
      batched[name] += many
      p50s[name].append(float(np.median(one)))
  images = {n: fns[n](**feeds[batch_size])["images"].numpy() for n in names}
  return {n: {"p50_ms": 1e3 * float(np.median(single[n])),
              "p90_ms": 1e3 * float(np.percentile(single[n], 90)),
              "images_per_s": batch_size / float(np.median(batched[n])),
              "p50_ratio": float(np.median([a / b for a, b in zip(p50s[n], p50s[names[0]])])),
              "max_abs_diff": float(np.abs(images[n] - images[names[0]]).max())}
          for n in names}
