import json
import os

import numpy as np
import tensorflow as tf

from tests import testutil
from tfgan_info import train_lib
from tfgan_info.callbacks import model_step


class TrainLibTest(tf.test.TestCase):

  def test_learning_rate_decay_is_a_staircase_per_optimizer_step(self):
    config = testutil.tiny_config(self.get_temp_dir()).replace(
        optimizer=dict(d_learning_rate=1e-3, g_learning_rate=4e-3, lr_decay_steps=3,
                       lr_decay_rate=0.5))
    model = train_lib.compile_model(train_lib.build_model(config), config)
    for step, factor in ((0, 1.0), (2, 1.0), (3, 0.5), (7, 0.25)):
      model.d_optimizer.iterations.assign(step)
      model.g_optimizer.iterations.assign(step)
      self.assertAllClose(model.d_optimizer.learning_rate, 1e-3 * factor)
      self.assertAllClose(model.g_optimizer.learning_rate, 4e-3 * factor)
    constant = train_lib.compile_model(train_lib.build_model(testutil.tiny_config("")),
                                       testutil.tiny_config(""))
    constant.d_optimizer.iterations.assign(100)
    self.assertAllClose(constant.d_optimizer.learning_rate, 2e-4)

  def test_run_writes_everything_and_resumes(self):
    model_dir = os.path.join(self.get_temp_dir(), "run")
    config = testutil.tiny_config(model_dir, train_steps=5)
    model, path = train_lib.run(config)  # two epochs of 2 steps and a last step
    self.assertEqual(model_step(model), 5)
    self.assertEqual(path, os.path.join(model_dir, "export", "infogan", "5"))
    with open(os.path.join(model_dir, "config.json")) as f:
      self.assertEqual(json.load(f), config.to_dict())
    ckpt = tf.train.latest_checkpoint(os.path.join(model_dir, "checkpoints"))
    self.assertTrue(ckpt.endswith("ckpt-5"))
    self.assertTrue(os.path.exists(os.path.join(model_dir, "images", "traversal_code1.png")))
    self.assertNotEmpty(tf.io.gfile.glob(os.path.join(model_dir, "logs", "train", "events.*")))

    # Restarting with more steps resumes at step 5: the rest of an epoch (1 step), one whole
    # epoch and a last step, exactly 8 in all; then re-exports.
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
    # Stopped at step 3 (mid-epoch), then resumed to 7: weights, optimizer moments, the latent
    # seed state and the data stream all continue, so the result is the 7-step run's.
    config = testutil.tiny_config(os.path.join(self.get_temp_dir(), "straight"),
                                  train_steps=7, steps_per_epoch=3, image_every=100)
    straight, _ = train_lib.run(config)
    stopped = config.replace(runtime={"model_dir": os.path.join(self.get_temp_dir(), "stop")})
    train_lib.run(stopped.replace(runtime={"train_steps": 3}))
    resumed, _ = train_lib.run(stopped)
    self.assertEqual(model_step(resumed), 7)
    for v, a, b in zip(straight.weights, straight.get_weights(), resumed.get_weights()):
      self.assertAllClose(a, b, rtol=1e-6, atol=1e-7, msg=v.path)
    self.assertAllEqual(straight.seed_generator.state, resumed.seed_generator.state)

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
    self.assertTrue(model.conditional)
    self.assertEqual(model.generator.input_shape, [(None, 7), (None,)])

  def test_ss_infogan_ties_its_first_code_to_the_labels(self):
    base = testutil.tiny_config(self.get_temp_dir())
    with self.assertRaisesRegex(ValueError, "start --codes with cat:10"):
      train_lib.build_model(base.replace(model=dict(model="ssinfogan",
                                                    codes="uniform:1,cat:10")))
    model = train_lib.build_model(base.replace(model=dict(model="ssinfogan")))
    self.assertEqual(model.discriminator.q_head.output_shape, (None, 12))


if __name__ == "__main__":
  tf.test.main()
