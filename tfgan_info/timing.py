"""Wall-clock timing helpers of the benchmarks (tools/benchmark.py, tools/latency_breakdown.py).

`time_windows` times windows of training steps; `call_seconds` and `p50_ms` time single calls
(e.g. a batch-1 call of a SavedModel signature). Calls are timed with `time.perf_counter`, and
each timed call must wait for its own result (e.g. call ``.numpy()``): TensorFlow runs ops
asynchronously.
"""

import statistics
import time


def time_windows(train_fn, iterator, steps, windows):
  """Seconds of each of ``windows`` windows of ``steps`` calls of train_fn(iterator).

  Each window waits for the logs of its last step (``.numpy()`` of every tensor), so the
  window's time covers all its steps.

  Returns:
    [windows] floats, seconds per window.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  out = []
  for _ in range(windows):
    start = time.perf_counter()
    for _ in range(steps):
      logs = train_fn(iterator)
    tf.nest.map_structure(lambda t: t.numpy(), logs)  # wait for the last step
    out.append(time.perf_counter() - start)
  return out


def call_seconds(fn, calls: int, warmup: int = 100):
  """Seconds of each of ``calls`` calls of fn(), after ``warmup`` untimed calls.

  Returns:
    [calls] floats.
  """
  for _ in range(warmup):
    fn()
  times = []
  for _ in range(calls):
    start = time.perf_counter()
    fn()
    times.append(time.perf_counter() - start)
  return times


def p50_ms(fn, calls: int, warmup: int = 100) -> float:
  """Median milliseconds of fn() over ``calls`` (>= 1) calls after ``warmup``."""
  return 1e3 * float(statistics.median(call_seconds(fn, calls, warmup)))
