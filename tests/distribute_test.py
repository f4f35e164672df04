"""MirroredStrategy on two logical CPUs, and MultiWorkerMirroredStrategy on two worker
processes, give the same training steps as one device."""

import dataclasses
import json
import os
import socket
import subprocess
import sys
from unittest import mock

import keras
import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tests import testutil
from tests.configs_test import parse
from tests.train_test import TINY_RUN, checkpoint_step, cli_env
from tfgan_info import distribute
from tfgan_info import train_lib
from tfgan_info.callbacks import model_step
from tfgan_info.networks import discriminator
from tfgan_info.networks import infogan_mnist

GLOBAL_BATCH = 8
STEPS = 1
# SGD's rate. At 0.01 a step of InfoGAN-family D with the IIC term, or of AGE's g (lambda_z =
# 1000), moves the weights far enough that the G step after it amplifies 1e-7 round-off to
# 4e-3 (ss-InfoGAN) and 2e-2 (AGE) of G's update, measured on real MNIST: a chaotic comparison,
# not a replica error. At 1e-3 every model agrees to 1e-6 (run with -s for the ratios) but
# AGE with the 28x28 DCGAN networks of 2026-12-03 (7x7x256 projection, three convolutions):
# its G updates differ by 1.8e-3 of their norm at 1e-3 (the output bias, a sum with heavy
# cancellation, by 0.34), by 8e-8 at 1e-4 and 5e-8 at 1e-5. An error that shrinks with the
# rate is the e step's update amplified by the g step (lambda_z = 1000); a replica error
# would be a fixed fraction of the gradient at every rate. So AGE is compared at 1e-4.
LEARNING_RATE = 1e-3
LEARNING_RATES = {"age_mnist": 1e-4}


def train_steps(config, strategy, batches, learning_rate=LEARNING_RATE):
  """(model, initial weights, weights after STEPS steps) of ``config`` under ``strategy``.

  Plain SGD: the update is -lr * gradient, so the weights compare the gradients themselves.
  (Adam's first step is lr * g / (|g| + eps), about lr * sign(g): where a gradient entry is
  within float round-off of zero, as many of G's are at initialization, the two runs can
  step that entry in opposite directions, so Adam's weights are not comparable entry by entry.)
  """
  keras.utils.set_random_seed(config.runtime.seed)  # same initial weights on both sides
  with strategy.scope():
    model = train_lib.build_model(config)
    model.compile(keras.optimizers.SGD(learning_rate), keras.optimizers.SGD(learning_rate),
                  jit_compile=False)
    model.build_optimizers()
  initial = [v.numpy() for v in model.weights]
  dataset = tf.data.Dataset.from_tensor_slices(batches)  # batches: a nest of [steps, B, ...]
  model.fit(dataset, epochs=1, steps_per_epoch=STEPS, verbose=0)
  return model, initial, [v.numpy() for v in model.weights]


