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
machine (`choose`): mixed_bfloat16 without XLA on a CPU-only machine with bfloat16
instructions, for configs whose bf16 runs matched float32 (they would set
--auto_bf16_on_cpu; none does yet), and float32 everywhere else. A run records the policy
it resolved to in its config.json, and a resume keeps it (`train_lib.run`).

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


def choose(gpu_capabilities, cpu_bf16: bool = False, bf16_on_cpu: bool = False) -> str:
  """The policy ``auto`` stands for on a machine with GPUs of the given (major, minor)
  compute capabilities ([] on a CPU-only machine) and, when it has none, a CPU with native
  bfloat16 instructions (``cpu_bf16``, `cpu_has_bf16`); ``bf16_on_cpu``: the config's
  --auto_bf16_on_cpu.

  A 16-bit policy becomes the default on a device only where it trains as well as float32
  (docs/design.md, "Precision and XLA"):

  - a CPU-only machine with AVX512_BF16 or AMX, for configs that set --auto_bf16_on_cpu:
    mixed_bfloat16 (trained without XLA, `bf16_cpu_step`), where TensorFlow's oneDNN kernels
    compute in bfloat16, 1.4x faster than float32 with XLA on InfoGAN MNIST. A config sets
    the flag once its full runs in bf16 match float32 over seeds; none does yet:
    infogan_mnist lost c1 quality in bf16 (BUILD.md, "Issue 16, third part");
  - every other case, float32: on CPUs without bf16 instructions the 16-bit policies are
    several times slower (TensorFlow's bf16 convolution gradients take a slow path), and on
    GPUs (bfloat16 tensor cores from compute capability 8.0, float16 from 7.0) no quality
    run has been possible yet (no GPU was lent; BUILD.md, "Quality of mixed_bfloat16").
  """
  if not gpu_capabilities and cpu_bf16 and bf16_on_cpu:
    return "mixed_bfloat16"
  return "float32"


def cpu_has_bf16(cpuinfo: str = "/proc/cpuinfo") -> bool:
  """Whether the CPU has bfloat16 dot-product instructions (the avx512_bf16 or amx_bf16 flag
  of Linux's ``cpuinfo``; False where the file cannot be read)."""
  try:
    with open(cpuinfo) as f:
      for line in f:
        if line.startswith("flags"):
          return bool({"avx512_bf16", "amx_bf16"} & set(line.split(":", 1)[-1].split()))
  except OSError:
    pass
  return False


def bf16_cpu_step(name: str, gpus) -> bool:
  """Whether a step of resolved policy ``name`` on a machine with the visible GPUs ``gpus``
  (empty: none) is the CPU bfloat16 step of `choose`, which runs without XLA: XLA:CPU
  rewrites bf16 dots and convolutions as float32 ones with conversions around them,
  0.88-1.08x of float32 with XLA against 1.13-1.87x for oneDNN's bf16 kernels (BUILD.md,
  "Throughput of every config")."""
  return name == "mixed_bfloat16" and not gpus


def gpu_capabilities():
  """[(major, minor)] compute capability of each visible GPU ((0, 0) where unknown)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return [tuple(tf.config.experimental.get_device_details(g).get("compute_capability", (0, 0)))
          for g in tf.config.list_physical_devices("GPU")]


def resolve(name: str, bf16_on_cpu: bool = False) -> str:
  """``name``, or for ``auto`` the policy shipped as this machine's default (`choose`;
  ``bf16_on_cpu``: the config's --auto_bf16_on_cpu).

  Raises:
    ValueError: for an unknown name.
  """
  if name not in PRECISIONS:
    raise ValueError(f"Unknown precision {name!r}: use one of {PRECISIONS}")
  if name != "auto":
    return name
  return choose(gpu_capabilities(), cpu_has_bf16(), bf16_on_cpu)


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
