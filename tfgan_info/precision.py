"""Mixed precision by name: the Keras dtype policy a model is built under, and loss scaling.

``float32`` computes everything in float32. ``mixed_bfloat16`` and ``mixed_float16`` are Keras
mixed-precision policies (keras.io guides/mixed_precision): layers compute in the 16-bit type
while their variables stay float32. What stays float32 regardless (docs/design.md,
"Precision"):

- every network's last layer is built with ``dtype="float32"`` (G's tanh, D's logits, the Q
  head, the encoder's normalisation), so the losses, the ``tfp`` posteriors of the Q head
  (`posterior.q_distributions` also casts) and the exported endpoints see float32;
- batch-norm statistics and moving averages (Keras normalises 16-bit inputs in float32);
- optimizer state (the variables are float32).

float16 also needs loss scaling against gradient underflow: `optimizer` wraps the optimizer in
`keras.optimizers.LossScaleOptimizer`, and `models.base.TwoPlayerModel.apply_step` scales the
loss it differentiates (bfloat16 has float32's exponent range and needs none).
"""

import contextlib

import keras

PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")


@contextlib.contextmanager
def policy_scope(name: str):
  """Builds layers under the Keras dtype policy ``name`` inside the block, then restores the
  previous global policy (layers keep the policy they were built with).

  Raises:
    ValueError: for an unknown name.
  """
  if name not in PRECISIONS:
    raise ValueError(f"Unknown precision {name!r}: use one of {PRECISIONS}")
  previous = keras.config.dtype_policy()
  keras.config.set_dtype_policy(name)
  try:
    yield
  finally:
    keras.config.set_dtype_policy(previous)


def optimizer(opt: keras.optimizers.Optimizer, name: str) -> keras.optimizers.Optimizer:
  """``opt``, wrapped for dynamic loss scaling under mixed_float16."""
  if name == "mixed_float16":
    return keras.optimizers.LossScaleOptimizer(opt)
  return opt


def scale_loss(opt: keras.optimizers.Optimizer, loss):
  """The loss to differentiate: scaled by a LossScaleOptimizer (whose apply_gradients unscales
  the gradients and skips a step with non-finite ones), else ``loss`` itself."""
  if isinstance(opt, keras.optimizers.LossScaleOptimizer):
    return opt.scale_loss(loss)
  return loss
