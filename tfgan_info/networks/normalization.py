"""Batch normalization that gives the same statistics on one device and under a strategy."""

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
