"""Minibatch standard deviation: a feature that lets D see the diversity of a batch (Karras et
al. 2018, "Progressive growing of GANs", Sec. 3).

A discriminator that judges one example at a time cannot tell a generator that draws the same
few digits from one that draws them all. The layer appends to every example one number that
measures how much the examples of the batch differ:

    s = mean_f sqrt(Var_i[x_{i, f}] + eps)      (the variance over the examples i, per
                                                 feature f, then the mean over features)

so a collapsed batch of fakes (s near 0) is told from a real one (s of the data). Karras et al.
split the batch into groups of 4, each example getting its group's s; here the whole batch is
one group (the MLP GAN on MNIST at 6000 steps, seed 0: classifier-FID 42.0 with the whole batch,
45.5 with groups of 4; docs/results.md#gan-and-dcgan-on-mnist-and-fashion-mnist). Under a
distribution strategy the moments are all-reduced over the replicas, so the feature is that of
the global batch, as on one device (like the synchronised batch norm of
`networks.normalization`; tests/distribute_test.py compares the two on gan_mnist). The output
depends on the other examples of the batch, so the layer belongs in a D whose per-example
outputs are never served (`networks.mlp`: not with a Q head).
"""

import keras
from keras import layers
from keras import ops

from tfgan_info import distribute

EPSILON = 1e-8


@keras.saving.register_keras_serializable(package="tfgan_info")
class MinibatchStdDev(layers.Layer):
  """Appends the minibatch standard deviation s as one feature: [batch, F] -> [batch, F + 1],
  or as one feature map: [batch, H, W, C] -> [batch, H, W, C + 1] (the mean over H, W and C).

  The whole batch is one group (a batch of 1, as at build time, gets s = sqrt(eps)).
  """

  def call(self, inputs):
    """inputs [batch, ..., F] -> [batch, ..., F + 1], s in the last channel (computed in
    float32)."""
    x = ops.cast(inputs, "float32")
    _, variance = distribute.global_batch_moments(x)  # over the global batch: [..., F]
    std = ops.sqrt(variance + EPSILON)
    s = ops.mean(std) * ops.ones_like(x[..., :1])  # [batch, ..., 1]
    return ops.concatenate([inputs, ops.cast(s, inputs.dtype)], axis=-1)

  def compute_output_shape(self, input_shape):
    return tuple(input_shape[:-1]) + (input_shape[-1] + 1,)
