"""Batch normalization that gives the same statistics on one device and under a strategy, and
the recalibration of its moving statistics on given data (docs/design.md, "Exports")."""

from typing import Callable, Iterable, List, Sequence

import tensorflow as tf
from keras import layers


def batch_norm(**kwargs) -> layers.BatchNormalization:
  """A `BatchNormalization` layer (Ioffe & Szegedy 2015, Alg. 1) over the GLOBAL batch.

  Built inside a `tf.distribute` scope with more than one replica, the layer all-reduces
  its batch moments (``synchronized=True``), so each replica normalizes with the mean and
  variance of the whole global batch, as one device would; without that, every replica
  would use the statistics of its own slice and a MirroredStrategy step would differ from
  a one-device step. On one replica it is the plain layer (two-pass variance, no all-reduce).

  Args:
    **kwargs: forwarded to `keras.layers.BatchNormalization`.
  """
  replicas = tf.distribute.get_strategy().num_replicas_in_sync
  return layers.BatchNormalization(synchronized=replicas > 1, **kwargs)


def batch_norm_layers(*networks) -> List[layers.BatchNormalization]:
  """The `BatchNormalization` layers of ``networks`` (Keras models, nested ones included),
  each once, in order."""
  found, seen = [], set()
  for network in networks:
    for layer in network._flatten_layers(include_self=True, recursive=True):  # pylint: disable=protected-access
      if isinstance(layer, layers.BatchNormalization) and id(layer) not in seen:
        seen.add(id(layer))
        found.append(layer)
  return found


def recalibrate(bn_layers: Sequence[layers.BatchNormalization], forward: Callable,
                batches: Iterable) -> int:
  """Replaces the moving statistics of ``bn_layers`` by the average batch statistics of
  ``batches``.

  Each batch is run through ``forward`` (which must call the layers in training mode); at
  batch k (from 0) the layers' momentum is k / (k + 1), so after n batches moving_mean =
  (1/n) sum_k mean_k and moving_variance = (1/n) sum_k var_k, the cumulative average of
  PyTorch's ``momentum=None``: the inference statistics of Ioffe & Szegedy 2015 (Alg. 2,
  step 10) from the data of ``batches`` (the variance without the spread of the batch
  means, negligible for batches of hundreds). The layers' momentum is restored afterwards.
  Runs eagerly (the momentum is read at call time).

  Args:
    bn_layers: the layers to recalibrate (e.g. `batch_norm_layers`).
    forward: batch -> anything, running the layers in training mode.
    batches: iterable of inputs of ``forward``.

  Returns:
    The number of batches used.

  Raises:
    ValueError: if ``batches`` is empty.
  """
  momenta = [layer.momentum for layer in bn_layers]
  count = 0
  try:
    for count, batch in enumerate(batches, start=1):
      for layer in bn_layers:
        layer.momentum = (count - 1) / count
      forward(batch)
  finally:
    for layer, momentum in zip(bn_layers, momenta):
      layer.momentum = momentum
  if not count:
    raise ValueError("recalibrate needs at least one batch")
  return count
