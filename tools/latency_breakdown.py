"""Where the batch-1 latency of a SavedModel's `generate` goes.

  python tools/latency_breakdown.py --flagfile=configs/infogan_mnist.cfg

Prints, as p50 over ``--calls`` calls at batch 1:
- the exported `generate` signature, ``--repeats`` times (`benchmarks.serving_latency`);
- the generator in a `tf.function`, without and with XLA;
- the generator's largest Dense layer's matmul alone (its weights' size in MB: at batch 1 the
  layer streams its weights from memory once per call);
- the export's in-graph input checks (`signatures.checked`): pass-through signatures with and
  without them, called alternately.
"""

import sys
import tempfile

from absl import app
from absl import flags

from tfgan_info import benchmarks
from tfgan_info import timing
from tfgan_info import train as train_flags

FLAGS = flags.FLAGS


def main(argv):
  del argv
  import keras  # pylint: disable=g-import-not-at-top
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfgan_info import signatures  # pylint: disable=g-import-not-at-top
  from tfgan_info import train_lib  # pylint: disable=g-import-not-at-top
  try:
    config, calls = train_flags.config_from_flags(), FLAGS.calls
  except ValueError as e:
    sys.exit(f"Error: {e}")
  for i in range(FLAGS.repeats):
    r = benchmarks.serving_latency(config, calls)
    print(f"exported generate, run {i + 1}: p50 {r['p50_ms']:.2f} ms", flush=True)

  model = train_lib.build_model(config)
  generator = model.generator
  latent = tf.random.normal([1, generator.input_shape[-1]])
  for xla in (False, True):
    fn = tf.function(lambda x: generator(x, training=False), jit_compile=xla)
    print(f"generator in a tf.function, XLA {xla}: p50 "
          f"{timing.p50_ms(lambda: fn(latent).numpy(), calls):.2f} ms", flush=True)
  dense = max((layer for layer in generator.layers if isinstance(layer, keras.layers.Dense)),
              key=lambda layer: layer.kernel.shape.num_elements())
  kernel = tf.convert_to_tensor(dense.kernel)
  row = tf.random.normal([1, kernel.shape[0]])
  matmul = tf.function(lambda: tf.matmul(row, kernel))
  print(f"largest Dense matmul {kernel.shape[0]}x{kernel.shape[1]} "
        f"({4 * kernel.shape.num_elements() / 1e6:.1f} MB float32): p50 "
        f"{timing.p50_ms(lambda: matmul().numpy(), calls):.2f} ms", flush=True)

  # The config's generator input widths (infogan_mnist: noise 62, codes 12).
  noise_dim, code_dim = model.latent_spec.noise_dim, model.latent_spec.code_dim
  spec = [tf.TensorSpec([None, noise_dim], tf.float32, name="noise"),
          tf.TensorSpec([None, code_dim], tf.float32, name="codes")]

  class PassThrough(tf.Module):

    def __init__(self, checked):
      super().__init__()
      self.checked = checked

    @tf.function(input_signature=spec)
    def generate(self, noise, codes):
      x = signatures.checked("generate", noise=noise, codes=codes) if self.checked else {
          "noise": noise, "codes": codes}
      return {"noise": x["noise"] * 1.0, "codes": x["codes"] * 1.0}

  noise, codes = tf.zeros([1, noise_dim]), tf.zeros([1, code_dim])
  endpoints = {}
  with tempfile.TemporaryDirectory() as tmp:
    for checked in (False, True):
      module = PassThrough(checked)
      tf.saved_model.save(module, f"{tmp}/{checked}", signatures={"generate": module.generate})
      endpoints[checked] = tf.saved_model.load(f"{tmp}/{checked}").signatures["generate"]
    medians = {False: [], True: []}
    for block in range(20):  # alternate, so drifting machine load hits both alike
      for checked in ((False, True) if block % 2 == 0 else (True, False)):
        medians[checked].append(timing.p50_ms(
            lambda c=checked: endpoints[c](noise=noise, codes=codes)["noise"].numpy(),
            calls // 20, warmup=10))
  import numpy as np  # pylint: disable=g-import-not-at-top
  plain, checked = np.median(medians[False]), np.median(medians[True])
  print(f"pass-through signature: p50 {1e3 * plain:.1f} us, with the in-graph checks "
        f"{1e3 * checked:.1f} us ({1e3 * (checked - plain):+.1f} us)")


if __name__ == "__main__":
  train_flags.define_flags()
  flags.DEFINE_integer("calls", 2000, "Timed calls per measurement.", lower_bound=20)
  flags.DEFINE_integer("repeats", 3, "Runs of the exported generate measurement.",
                       lower_bound=1)
  app.run(main)