class DistributeTest(tf.test.TestCase, parameterized.TestCase):

  def test_two_logical_cpus(self):
    strategy = distribute.get_strategy("mirrored")
    self.assertEqual(strategy.num_replicas_in_sync, 2)
    self.assertEqual(distribute.get_strategy("default").num_replicas_in_sync, 1)
    with self.assertRaisesRegex(ValueError, "Unknown strategy"):
      distribute.get_strategy("horovod")

  def one_step_both_ways(self, name):
    """(one-device model, mirrored model, [(path, ||update error||, ||update||)]) after
    STEPS steps of config ``name`` from the same weights and batches."""
    config = parse(name).replace(
        data=dict(batch_size=GLOBAL_BATCH, raw_data_dir=testutil.RAW_DATA_DIR,
                  data_dir=testutil.TFDS_DIR, shuffle_buffer=64),
        runtime=dict(jit_compile=False))
    if "num_labeled" in dataclasses.asdict(config.params):
      config = config.replace(params=dict(num_labeled=20))
    if "cr_start_step" in dataclasses.asdict(config.params):
      # H and the CR term in step 1; narrow networks for a cheaper step.
      config = config.replace(params=dict(cr_start_step=0), model=dict(width=8))
    stream = iter(train_lib.train_dataset(config))
    batches = tf.nest.map_structure(lambda *t: tf.stack(t),
                                    *[next(stream) for _ in range(STEPS)])

    rate = LEARNING_RATES.get(name, LEARNING_RATE)
    one, one_initial, one_weights = train_steps(config, tf.distribute.get_strategy(), batches,
                                                rate)
    mirrored = distribute.get_strategy("mirrored")
    two, two_initial, two_weights = train_steps(config, mirrored, batches, rate)
    self.assertEqual(model_step(two), STEPS)
    for a, b in zip(one_initial, two_initial):
      self.assertAllEqual(a, b)
    rows = [(v.path, np.linalg.norm((b - start) - (a - start)), np.linalg.norm(a - start),
             a.size)
            for v, a, b, start in zip(one.weights, one_weights, two_weights, one_initial)]
    worst = max((r for r in rows if r[2]), key=lambda r: r[1] / r[2])
    total = np.linalg.norm([r[1] for r in rows]) / np.linalg.norm([r[2] for r in rows])
    print(f"{name}: update error / update norm: worst variable {worst[1] / worst[2]:.1e} "
          f"({worst[0]}), all variables {total:.1e}")
    return one, two, rows

  # InfoGAN and ss-InfoGAN with the paper's MNIST networks (batch norm in G, D and Q), the
  # DCGAN-network models, the MLP GAN, and InfoGAN-CR (spectral norm in D, its pair
  # classifier H trained from step 1): every model of the package but pix2pix.
  @parameterized.parameters("infogan_mnist", "ssinfogan_mnist", "gan_mnist", "dcgan_mnist",
                            "cgan_mnist", "age_mnist", "infogan_cr_dsprites")
  def test_mirrored_step_equals_one_device(self, name):
    # The updates agree to float round-off (run with -s for the measured ratios; G's gradient,
    # taken after the D step, amplifies D's round-off, and an output bias is a sum with heavy
    # cancellation). A replica-local batch norm is far off: see the next test.
    one, two, rows = self.one_step_both_ways(name)
    for path, error, norm, size in rows:
      # 2.4e-7: the float32 resolution of a weight near 1 (e.g. a batch-norm scale).
      self.assertLessEqual(error, 5e-2 * norm + 2.4e-7 * np.sqrt(size), f"{name}: {path}")
    self.assertLessEqual(np.linalg.norm([r[1] for r in rows]),
                         5e-3 * np.linalg.norm([r[2] for r in rows]), name)
    self.assertGreater(sum(r[2] > 0 for r in rows), len(rows) // 2)  # the steps did train
    for m1, m2 in zip(one.metrics, two.metrics):
      self.assertAllClose(m1.result(), m2.result(), rtol=1e-4, atol=1e-5, msg=m1.name)

  def test_replica_local_batch_norm_would_fail(self):
    # What the bounds above guard against: batch norm built per replica (synchronized=False).
    def per_replica(**kwargs):
      return keras.layers.BatchNormalization(synchronized=False, **kwargs)
    with mock.patch.object(infogan_mnist, "batch_norm", per_replica), \
        mock.patch.object(discriminator, "batch_norm", per_replica):
      _, _, rows = self.one_step_both_ways("infogan_mnist")
    # Measured: 0.2 of the update norm (at most 1e-6 with the synchronized batch norm).
    self.assertGreater(np.linalg.norm([r[1] for r in rows]),
                       0.05 * np.linalg.norm([r[2] for r in rows]))

  def assert_same_step(self, names, initial, one, other, tolerance=1e-2):
    """Each variable's update agrees to ``tolerance`` of its norm (lists of weights in the
    same order; run with -s for the measured worst ratio)."""
    worst = 0.0
    for name, start, a, b in zip(names, initial, one, other):
      update = a - start
      self.assertLessEqual(np.linalg.norm(b - a),
                           tolerance * np.linalg.norm(update) + 2.4e-7 * np.sqrt(update.size),
                           name)
      if np.linalg.norm(update):
        worst = max(worst, np.linalg.norm(b - a) / np.linalg.norm(update))
    print(f"{self.id()}: worst variable's update error / update norm {worst:.1e}")

  def test_xla_with_replicas_is_refused(self):
    config = testutil.tiny_config(os.path.join(self.get_temp_dir(), "xla"), train_steps=1,
                                  strategy="mirrored", jit_compile=True, xla_on_cpu=True)
    with self.assertRaisesRegex(ValueError, "one XLA cluster on one device"):
      train_lib.run(config)
    self.assertFalse(os.path.exists(config.runtime.model_dir))

  def test_keras_cannot_compile_a_mirrored_step(self):
    # Why the refusal above (docs/design.md, "Precision and XLA"): Keras 3.15 compiles
    # strategy.run as one XLA cluster, which cannot read replica 1's variables. The plainest
    # Keras model fails so; when a Keras release passes this, allow XLA with replicas.
    with distribute.get_strategy("mirrored").scope():
      model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
      model.compile(keras.optimizers.SGD(0.1), "mse", jit_compile=True)
    x = np.ones((8, 3), np.float32)
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                "Trying to access resource .*replica_1"):
      model.fit(x, x[:, :1], batch_size=4, epochs=1, verbose=0)

  def test_mirrored_run_equals_one_device_run(self):
    # train_lib.run end to end (Adam, real data pipeline, checkpoints, export), one step.
    config = testutil.tiny_config(os.path.join(self.get_temp_dir(), "one"), train_steps=1)
    keras.utils.set_random_seed(config.runtime.seed)
    initial = train_lib.build_model(config).get_weights()
    one, _ = train_lib.run(config)
    two, path = train_lib.run(config.replace(runtime=dict(
        model_dir=os.path.join(self.get_temp_dir(), "two"), strategy="mirrored")))
    self.assertEqual(two.distribute_strategy.num_replicas_in_sync, 2)
    self.assertEqual(model_step(two), 1)
    self.assert_same_step([v.path for v in one.weights], initial, one.get_weights(),
                          two.get_weights())
    loaded = tf.saved_model.load(path)
    self.assertEqual(loaded.sample(count=tf.constant(2), seed=tf.constant(0, tf.int64))[
        "images"].shape, (2, 28, 28, 1))

  def test_chief_task_from_tf_config(self):
    def spec(task_type, index, chief=False):
      cluster = {"worker": ["a:1", "b:2"], **({"chief": ["c:3"]} if chief else {})}
      return json.dumps({"cluster": cluster, "task": {"type": task_type, "index": index}})
    self.assertTrue(distribute.chief_task(""))
    self.assertTrue(distribute.chief_task(spec("worker", 0)))
    self.assertFalse(distribute.chief_task(spec("worker", 1)))
    self.assertFalse(distribute.chief_task(spec("worker", 0, chief=True)))
    self.assertTrue(distribute.chief_task(spec("chief", 0, chief=True)))

  def test_multi_worker_run_equals_one_process_run(self):
    """Two worker processes on 127.0.0.1 (TF_CONFIG), 3 steps of the real CLI."""
    root = self.get_temp_dir()
    args = [*TINY_RUN, "--train_steps=3", "--checkpoint_every=1", "--image_every=3"]
    ports = []
    for _ in range(2):
      with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        ports.append(sock.getsockname()[1])
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    workers = []
    for index in range(2):
      env = dict(cli_env(), TF_CONFIG=json.dumps(
          {"cluster": cluster, "task": {"type": "worker", "index": index}}))
      workers.append(subprocess.Popen(
          [sys.executable, "-m", "tfgan_info.train", *args, "--strategy=multi_worker",
           f"--model_dir={root}/multi"], cwd=testutil.ROOT, env=env, text=True,
          stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    single = subprocess.run([sys.executable, "-m", "tfgan_info.train", *args,
                             f"--model_dir={root}/single"], cwd=testutil.ROOT, env=cli_env(),
                            capture_output=True, text=True, timeout=300)
    self.assertEqual(single.returncode, 0, single.stderr[-2000:])
    for worker in workers:
      output, _ = worker.communicate(timeout=300)
      self.assertEqual(worker.returncode, 0, output[-3000:])

    # The chief (worker 0) wrote the run; worker 1's scratch copies are gone.
    self.assertEqual(checkpoint_step(f"{root}/multi"), 3)
    self.assertFalse(os.path.exists(f"{root}/multi/workers/worker_1"))
    self.assertTrue(os.path.exists(f"{root}/multi/export/infogan/3/saved_model.pb"))
    # Only the chief recorded its command in the run's training.json (the result record's).
    with open(f"{root}/multi/results/training.json") as f:
      self.assertLen(json.load(f), 1)
    # Step 1 compared variable by variable with the one-process run (later Adam steps amplify
    # round-off where a gradient is near zero; see train_steps).
    config = parse("infogan_mnist").replace(data=dict(batch_size=8))
    keras.utils.set_random_seed(0)
    model = train_lib.build_model(config)
    initial = model.get_weights()

    def weights_at_step_1(model_dir):
      tf.train.Checkpoint(model=model).restore(
          f"{model_dir}/checkpoints/ckpt-1").expect_partial()
      return model.get_weights()
    self.assert_same_step([v.path for v in model.weights], initial,
                          weights_at_step_1(f"{root}/single"),
                          weights_at_step_1(f"{root}/multi"))


if __name__ == "__main__":
  tf.test.main()
