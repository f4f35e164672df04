import contextlib
import errno
import io
import json
import os
import shutil
import tempfile
from unittest import mock

import numpy as np
import tensorflow as tf

from tests import checkpoints_test
from tests import testutil
from tfgan_info import checkpoints
from tfgan_info import config as config_lib
from tfgan_info import disk
from tfgan_info import evaluate
from tfgan_info import export as export_lib
from tfgan_info import locks
from tfgan_info import train_lib
from tfgan_info import served as served_lib
from tfgan_info.networks import normalization
from tfgan_info.callbacks import model_step


def events(model_dir):
  """[(step, tag, value)] of the run's TensorBoard event files."""
  from tensorflow.core.util import event_pb2  # pylint: disable=g-import-not-at-top
  out = []
  for path in sorted(tf.io.gfile.glob(os.path.join(model_dir, "logs", "train", "events.*"))):
    for record in tf.data.TFRecordDataset(path):
      event = event_pb2.Event.FromString(record.numpy())
      out += [(event.step, v.tag, v) for v in event.summary.value]
  return out


def scalars(model_dir):
  """{tag: {step: value}} of the run's scalar summaries."""
  out = {}
  for step, tag, value in events(model_dir):
    if value.metadata.plugin_data.plugin_name == "scalars":
      out.setdefault(tag, {})[step] = float(tf.make_ndarray(value.tensor))
  return out


def images(model_dir):
  """{tag: [steps]} of the run's image summaries."""
  out = {}
  for step, tag, value in events(model_dir):
    if value.metadata.plugin_data.plugin_name == "images":
      out.setdefault(tag, []).append(step)
  return out


