"""Adam with one fused kernel per variable (issue 16; docs/design.md, "Precision and XLA").

Keras 3's `keras.optimizers.Adam.update_step` writes the update as ten elementwise ops per
variable (cast, subtract, multiply, square, sqrt, divide and three assignments), each of which
streams the whole variable through memory. On a CPU without XLA these passes are memory-bound:
the profile of the InfoGAN MNIST step (mixed_bfloat16, no XLA, BUILD.md "Issue 16, third part")
put a fifth of all op time in them. `FusedAdam` computes the same update with TensorFlow's
`ResourceApplyAdam` kernel, one pass over var, m and v. The formula is Keras' own (Kingma & Ba
2015, Alg. 1 with the bias correction folded into the step size, epsilon outside the square
root):

    alpha_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    m <- m + (g - m) (1 - beta_1);   v <- v + (g^2 - v) (1 - beta_2)
    var <- var - alpha_t m / (sqrt(v) + epsilon)

and the optimizer keeps Keras' variables (its checkpoints and Keras Adam's are the same), its
moving average of the weights (``use_ema``), loss scaling and distribution. AMSGrad falls back
to Keras' ops. XLA compiles the kernel too (tf2xla has ResourceApplyAdam).
"""

import keras
import tensorflow as tf


class FusedAdam(keras.optimizers.Adam):
  """`keras.optimizers.Adam` whose per-variable update is one ResourceApplyAdam kernel."""

  def update_step(self, gradient, variable, learning_rate):
    """One Adam step of ``variable`` (any shape) with ``gradient`` (its shape).

    The equations of the module docstring; ``variable`` is the TensorFlow variable Keras'
    TF backend passes (inside a `tf.distribute` update, the replica's component).
    """
    if self.amsgrad:
      return super().update_step(gradient, variable, learning_rate)
    dtype = variable.dtype
    index = self._get_variable_index(variable)
    step = tf.cast(self.iterations + 1, dtype)
    beta_1 = tf.cast(self.beta_1, dtype)
    beta_2 = tf.cast(self.beta_2, dtype)
    tf.raw_ops.ResourceApplyAdam(
        var=variable.handle, m=_handle(self._momentums[index]),
        v=_handle(self._velocities[index]), beta1_power=tf.pow(beta_1, step),
        beta2_power=tf.pow(beta_2, step), lr=tf.cast(learning_rate, dtype), beta1=beta_1,
        beta2=beta_2, epsilon=tf.cast(self.epsilon, dtype), grad=tf.cast(gradient, dtype),
        use_locking=False)


def _handle(slot):
  """The resource handle of an optimizer slot (a Keras variable wrapping a tf.Variable)."""
  return getattr(slot, "value", slot).handle


def adam(learning_rate, fused: bool = True, **kwargs) -> keras.optimizers.Adam:
  """Adam (``FusedAdam`` when ``fused``, else Keras' own) with ``kwargs`` of
  `keras.optimizers.Adam` (beta_1, beta_2, use_ema, ema_momentum, ...)."""
  return (FusedAdam if fused else keras.optimizers.Adam)(learning_rate, **kwargs)
