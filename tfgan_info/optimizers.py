"""Adam with one fused kernel per variable (docs/design.md, "Precision and XLA"), and
learning-rate schedules on the training step.

Keras 3's `keras.optimizers.Adam.update_step` writes the update as ten elementwise ops per
variable (cast, subtract, multiply, square, sqrt, divide and three assignments), each of which
streams the whole variable through memory. On a CPU without XLA these passes are memory-bound:
the profile of the InfoGAN MNIST step (mixed_bfloat16, no XLA, docs/performance.md)
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

import contextlib

import keras
import tensorflow as tf

_FUSED = [True]  # whether `adam` builds FusedAdam (`keras_adam` turns it off in a block)


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


def adam(learning_rate, **kwargs) -> keras.optimizers.Adam:
  """``FusedAdam`` (Keras' own Adam inside a `keras_adam` block) with ``kwargs`` of
  `keras.optimizers.Adam` (beta_1, beta_2, use_ema, ema_momentum, ...)."""
  return (FusedAdam if _FUSED[0] else keras.optimizers.Adam)(learning_rate, **kwargs)


@contextlib.contextmanager
def keras_adam():
  """Inside the block `adam` builds Keras' own elementwise Adam, not `FusedAdam` (the
  side-by-side benchmark of the two, tools/benchmark.py --variants=.../unfused)."""
  previous, _FUSED[0] = _FUSED[0], False
  try:
    yield
  finally:
    _FUSED[0] = previous


class OnStep(keras.optimizers.schedules.LearningRateSchedule):
  """A learning-rate schedule read at a training-step counter instead of the optimizer's own
  update count: a player that updates k times per training step (k critic steps, two G
  steps) then decays on the same steps as the others (TF-GAN drives its schedules by the
  global step the same way).

  Args:
    schedule: a `keras.optimizers.schedules.LearningRateSchedule`.
    step: an integer variable, the model's ``global_step``.
  """

  def __init__(self, schedule, step):
    self.schedule = schedule
    self.step = step

  def __call__(self, iterations):
    del iterations
    return self.schedule(self.step)

  def get_config(self):
    """The schedule and the step variable itself: a copy made with from_config (an
    optimizer cloned in memory) reads the same counter; not serialisable to JSON."""
    return {"schedule": self.schedule, "step": self.step}

  @classmethod
  def from_config(cls, config):
    return cls(config["schedule"], config["step"])


def copy_of(optimizer: keras.optimizers.Optimizer) -> keras.optimizers.Optimizer:
  """A fresh optimizer with ``optimizer``'s settings, for a further player (its own slots).

  A learning-rate schedule is shared as the object itself (it reads the model's step
  counter); under loss scaling the copy is of the inner optimizer, wrapped again.
  """
  inner = getattr(optimizer, "inner_optimizer", optimizer)
  settings = inner.get_config()
  schedule = getattr(inner, "_learning_rate", None)
  if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
    settings["learning_rate"] = schedule
  copy = type(inner).from_config(settings)
  if inner is not optimizer:
    copy = keras.optimizers.LossScaleOptimizer(copy)
  return copy