class TrainLibTest(tf.test.TestCase):

  def test_learning_rate_decay_is_a_staircase_per_training_step(self):
    # The global step drives it, not each optimizer's own count: with 5 D steps or 2 G
    # steps per training step both players decay on the same steps.
    config = testutil.tiny_dcgan_config(self.get_temp_dir()).replace(
        optimizer=dict(d_learning_rate=1e-3, g_learning_rate=4e-3, lr_decay_steps=3,
                       lr_decay_rate=0.5), params=dict(generator_steps=2))
    model = train_lib.compile_model(train_lib.build_model(config), config)
    for step, factor in ((0, 1.0), (2, 1.0), (3, 0.5), (7, 0.25)):
      model.global_step.assign(step)
      model.d_optimizer.iterations.assign(5 * step)
      model.g_optimizer.iterations.assign(2 * step)
      self.assertAllClose(model.d_optimizer.learning_rate, 1e-3 * factor)
      self.assertAllClose(model.g_optimizer.learning_rate, 4e-3 * factor)
    constant = train_lib.compile_model(train_lib.build_model(testutil.tiny_config("")),
                                       testutil.tiny_config(""))
    constant.d_optimizer.iterations.assign(100)
    self.assertAllClose(constant.d_optimizer.learning_rate, 2e-4)

  def test_k_batches_per_step_are_the_k_next_batches_of_the_stream(self):
    # WGAN-GP's 5 critic steps each take their own real batch: the stream of k = 1, stacked.
    plain = testutil.tiny_dcgan_config("")
    stacked = plain.replace(model=dict(model="wgan_gp"), params=dict(discriminator_steps=3))
    first = [b["image"].numpy() for b in train_lib.train_dataset(plain).take(6)]
    batches = [b["image"].numpy() for b in train_lib.train_dataset(stacked).take(2)]
    self.assertEqual(batches[0].shape, (plain.data.batch_size, 3, 28, 28, 1))
    for step in range(2):
      for i in range(3):
        self.assertAllEqual(batches[step][:, i], first[3 * step + i])
    resumed = next(iter(train_lib.train_dataset(stacked, start_step=1)))["image"].numpy()
    self.assertAllEqual(resumed, batches[1])

  def test_xla_on_cpu_false_compiles_only_where_a_gpu_is_visible(self):
    config = testutil.tiny_config("", jit_compile=True)
    on = config.replace(runtime={"xla_on_cpu": True})
    self.assertTrue(train_lib.resolve_xla(on, gpus=[]).runtime.jit_compile)
    off = config.replace(runtime={"xla_on_cpu": False})
    self.assertFalse(train_lib.resolve_xla(off, gpus=[]).runtime.jit_compile)
    self.assertTrue(train_lib.resolve_xla(off, gpus=["GPU:0"]).runtime.jit_compile)
    self.assertFalse(train_lib.resolve_xla(  # never turns XLA on
        off.replace(runtime={"jit_compile": False}), gpus=["GPU:0"]).runtime.jit_compile)
    # The default, and base.cfg's for every config (BUILD.md, "Issue 16, fourth part"); it is
    # runtime only, so a run resumes with either value.
    self.assertFalse(config_lib.RuntimeConfig().xla_on_cpu)
    with open(os.path.join(testutil.ROOT, "configs", "base.cfg")) as f:
      self.assertIn("--xla_on_cpu=false\n", f.read())
    self.assertIn("xla_on_cpu", config_lib.RESUMABLE_FIELDS)

  def test_run_writes_everything_and_resumes(self):
    model_dir = os.path.join(self.get_temp_dir(), "run")
    config = testutil.tiny_config(model_dir, train_steps=5)
    model, path = train_lib.run(config)
    self.assertEqual(model_step(model), 5)
    self.assertEqual(path, os.path.join(model_dir, "export", "infogan", "5"))
    with open(os.path.join(model_dir, "config.json")) as f:
      self.assertEqual(json.load(f), train_lib.resolve_precision(config).to_dict())
    ckpt = tf.train.latest_checkpoint(os.path.join(model_dir, "checkpoints"))
    self.assertTrue(ckpt.endswith("ckpt-5"))
    self.assertTrue(os.path.exists(os.path.join(model_dir, "images", "traversal_code1.png")))
    self.assertNotEmpty(tf.io.gfile.glob(os.path.join(model_dir, "logs", "train", "events.*")))

    # Restarting with more steps resumes at step 5 and trains exactly 8 in all; then
    # re-exports.
    weights_at_5 = model.generator.get_weights()
    resumed, path = train_lib.run(config.replace(runtime={"train_steps": 8}))
    self.assertEqual(model_step(resumed), 8)
    self.assertEqual(int(resumed.g_optimizer.iterations), 8)
    self.assertTrue(path.endswith(os.path.join("infogan", "8")))

    # A restart with nothing left to do restores the same weights and does not train.
    again, _ = train_lib.run(config.replace(runtime={"train_steps": 8}))
    self.assertEqual(model_step(again), 8)
    for a, b in zip(again.generator.get_weights(), resumed.generator.get_weights()):
      self.assertAllClose(a, b)
    self.assertFalse(all(np.allclose(a, b) for a, b in
                         zip(weights_at_5, resumed.generator.get_weights())))

  def test_resumed_run_equals_uninterrupted_run(self):
    # Stopped at step 3 (mid-window), then resumed to 7: weights, optimizer moments, the
    # latent seed state and the data stream all continue, so the result is the 7-step run's.
    config = testutil.tiny_config(os.path.join(self.get_temp_dir(), "straight"),
                                  train_steps=7, steps_per_epoch=3, summary_every=2,
                                  image_every=100)
    straight, _ = train_lib.run(config)
    stopped = config.replace(runtime={"model_dir": os.path.join(self.get_temp_dir(), "stop")})
    train_lib.run(stopped.replace(runtime={"train_steps": 3}))
    resumed, _ = train_lib.run(stopped)
    self.assertEqual(model_step(resumed), 7)
    for v, a, b in zip(straight.weights, straight.get_weights(), resumed.get_weights()):
      self.assertAllClose(a, b, rtol=1e-6, atol=1e-7, msg=v.path)
    self.assertAllEqual(straight.seed_generator.state, resumed.seed_generator.state)

    # Scalars are means over windows of 2 steps keyed on the global step: the resumed run
    # logs the values of the run never stopped at steps 2, 6 and 7 (the end), plus a point
    # where it stopped (3) and at its own first window (4, step 4 alone): no running mean
    # carried over the restart, so no jump.
    straight_scalars = scalars(config.runtime.model_dir)
    resumed_scalars = scalars(stopped.runtime.model_dir)
    self.assertEqual(sorted(straight_scalars["loss/d_loss"]), [2, 4, 6, 7])
    self.assertEqual(sorted(resumed_scalars["loss/d_loss"]), [2, 3, 4, 6, 7])
    for tag in ("loss/d_loss", "loss/g_loss", "info/mi_cat", "info/mi_cont",
                "discriminator/d_real"):
      for step in (2, 6, 7):
        self.assertAllClose(resumed_scalars[tag][step], straight_scalars[tag][step],
                            rtol=1e-5, msg=f"{tag} at {step}")
    # Images at the first window of each process and at the end.
    self.assertEqual(sorted(images(stopped.runtime.model_dir)["images/samples"]), [2, 3, 4, 7])

  def test_init_from_starts_infogan_cr_from_an_infogan_run(self):
    # InfoGAN-CR's recipe: an InfoGAN (modified) run, then the contrastive phase from its
    # weights. The new run takes G, D/Q, their optimizers, the step and the latent seed state;
    # H and its optimizer start fresh.
    base = testutil.tiny_dsprites_infogan_config(
        os.path.join(self.get_temp_dir(), "mod"), train_steps=3, image_every=100).replace(
            model=dict(architecture="infogan_cr_dsprites", width=8))
    mod, _ = train_lib.run(base)
    cr_config = base.replace(
        model=dict(model="infogan_cr"), params=dict(cr_start_step=3),
        runtime=dict(model_dir=os.path.join(self.get_temp_dir(), "cr"),
                     init_from=base.runtime.model_dir))
    start, _ = train_lib.run(cr_config)  # nothing left to train: the initialised model
    self.assertEqual(model_step(start), 3)
    for a, b in zip(mod.generator.get_weights() + mod.discriminator.get_weights(),
                    start.generator.get_weights() + start.discriminator.get_weights()):
      self.assertAllEqual(a, b)
    self.assertAllEqual(mod.seed_generator.state, start.seed_generator.state)
    self.assertEqual(int(start.g_optimizer.iterations), int(mod.g_optimizer.iterations))
    self.assertEqual(int(start.h_optimizer.iterations), 0)
    line = checkpoints.describe_init(
        "ckpt-3", ["h_optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE",
                   "h_optimizer/_variables/1/.ATTRIBUTES/VARIABLE_VALUE",
                   "model/pair_classifier/layers/0/u/.ATTRIBUTES/VARIABLE_VALUE"], [])
    self.assertEqual(line, "Initialised from ckpt-3; kept at their initial values: "
                     "h_optimizer, model/pair_classifier; not used: none")

    # Two more steps: from step 3 on H trains and G sees L_c; a resume uses the run's own
    # checkpoints, not --init_from's.
    cr, _ = train_lib.run(cr_config.replace(runtime={"train_steps": 5}))
    self.assertEqual(model_step(cr), 5)
    self.assertEqual(int(cr.h_optimizer.iterations), 2)
    self.assertTrue(tf.train.latest_checkpoint(
        os.path.join(cr_config.runtime.model_dir, "checkpoints")).endswith("ckpt-5"))

    # Refused, before a config.json is written: the same networks at another width (a
    # value of another shape), another model's run (none of the weights), a folder without
    # checkpoints.
    wide = base.replace(model=dict(width=16),
                        runtime=dict(model_dir=os.path.join(self.get_temp_dir(), "wide"),
                                     init_from=base.runtime.model_dir))
    with self.assertRaisesRegex(ValueError, "does not fit this model"):
      train_lib.run(wide)
    self.assertFalse(os.path.exists(os.path.join(wide.runtime.model_dir, "config.json")))
    mnist = testutil.tiny_config(os.path.join(self.get_temp_dir(), "mnist"),
                                 init_from=base.runtime.model_dir)
    with self.assertRaisesRegex(ValueError, "holds none of this model's weights"):
      train_lib.run(mnist)
    empty = os.path.join(self.get_temp_dir(), "empty")
    os.makedirs(empty)
    with self.assertRaisesRegex(FileNotFoundError, "no checkpoint there"):
      train_lib.run(mnist.replace(runtime=dict(init_from=empty, model_dir=empty + "_run")))

  def test_time_based_checkpoints_and_partial_saves_removed(self):
    model_dir = os.path.join(self.get_temp_dir(), "timed")
    config = testutil.tiny_config(model_dir, train_steps=3, checkpoint_every=1000,
                                  checkpoint_every_secs=1e-6)
    partial = os.path.join(model_dir, "checkpoints", "ckpt-2_temp")
    os.makedirs(partial)  # what a process killed while saving leaves behind
    open(os.path.join(partial, "part-00000-of-00001.data-00000-of-00001"), "w").close()
    train_lib.run(config)
    self.assertFalse(os.path.exists(partial))
    manager_steps = [int(p.rsplit("-", 1)[1]) for p in tf.train.get_checkpoint_state(
        os.path.join(model_dir, "checkpoints")).all_model_checkpoint_paths]
    self.assertEqual(manager_steps, [1, 2, 3])

  def test_a_start_that_fails_on_data_writes_no_config(self):
    model_dir = os.path.join(self.get_temp_dir(), "nodata")
    with self.assertRaisesRegex(ValueError, "is not a folder"):
      train_lib.run(testutil.tiny_config(model_dir).replace(
          data={"raw_data_dir": "/nonexistent/raw"}))
    self.assertFalse(os.path.exists(os.path.join(model_dir, "config.json")))

  def test_start_up_lines(self):
    config = testutil.tiny_config("runs/x", train_steps=50)
    fresh = train_lib.describe_start(config, 0, 180.0)
    self.assertTrue(fresh.startswith("infogan on mnist: new run of 50 steps (batch 8) in runs/x"))
    self.assertIn("runs/x/checkpoints/ (every 2 steps and every 3 min, and on Ctrl-C)", fresh)
    self.assertIn("tensorboard --logdir runs/x/logs", fresh)
    self.assertIn("runs/x/export/infogan/<step>/", fresh)
    resumed = train_lib.describe_start(config, 20, 0.0)
    self.assertTrue(resumed.startswith(
        "infogan on mnist: resuming runs/x from its checkpoint at step 20; 30 of 50 steps left"))
    self.assertIn("(every 2 steps, and on Ctrl-C)", resumed)
    self.assertIn("already trained to step 50", train_lib.describe_start(config, 50, 0.0))
    self.assertIn("checkpoints/ (every 2 steps)\n",  # multi-worker: no save on a signal
                  train_lib.describe_start(config, 0, 0.0, on_signal=False))

  def test_bfloat16_weight_export(self):
    # Re-running a finished run with --export_weights=bfloat16 adds a second SavedModel with
    # bfloat16 weights (float32 inputs and outputs) beside the float32 one, and leaves the
    # float32 export alone; the two generate the same images to bfloat16 rounding.
    model_dir = os.path.join(self.get_temp_dir(), "bf16")
    config = testutil.tiny_config(model_dir, train_steps=2)
    _, path32 = train_lib.run(config)
    _, path16 = train_lib.run(config.replace(runtime={"export_weights": "bfloat16"}))
    self.assertEqual(path16, os.path.join(model_dir, "export", "infogan_bfloat16", "2"))
    self.assertTrue(os.path.isdir(path32))
    full, half = tf.saved_model.load(path32), tf.saved_model.load(path16)
    self.assertEqual(set(full.signatures), set(half.signatures))
    self.assertIn(tf.bfloat16, {v.dtype for v in half.variables})
    self.assertNotIn(tf.bfloat16, {v.dtype for v in full.variables})
    rng = np.random.default_rng(0)
    specs = full.signatures["generate"].structured_input_signature[1]
    inputs = {name: tf.constant(rng.uniform(-1, 1, [16] + spec.shape.as_list()[1:]), tf.float32)
              for name, spec in specs.items()}
    a = full.signatures["generate"](**inputs)["images"]
    b = half.signatures["generate"](**inputs)["images"]
    self.assertEqual(b.dtype, tf.float32)
    error = float(tf.reduce_max(tf.abs(a - b)))
    print(f"bfloat16 export: max |float32 - bfloat16| = {error:.4f}")
    self.assertLess(error, 0.05)
    self.assertGreater(error, 0.0)  # the weights were rounded

  def test_export_serves_batch_norm_statistics_of_real_images(self):
    # InfoGAN's D body and Q head serve real images (infer_codes): the export's copy carries
    # their batch statistics on real training images, so in inference mode it gives what the
    # trained networks give in training mode on those images; the trained model keeps its
    # moving averages. A model without real-data endpoints (GAN) is exported as trained.
    config = testutil.tiny_config(self.get_temp_dir())
    model = train_lib.compile_model(train_lib.build_model(config), config)
    model.fit(train_lib.train_dataset(config).take(2), epochs=1, verbose=0)
    bns = normalization.batch_norm_layers(model.discriminator)
    moving = [v.numpy().copy() for layer in bns for v in (layer.moving_mean,
                                                           layer.moving_variance)]
    served = served_lib.recalibrated(model, config)
    self.assertIsNot(served, model)
    after = [v.numpy() for layer in bns for v in (layer.moving_mean, layer.moving_variance)]
    for a, b in zip(moving, after, strict=True):
      self.assertAllEqual(a, b)
    (images,) = list(served_lib.recalibration_batches(config))
    self.assertEqual(images.shape[0], 16)
    self.assertAllClose(served.infer_codes(images, training=False),
                        model.infer_codes(images, training=True), rtol=1e-4, atol=1e-5)
    self.assertNotAllClose(model.infer_codes(images, training=False),
                           model.infer_codes(images, training=True))
    self.assertIs(served_lib.recalibrated(model, config.replace(
        runtime={"bn_recalibration_images": 0})), model)
    gan_config = config.replace(model={"model": "gan", "codes": ""})
    gan = train_lib.build_model(gan_config)
    self.assertIs(served_lib.recalibrated(gan, gan_config), gan)

  def test_export_serves_the_moving_average_of_the_generator(self):
    # --g_ema: G's optimizer keeps theta_EMA <- m theta_EMA + (1 - m) theta after each G
    # update (the first copies theta); the export's copy holds it in G (a GAN serves G
    # alone), with G's batch-norm statistics recomputed on prior draws, and the trained
    # model keeps its weights and statistics. Replayed here in NumPy from the weights after
    # each step.
    config = testutil.tiny_config(self.get_temp_dir()).replace(
        model={"model": "gan", "codes": ""}, optimizer={"g_ema": 0.5})
    model = train_lib.compile_model(train_lib.build_model(config), config)
    batches = list(train_lib.train_dataset(config).take(3))
    expected = None
    for batch in batches:
      model.train_step(batch)
      now = [v.numpy().copy() for v in model.generator.trainable_variables]
      expected = now if expected is None else [0.5 * e + 0.5 * w
                                               for e, w in zip(expected, now)]
    raw = [v.numpy().copy() for v in model.generator.weights]
    served = served_lib.served_generator(model, config)
    self.assertIsNot(served, model)
    trainable = {id(v) for v in model.generator.trainable_variables}
    averaged = iter(expected)
    for ours, theirs, before in zip(served.generator.weights, model.generator.weights, raw,
                                    strict=True):
      self.assertAllEqual(theirs.numpy(), before)  # the trained model keeps its weights
      if id(theirs) in trainable:
        self.assertAllClose(ours.numpy(), next(averaged), rtol=1e-5, atol=1e-6)
      else:  # batch-norm moving statistics: recomputed
        self.assertNotAllClose(ours.numpy(), before)
    self.assertNotAllClose(served.generator.trainable_variables[0],
                           model.generator.trainable_variables[0])
    # The recomputed statistics are those of the averaged G on the draws (one batch of 16):
    # in inference mode it gives what it gives in training mode on them.
    (draws,) = list(served_lib.generator_draws(served, config))
    self.assertEqual(draws[0].shape[0], 16)
    self.assertAllClose(served.generate(*draws, training=False),
                        served.generate(*draws, training=True), rtol=1e-4, atol=1e-5)
    kept = served_lib.served_generator(model, config.replace(
        runtime={"g_statistics_draws": 0}))
    for ours, theirs in zip(kept.generator.non_trainable_weights,
                            model.generator.non_trainable_weights, strict=True):
      self.assertAllEqual(ours.numpy(), theirs.numpy())  # those of training
    plain = config.replace(optimizer={"g_ema": 0.0})
    self.assertIs(served_lib.served_generator(model, plain), model)

  def test_export_can_recompute_the_trained_generators_statistics(self):
    # --g_recalibrate without --g_ema: the copy keeps G's trained weights, its batch-norm
    # statistics become those of the draws (inference mode then matches training mode on
    # them), and the trained model keeps the moving averages of training.
    config = testutil.tiny_config(self.get_temp_dir(), g_recalibrate=True).replace(
        model={"model": "gan", "codes": ""})
    model = train_lib.compile_model(train_lib.build_model(config), config)
    for batch in train_lib.train_dataset(config).take(2):
      model.train_step(batch)
    before = [v.numpy().copy() for v in model.generator.weights]
    served = served_lib.served_generator(model, config)
    self.assertIsNot(served, model)
    for ours, theirs in zip(served.generator.trainable_variables,
                            model.generator.trainable_variables, strict=True):
      self.assertAllEqual(ours.numpy(), theirs.numpy())
    for v, b in zip(model.generator.weights, before, strict=True):
      self.assertAllEqual(v.numpy(), b)
    (draws,) = list(served_lib.generator_draws(served, config))
    self.assertAllClose(served.generate(*draws, training=False),
                        served.generate(*draws, training=True), rtol=1e-4, atol=1e-5)
    self.assertNotAllClose(model.generate(*draws, training=False),
                           model.generate(*draws, training=True))
    # Off by default, and with no draws: the trained model itself is served.
    self.assertIs(served_lib.served_generator(
        model, config.replace(runtime={"g_recalibrate": False})), model)
    self.assertIs(served_lib.served_generator(
        model, config.replace(runtime={"g_statistics_draws": 0})), model)

  def test_the_data_stream_continues_at_the_resumed_step(self):
    config = testutil.tiny_config("")
    head = [b["image"].numpy() for b in train_lib.train_dataset(config).take(5)]
    tail = [b["image"].numpy() for b in train_lib.train_dataset(config, start_step=3).take(2)]
    self.assertAllEqual(head[3:], tail)

  def test_refuses_a_different_run_unless_overwrite(self):
    model_dir = os.path.join(self.get_temp_dir(), "other")
    train_lib.prepare_model_dir(testutil.tiny_config(model_dir))
    different = testutil.tiny_config(model_dir).replace(model={"codes": "cat:10"})
    with self.assertRaisesRegex(train_lib.RunMismatchError, "differs in model.codes"):
      train_lib.prepare_model_dir(different)
    open(os.path.join(model_dir, "stale.txt"), "w").close()
    train_lib.prepare_model_dir(different.replace(runtime={"overwrite": True}))
    self.assertFalse(os.path.exists(os.path.join(model_dir, "stale.txt")))
    # Changing only how long to train is a resume, not a different run.
    train_lib.prepare_model_dir(different.replace(runtime={"train_steps": 99}))

  def test_a_run_folder_of_an_earlier_package_is_refused(self):
    # Its checkpoints have no global step: a resume would restart the step count.
    model_dir = os.path.join(self.get_temp_dir(), "earlier")
    config = testutil.tiny_config(model_dir, train_steps=2)
    os.makedirs(model_dir)
    d = config.to_dict()
    d.pop("format")
    with open(os.path.join(model_dir, "config.json"), "w") as f:
      json.dump(d, f)
    with self.assertRaisesRegex(config_lib.ConfigFormatError,
                                f"{model_dir}/config.json: config format 1 was written by an "
                                "earlier tfgan_info"):
      train_lib.run(config)
    self.assertTrue(train_lib.check_model_dir(config.replace(runtime={"overwrite": True})))

  def test_bad_config_values(self):
    config = testutil.tiny_config(os.path.join(self.get_temp_dir(), "bad"))
    with self.assertRaisesRegex(ValueError, "Unknown model"):
      train_lib.build_model(config.replace(model={"model": "vae"}))
    with self.assertRaisesRegex(ValueError, "does not parse"):
      train_lib.build_model(config.replace(model={"codes": "cat10"}))
    with self.assertRaisesRegex(ValueError, "model_dir is required"):
      train_lib.prepare_model_dir(config.replace(runtime={"model_dir": ""}))
    with self.assertRaisesRegex(ValueError, "--checkpoint_every=2 must be multiples of 4"):
      train_lib.check_runtime(config.replace(runtime={
          "steps_per_execution": 4, "train_steps": 8, "steps_per_epoch": 4,
          "summary_every": 4, "image_every": 4}))
    train_lib.check_runtime(config.replace(runtime={"steps_per_execution": 2, "summary_every": 2}))

  def test_a_model_that_does_not_build_writes_no_config(self):
    model_dir = os.path.join(self.get_temp_dir(), "nobuild")
    with self.assertRaisesRegex(ValueError, "at least one code"):
      train_lib.run(testutil.tiny_config(model_dir).replace(model={"codes": ""}))
    self.assertFalse(os.path.exists(os.path.join(model_dir, "config.json")))

  def test_conditional_gan_must_condition_on_the_dataset_labels(self):
    base = testutil.tiny_config(self.get_temp_dir())
    with self.assertRaisesRegex(ValueError, "--codes=cat:10"):
      train_lib.build_model(base.replace(model=dict(model="cgan", architecture="mlp",
                                                    codes="cat:5")))
    with self.assertRaisesRegex(ValueError, "has none"):
      train_lib.build_model(base.replace(data=dict(dataset="celeb_a"), model=dict(
          model="cgan", architecture="dcgan", codes="cat:10")))
    model = train_lib.build_model(base.replace(model=dict(model="cgan", architecture="mlp",
                                                          codes="cat:10", noise_dim=7)))
    self.assertEqual(model.generator.input_shape, [(None, 7), (None,)])

  def test_ss_infogan_ties_its_first_code_to_the_labels(self):
    base = testutil.tiny_config(self.get_temp_dir())
    with self.assertRaisesRegex(ValueError, "start --codes with cat:10"):
      train_lib.build_model(base.replace(model=dict(model="ssinfogan",
                                                    codes="uniform:1,cat:10")))
    model = train_lib.build_model(base.replace(model=dict(model="ssinfogan")))
    self.assertEqual(model.discriminator.q_head.output_shape, (None, 12))



