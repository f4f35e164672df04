"""tf.distribute strategies by name."""

import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multi_worker", "tpu")


def get_strategy(name: str = "default", tpu_address: str = "") -> tf.distribute.Strategy:
  """Returns the strategy ``name``.

  Args:
    name: "default" (one device), "mirrored" (all local GPUs, or the visible logical CPUs),
      "multi_worker" (MultiWorkerMirroredStrategy, cluster from TF_CONFIG), "tpu".
    tpu_address: TPU name or address for "tpu" ("" = local / from the environment).

  Raises:
    ValueError: for an unknown name.
  """
  if name == "default":
    return tf.distribute.get_strategy()
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
  raise ValueError(f"Unknown strategy {name!r}: use one of {STRATEGIES}")
