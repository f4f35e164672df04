"""Batch normalization that gives the same statistics on one device and under a strategy, runs
as one fused kernel where it can, and the recalibration of its moving statistics on given data
(docs/design.md, "Exports" and "Precision and XLA")."""

import contextlib
from typing import Callable, Iterable, List, Sequence

import keras
import tensorflow as tf
from keras import layers


_FUSED = [True]  # `batch_norm` builds FusedBatchNormalization (False inside `keras_layers`)


@keras.saving.register_keras_serializable(package="tfgan_info")
class FusedBatchNormalization(layers.BatchNormalization):
  """`keras.layers.BatchNormalization` whose training-mode pass is one FusedBatchNormV3 kernel.

  Keras 3 normalises a batch (Ioffe & Szegedy 2015, Alg. 1: mu_B = mean(x), sigma_B^2 =
  mean((x - mu_B)^2), y = gamma (x - mu_B) / sqrt(sigma_B^2 + eps) + beta) with a dozen
  elementwise ops: a cast to float32, two reductions, the normalisation, a cast back, and as
  many again in the gradient, each a pass over the activations. TensorFlow's fused kernel
  does the forward pass in one (16-bit inputs, float32 statistics) and its gradient in
  another; the moving averages are Keras' (moving = momentum moving + (1 - momentum) batch,
  with the biased batch variance), so checkpoints, `recalibrate` and inference are the
  layer's own. Inference, masks, renorm, the synchronised variant and inputs that are not
  [batch, C] or [batch, H, W, C] with the last axis normalised take Keras' path.
  """

  def call(self, inputs, training=None, mask=None):
    """[batch, C] or [batch, H, W, C] -> the same shape, in the layer's compute dtype."""
    rank = len(inputs.shape)
    if (not (training and self.trainable) or mask is not None or self.renorm
        or self.synchronized or rank not in (2, 4) or self.axis not in (-1, rank - 1)
        or keras.backend.backend() != "tensorflow"):
      return super().call(inputs, training=training, mask=mask)
    channels = inputs.shape[-1]
    x = tf.reshape(inputs, [-1, 1, 1, channels]) if rank == 2 else inputs
    if x.dtype not in (tf.float32, tf.bfloat16, tf.float16):
      x = tf.cast(x, tf.float32)
    gamma = tf.cast(self.gamma, tf.float32) if self.scale else tf.ones([channels])
    beta = tf.cast(self.beta, tf.float32) if self.center else tf.zeros([channels])
    y, mean, variance = tf.compat.v1.nn.fused_batch_norm(
        x, gamma, beta, epsilon=self.epsilon, data_format="NHWC", is_training=True)
    # The kernel returns the unbiased variance for the moving average; Keras keeps the
    # biased one (that of the normalisation).
    count = tf.cast(tf.size(x) // channels, tf.float32)
    variance = variance * (count - 1.0) / count
    self.moving_mean.assign(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
    self.moving_variance.assign(
        self.moving_variance * self.momentum + variance * (1.0 - self.momentum))
    if rank == 2:
      y = tf.reshape(y, tf.shape(inputs))
    return tf.cast(y, self.compute_dtype)


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
  if replicas > 1:
    return layers.BatchNormalization(synchronized=True, **kwargs)
  return (FusedBatchNormalization if _FUSED[0] else layers.BatchNormalization)(**kwargs)


@contextlib.contextmanager
def keras_layers():
  """Inside the block `batch_norm` builds Keras' own layer, not `FusedBatchNormalization`
  (the side-by-side benchmark of the two, tools/benchmark.py --variants=.../kerasbn)."""
  previous, _FUSED[0] = _FUSED[0], False
  try:
    yield
  finally:
    _FUSED[0] = previous


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