class SharedFolderFaultsTest(tf.test.TestCase):
  """A run folder or a disk shared with others: a checkpoint that cannot be read, a full
  disk (docs/design.md, "Shared folders"). On a 0.65 MB DCGAN."""

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.root = tempfile.mkdtemp(prefix="faults_")
    clean, _ = train_lib.run(testutil.tiny_dcgan_config(os.path.join(cls.root, "clean")))
    cls.clean = [w.numpy() for w in clean.weights]  # 4 steps, never interrupted

  @classmethod
  def tearDownClass(cls):
    shutil.rmtree(cls.root, ignore_errors=True)
    super().tearDownClass()

  def assertSameAsClean(self, model):
    self.assertEqual(model_step(model), 4)
    for a, b in zip(self.clean, [w.numpy() for w in model.weights], strict=True):
      self.assertAllEqual(a, b)

  def test_unreadable_checkpoints_and_exports_fall_back_to_the_newest_readable(self):
    model_dir = os.path.join(self.get_temp_dir(), "corrupt")
    config = testutil.tiny_dcgan_config(model_dir, verbose=1)
    train_lib.run(config.replace(runtime={"train_steps": 2}))
    train_lib.run(config)  # ckpt-2, ckpt-4 and the exports of steps 2 and 4
    checkpoints_test.damage(os.path.join(model_dir, "checkpoints", "ckpt-4"), "truncate")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
      model, _ = train_lib.run(config)
    self.assertRegex(out.getvalue().splitlines()[0],
                     r"^Moved unreadable checkpoint ckpt-4 to .*/checkpoints/unreadable/ \(.*"
                     r"ckpt-4.data-00000-of-00001 cannot be read: .*\); resuming from ckpt-2$")
    self.assertSameAsClean(model)  # steps 3 and 4 again: nothing lost
    # Readers take no lock: evaluate reads a folder a training process holds, and passes
    # over an export it cannot load.
    shard = tf.io.gfile.glob(os.path.join(model_dir, "export", "*", "4", "variables",
                                          "variables.data-*"))[0]
    with open(shard, "r+b") as f:
      f.truncate(100)
    err = io.StringIO()
    with locks.run_folder(model_dir), contextlib.redirect_stderr(err):
      results = evaluate.evaluate(model_dir, num_samples=0, batch_size=100)
    self.assertEqual(os.path.basename(results["export"]), "2")
    self.assertRegex(err.getvalue(), r"Note: Passed over unreadable export .*/4 \(.*\); "
                     r"using .*/2")
    # None readable: one error naming the file, nothing moved.
    for step in (2, 4):
      checkpoints_test.damage(os.path.join(model_dir, "checkpoints", f"ckpt-{step}"),
                              "delete_shard")
    with self.assertRaisesRegex(checkpoints.UnreadableCheckpointError,
                                r"^No readable checkpoint in .*/checkpoints: .*ckpt-4.data-"
                                r"00000-of-00001 is missing; restore the file from a copy"):
      train_lib.run(config)

  def full_disk_run(self, name, target, attribute, fail):
    """Runs 4 steps with ``target.attribute`` replaced by ``fail(original, *args)``;
    returns (model_dir, the `disk.DiskFullError`)."""
    model_dir = os.path.join(self.get_temp_dir(), name)
    original = getattr(target, attribute)

    def replaced(*args, **kwargs):
      return fail(original, *args, **kwargs)
    with mock.patch.object(target, attribute, replaced):
      with self.assertRaises(disk.DiskFullError) as raised:
        train_lib.run(testutil.tiny_dcgan_config(model_dir))
    return model_dir, raised.exception

  def test_a_full_disk_stops_with_one_line_and_loses_nothing(self):
    def failing_save(step):
      def save(original, manager, checkpoint_number=None, **kwargs):
        if checkpoint_number == step:  # half a checkpoint written, then the disk is full
          os.makedirs(os.path.join(manager.directory, f"ckpt-{step}_temp"))
          with open(os.path.join(manager.directory, f"ckpt-{step}.index"), "w") as f:
            f.write("half")
          raise tf.errors.ResourceExhaustedError(
              None, None, f".../ckpt-{step}_temp/part-00000-of-00001.data-00000-of-00001."
              "tempstate123; No space left on device [Op:SaveV2]")
        return original(manager, checkpoint_number=checkpoint_number, **kwargs)
      return save
    # The first save: no checkpoint is complete, and nothing of it is left.
    model_dir, error = self.full_disk_run("first", tf.train.CheckpointManager, "save",
                                          failing_save(2))
    self.assertRegex(str(error), r"^No space left on device writing checkpoint 2 to .*; no "
                     r"checkpoint is complete yet: free space and rerun the same command$")
    self.assertEqual(os.listdir(os.path.join(model_dir, "checkpoints")), [])
    model_dir, error = self.full_disk_run("checkpoint", tf.train.CheckpointManager, "save",
                                          failing_save(4))
    self.assertRegex(str(error), rf"^No space left on device writing checkpoint 4 to "
                     rf"{model_dir}/checkpoints; the last complete checkpoint is "
                     rf"{model_dir}/checkpoints/ckpt-2 \(step 2\): free space and rerun the "
                     r"same command to resume from it$")
    self.assertCountEqual(os.listdir(os.path.join(model_dir, "checkpoints")),
                          ["checkpoint", "ckpt-2.index", "ckpt-2.data-00000-of-00001"])
    model, _ = train_lib.run(testutil.tiny_dcgan_config(model_dir))
    self.assertSameAsClean(model)

    def scalar(original, name, *args, **kwargs):
      if tf.summary.experimental.get_step() == 3:
        raise tf.errors.UnknownError(None, None, "events.out: No space left on device")
      return original(name, *args, **kwargs)
    model_dir, error = self.full_disk_run("summary", tf.summary, "scalar", scalar)
    self.assertRegex(str(error), r"^No space left on device writing the TensorBoard scalars "
                     rf"to {model_dir}/logs/train; the last complete checkpoint is "
                     r".*/ckpt-2 \(step 2\)")

    class HalfWritten:
      def write_out(self, path, **kwargs):
        del kwargs
        os.makedirs(os.path.join(path, "variables"))
        raise OSError(errno.ENOSPC, "No space left on device")
    model_dir, error = self.full_disk_run("export", export_lib, "build_archive",
                                          lambda original, model: HalfWritten())
    self.assertRegex(str(error), r"^No space left on device writing the SavedModel of step 4 "
                     rf"to {model_dir}/export/gan; the last complete checkpoint is .*/ckpt-4 ")
    self.assertEqual(os.listdir(os.path.join(model_dir, "export", "gan")), [])  # no .tmp
    _, path = train_lib.run(testutil.tiny_dcgan_config(model_dir))  # exports, trains nothing
    self.assertEqual(os.listdir(os.path.dirname(path)), ["4"])

if __name__ == "__main__":
  tf.test.main()
