"""Spectrally normalised dense and convolution layers (Miyato et al. 2018, Sec. 2.1, Alg. 1).

Each layer divides its kernel W, reshaped to a matrix W_mat of shape [fan_in, units], by an
estimate of its largest singular value, sigma(W) ~= v^T W_mat u, with u, v from one step of
the power iteration per training call (Miyato et al., Alg. 1):

    v <- normalize(u W_mat^T),   u <- normalize(v W_mat),   W_SN = W / (v W_mat u^T)

The gradient flows through sigma (u and v are constants of the step), as in the paper and
in InfoGAN-CR's TensorFlow code (tf-SNDCGAN's ``spectral_normed_weight``). Unlike
`keras.layers.SpectralNormalization`, which writes W / sigma into the wrapped layer's kernel
at every training call (so the optimizer then updates the normalised copy and the gradient
never sees sigma), the trainable kernel here stays W and the normalisation is part of the
forward pass. The vector u is a non-trainable float32 variable updated only in training
mode; inference uses the last u (no update), so a served D is deterministic.
"""

import keras
from keras import layers
from keras import ops

EPSILON = 1e-12


# InfoGAN-CR's initialisers (its op.py: N(0, 0.02) for dense, truncated for conv kernels).
# A fresh instance per layer: an unseeded Keras 3 initializer fixes its seed when it is
# created, so one instance shared by several layers would give them the same draws.
def dense_init():
  return keras.initializers.RandomNormal(stddev=0.02)


def conv_init():
  return keras.initializers.TruncatedNormal(stddev=0.02)


def _l2_normalize(x):
  return x / (ops.sqrt(ops.sum(ops.square(x))) + EPSILON)


class _SpectralNorm(layers.Layer):
  """Shared part: the kernel, the bias, the power-iteration vector u and W_SN."""

  def __init__(self, kernel_initializer=None, use_bias=True, power_iterations: int = 1,
               **kwargs):
    super().__init__(**kwargs)
    if power_iterations < 1:
      raise ValueError(f"power_iterations must be >= 1, got {power_iterations}")
    self.kernel_initializer = keras.initializers.get(kernel_initializer)
    self.use_bias = bool(use_bias)
    self.power_iterations = int(power_iterations)

  def _build_kernel(self, kernel_shape, units):
    self.kernel = self.add_weight(name="kernel", shape=kernel_shape,
                                  initializer=self.kernel_initializer)
    self.bias = (self.add_weight(name="bias", shape=(units,), initializer="zeros")
                 if self.use_bias else None)
    # u ~ N(0, 1) as tf-SNDCGAN; float32 whatever the policy, like batch-norm statistics.
    self.vector_u = self.add_weight(name="vector_u", shape=(1, units),
                                    initializer=keras.initializers.TruncatedNormal(),
                                    trainable=False, dtype="float32")

  def normalized_kernel(self, training=False):
    """W / sigma(W), float32, the kernel's shape; one power-iteration step (u updated) when
    ``training``."""
    kernel = ops.cast(self.kernel, "float32")
    w = ops.reshape(kernel, (-1, kernel.shape[-1]))  # [fan_in, units]
    u = self.vector_u
    if training:
      for _ in range(self.power_iterations):
        v = _l2_normalize(ops.matmul(u, ops.transpose(w)))  # [1, fan_in]
        u = _l2_normalize(ops.matmul(v, w))  # [1, units]
      u = ops.stop_gradient(u)
      self.vector_u.assign(u)
    else:
      v = _l2_normalize(ops.matmul(u, ops.transpose(w)))
    v = ops.stop_gradient(v)
    sigma = ops.sum(ops.matmul(v, w) * u)
    return kernel / sigma

  def _biased(self, y):
    return y if self.bias is None else y + ops.cast(self.bias, y.dtype)

  def get_config(self):
    return {**super().get_config(), "use_bias": self.use_bias,
            "power_iterations": self.power_iterations,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}


class SNDense(_SpectralNorm):
  """Dense layer with a spectrally normalised kernel: [batch, fan_in] -> [batch, units]."""

  def __init__(self, units: int, kernel_initializer=None, **kwargs):
    super().__init__(kernel_initializer=kernel_initializer or dense_init(), **kwargs)
    self.units = int(units)

  def build(self, input_shape):
    self._build_kernel((input_shape[-1], self.units), self.units)

  def call(self, inputs, training=False):
    kernel = ops.cast(self.normalized_kernel(training), self.compute_dtype)
    return self._biased(ops.matmul(inputs, kernel))

  def compute_output_shape(self, input_shape):
    return tuple(input_shape[:-1]) + (self.units,)

  def get_config(self):
    return {**super().get_config(), "units": self.units}


class SNConv2D(_SpectralNorm):
  """2-D convolution (NHWC, "same" padding) with a spectrally normalised kernel:
  [batch, H, W, C] -> [batch, ceil(H / s), ceil(W / s), filters]."""

  def __init__(self, filters: int, kernel_size: int, strides: int = 1,
               kernel_initializer=None, **kwargs):
    super().__init__(kernel_initializer=kernel_initializer or conv_init(), **kwargs)
    self.filters = int(filters)
    self.kernel_size = int(kernel_size)
    self.strides = int(strides)

  def build(self, input_shape):
    k = self.kernel_size
    self._build_kernel((k, k, input_shape[-1], self.filters), self.filters)

  def call(self, inputs, training=False):
    kernel = ops.cast(self.normalized_kernel(training), self.compute_dtype)
    return self._biased(ops.conv(inputs, kernel, strides=self.strides, padding="same"))

  def compute_output_shape(self, input_shape):
    size = [None if d is None else -(-d // self.strides) for d in input_shape[1:3]]
    return (input_shape[0], *size, self.filters)

  def get_config(self):
    return {**super().get_config(), "filters": self.filters,
            "kernel_size": self.kernel_size, "strides": self.strides}
