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

``auto`` (the default of --precision) is the policy the package ships as a default for the
machine (`choose`): float32 everywhere today, because no 16-bit policy has shown quality
parity on InfoGAN MNIST (BUILD.md, "Quality of mixed_bfloat16"). A run records the policy it
resolved to in its config.json, and a resume keeps it (`train_lib.run`).

float16 also needs loss scaling against gradient underflow: `optimizer` wraps the optimizer in
`keras.optimizers.LossScaleOptimizer`, and `models.base.TwoPlayerModel.apply_step` scales the
loss it differentiates (bfloat16 has float32's exponent range and needs none).
"""

import contextlib

import keras

POLICIES = ("float32", "mixed_bfloat16", "mixed_float16")
PRECISIONS = ("auto",) + POLICIES
# Policies of a serving copy (`train_lib.serving_model`): weights and compute in bfloat16.
WEIGHT_POLICIES = ("bfloat16",)


def choose(gpu_capabilities) -> str:
  """The policy ``auto`` stands for, given the (major, minor) compute capabilities of the
  visible GPUs ([] on a CPU-only machine): float32 on every machine today.

  A 16-bit policy becomes the default on a device only once it trains as well as float32
  (docs/design.md, "Precision and XLA"). On a CPU, XLA:CPU computes bf16 dots and
  convolutions in float32 and only adds conversions; without XLA, bf16 is 1.22x faster on an
  AVX512_BF16 CPU (and matched float32 over two seeds of infogan_mnist) but several times
  slower without it, where TensorFlow's bf16 convolution gradients take a slow path (BUILD.md,
  "Precision, the single-pass step and the PyTorch peer", "mixed_bfloat16 on real bf16
  hardware"). On GPUs (bfloat16 tensor cores from compute capability 8.0, float16 from 7.0)
  it would be faster, but mixed_bfloat16 lost c1 quality on InfoGAN MNIST under the XLA:CPU
  proxy (BUILD.md, "Quality of mixed_bfloat16"), so it stays an explicit
  --precision=mixed_bfloat16 (or mixed_float16 on 7.x).
  """
  del gpu_capabilities  # every device: no 16-bit policy has quality parity yet
  return "float32"


def gpu_capabilities():
  """[(major, minor)] compute capability of each visible GPU ((0, 0) where unknown)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return [tuple(tf.config.experimental.get_device_details(g).get("compute_capability", (0, 0)))
          for g in tf.config.list_physical_devices("GPU")]


def resolve(name: str) -> str:
  """``name``, or for ``auto`` the policy this machine trains fastest with (`choose`).

  Raises:
    ValueError: for an unknown name.
  """
  if name not in PRECISIONS:
    raise ValueError(f"Unknown precision {name!r}: use one of {PRECISIONS}")
  return choose(gpu_capabilities()) if name == "auto" else name


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
