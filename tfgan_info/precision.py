"""Mixed precision by name: the Keras dtype policy a model is built under, and loss scaling.

``float32`` computes everything in float32. ``mixed_bfloat16`` and ``mixed_float16`` are Keras
mixed-precision policies (keras.io guides/mixed_precision): layers compute in the 16-bit type
while their variables stay float32. What stays float32 regardless (docs/design.md,
"Precision and XLA"):

- every network's last layer is built with ``dtype="float32"`` (G's tanh, D's logits, the Q
  head, the encoder's normalisation), so the losses, the ``tfp`` posteriors of the Q head
  (`posterior.q_distributions` also casts) and the exported endpoints see float32;
- batch-norm statistics and moving averages (Keras normalises 16-bit inputs in float32);
- optimizer state (the variables are float32).

``auto`` (the default of --precision) is the policy the package ships as its default
(`resolve`): float32 on every device, since no 16-bit policy has yet matched float32's
quality over seeds (docs/design.md, "Precision and XLA"). A run records the policy it
resolved to in its config.json, and a resume keeps it (`train_lib.run`).

float16 also needs loss scaling against gradient underflow: `optimizer` wraps the optimizer in
`keras.optimizers.LossScaleOptimizer`, and `models.base.TwoPlayerModel.apply_step` scales the
loss it differentiates (bfloat16 has float32's exponent range and needs none).
"""

import contextlib

import keras

POLICIES = ("float32", "mixed_bfloat16", "mixed_float16")
PRECISIONS = ("auto",) + POLICIES
# Policies of a serving copy (`served.serving_model`): weights and compute in bfloat16.
WEIGHT_POLICIES = ("bfloat16",)


# The policy ``auto`` stands for. A 16-bit policy becomes the default only where its full runs
# match float32's quality over seeds: on CPUs without bf16 instructions the 16-bit policies
# are several times slower, with them infogan_mnist lost c1 quality in bf16, and no GPU
# quality run has been made (docs/performance.md#precision-and-xla-on-a-cpu).
DEFAULT_POLICY = "float32"


def resolve(name: str) -> str:
  """``name``, or for ``auto`` the shipped default (`DEFAULT_POLICY`).

  Raises:
    ValueError: for an unknown name.
  """
  if name not in PRECISIONS:
    raise ValueError(f"Unknown precision {name!r}: use one of {PRECISIONS}")
  return DEFAULT_POLICY if name == "auto" else name


@contextlib.contextmanager
def policy_scope(name: str):
  """Builds layers under the Keras dtype policy ``name`` (``auto``: `resolve`) inside the
  block, then restores the previous global policy (layers keep the policy they were built
  with).

  Raises:
    ValueError: for an unknown name.
  """
  previous = keras.config.dtype_policy()
  keras.config.set_dtype_policy(name if name in WEIGHT_POLICIES else resolve(name))
  try:
    yield
  finally:
    keras.config.set_dtype_policy(previous)


def optimizer(opt: keras.optimizers.Optimizer, name: str) -> keras.optimizers.Optimizer:
  """``opt``, wrapped for dynamic loss scaling under mixed_float16 (``name`` as in
  `policy_scope`)."""
  if resolve(name) == "mixed_float16":
    return keras.optimizers.LossScaleOptimizer(opt)
  return opt


def scale_loss(opt: keras.optimizers.Optimizer, loss):
  """The loss to differentiate: scaled by a LossScaleOptimizer (whose apply_gradients unscales
  the gradients and skips a step with non-finite ones), else ``loss`` itself."""
  if isinstance(opt, keras.optimizers.LossScaleOptimizer):
    return opt.scale_loss(loss)
  return loss
