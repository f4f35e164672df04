"""tf.distribute strategies by name, and the replica helpers of a train step."""

import functools
import json
import os
from typing import Optional

import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multi_worker", "tpu")


def get_strategy(name: str = "default", tpu_address: str = "") -> tf.distribute.Strategy:
  """Returns the strategy ``name``.

  Args:
    name: "default" (one device), "mirrored" (all local GPUs, or the visible logical CPUs),
      "multi_worker" (MultiWorkerMirroredStrategy, cluster from TF_CONFIG), "tpu".
    tpu_address: TPU name or address for "tpu" ("" = local / from the environment).

  One strategy object per name and process: two MirroredStrategy objects in one process
  reuse the same collective instance keys, and the second one's all-reduces (e.g. of
  synchronized batch norm) abort with a shape mismatch; MultiWorkerMirroredStrategy can only
  be created once per process.

  Raises:
    ValueError: for an unknown name.
  """
  if name == "default":
    return tf.distribute.get_strategy()
  if name not in STRATEGIES:
    raise ValueError(f"Unknown strategy {name!r}: use one of {STRATEGIES}")
  return _create(name, tpu_address)


def chief_task(tf_config: Optional[str] = None) -> bool:
  """Whether this process writes a run's files, from TF_CONFIG alone (``tf_config``, default
  the environment's), before any strategy exists: always without a cluster; on one, the
  "chief" task, or worker 0 when there is no chief (as `is_chief`)."""
  text = tf_config if tf_config is not None else os.environ.get("TF_CONFIG", "")
  spec = json.loads(text or "{}")
  task, cluster = spec.get("task") or {}, spec.get("cluster") or {}
  if not task or not cluster:
    return True
  return _writes_files(task.get("type"), task.get("index", 0), cluster)


@functools.lru_cache(maxsize=None)
def _create(name: str, tpu_address: str) -> tf.distribute.Strategy:
  if name == "mirrored":
    gpus = tf.config.list_logical_devices("GPU")
    devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
    return tf.distribute.MirroredStrategy(devices)
  if name == "multi_worker":
    return tf.distribute.MultiWorkerMirroredStrategy()
  if name == "tpu":
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu_address)
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)
  raise AssertionError(name)


def in_multi_worker_mode(strategy: tf.distribute.Strategy = None) -> bool:
  """Whether ``strategy`` (default: the current one) spans several workers."""
  extended = (strategy or tf.distribute.get_strategy()).extended
  return bool(getattr(extended, "_in_multi_worker_mode", lambda: False)())


def is_chief(strategy: tf.distribute.Strategy) -> bool:
  """Whether this process writes the run's files: always, except on a multi-worker cluster,
  where only the "chief" task (or worker 0 when there is no chief) does."""
  resolver = getattr(strategy, "cluster_resolver", None)
  task_type = getattr(resolver, "task_type", None)
  if not task_type or not in_multi_worker_mode(strategy):
    return True
  return _writes_files(task_type, resolver.task_id, resolver.cluster_spec().as_dict())


def _writes_files(task_type: str, index: int, cluster) -> bool:
  """The task of a cluster that writes a run's files: "chief", or worker 0 without one."""
  return task_type == "chief" or (task_type == "worker" and int(index) == 0 and
                                  "chief" not in cluster)


def worker_dir(model_dir: str, strategy: tf.distribute.Strategy) -> str:
  """Where this process writes: model_dir on the chief, model_dir/workers/<type>_<id> (a
  scratch folder, deleted after training) on the other workers of a cluster.

  Every worker must take part in saving checkpoints and SavedModels (a save may all-reduce
  variables across workers); the non-chief copies go to the scratch folder.
  """
  if is_chief(strategy):
    return model_dir
  resolver = strategy.cluster_resolver
  return f"{model_dir.rstrip('/')}/workers/{resolver.task_type}_{resolver.task_id}"


def replica_slice(global_tensor, per_replica_batch):
  """The rows of a global batch that belong to the current replica."""
  ctx = tf.distribute.get_replica_context()
  if ctx is None or ctx.num_replicas_in_sync == 1:
    return global_tensor
  start = tf.cast(ctx.replica_id_in_sync_group, tf.int32) * per_replica_batch
  return global_tensor[start:start + per_replica_batch]


def num_replicas() -> int:
  """Replicas in sync in the current replica context (1 outside a strategy)."""
  ctx = tf.distribute.get_replica_context()
  return 1 if ctx is None else ctx.num_replicas_in_sync


def global_batch_moments(x):
  """(mean, variance) over the rows of the GLOBAL batch: [batch, ...] float -> two [...].

  The maximum-likelihood fit (variance = mean squared deviation). In a replica context with
  several replicas the row count, the sums and then the squared deviations are all-reduced
  (two passes), so every replica gets the moments one device would compute on the whole
  batch; on one device or outside a replica context, the batch's own moments.
  """
  ctx = tf.distribute.get_replica_context()
  if ctx is None or ctx.num_replicas_in_sync == 1:
    mean = tf.reduce_mean(x, axis=0)
    return mean, tf.reduce_mean(tf.square(x - mean), axis=0)
  count = ctx.all_reduce("sum", tf.cast(tf.shape(x)[0], x.dtype))
  mean = ctx.all_reduce("sum", tf.reduce_sum(x, axis=0)) / count
  return mean, ctx.all_reduce("sum", tf.reduce_sum(tf.square(x - mean), axis=0)) / count


def sum_over_replicas(value):
  """``value`` summed over the replicas in sync (differentiable; ``value`` itself on one
  device or outside a replica context)."""
  ctx = tf.distribute.get_replica_context()
  if ctx is None or ctx.num_replicas_in_sync == 1:
    return value
  return ctx.all_reduce("sum", value)
