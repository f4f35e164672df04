"""Tests of tfgan_info/restarts.py: the label-free restart rule, alone and inside a run."""

import json
import math
import os

import numpy as np
import tensorflow as tf

from tests import testutil
from tfgan_info import evaluate
from tfgan_info import restarts
from tfgan_info import train_lib
from tfgan_info.callbacks import model_step


def rule(**kw):
  d = dict(step=3000, metric="iic", below=2.0, window=1000, max_restarts=2)
  d.update(kw)
  return restarts.Rule(**d)


class RuleTest(tf.test.TestCase):

  def test_seeds_of_attempts(self):
    self.assertEqual([restarts.attempt_seed(4, k) for k in range(3)], [4, 1004, 2004])

  def test_decide_passes_restarts_then_keeps_the_best(self):
    r, state = rule(), restarts.State()
    self.assertFalse(restarts.decide(state, r, 1.96))  # attempt 0 fails
    state.attempt = 1
    self.assertFalse(restarts.decide(state, r, 1.99))
    state.attempt = 2
    self.assertFalse(restarts.decide(state, r, 1.90))  # last, but attempt 1 is better
    self.assertEqual(state.best(), 1)
    state = restarts.State(attempt=2, scores=[1.9, 1.8])
    self.assertTrue(restarts.decide(state, r, 1.95))  # last and best: trains on
    self.assertTrue(restarts.decide(restarts.State(), r, 2.0))  # at the threshold: passes
    self.assertEqual(restarts.State(scores=[math.nan, 1.0]).best(), 1)

  def test_advance_moves_folders_and_revives_the_best(self):
    model_dir = self.get_temp_dir()
    r = rule(max_restarts=1)

    def touch(name, text):
      os.makedirs(os.path.join(model_dir, name), exist_ok=True)
      with open(os.path.join(model_dir, name, "f"), "w") as f:
        f.write(text)

    for name in restarts.ATTEMPT_FOLDERS:
      touch(name, "attempt 0")
    state = restarts.State(attempt=0, scores=[1.5])
    self.assertIsNone(restarts.advance(model_dir, restarts.State(), r))  # not checked yet
    self.assertIn("attempt 1 starts", restarts.advance(model_dir, state, r))
    self.assertEqual(state.attempt, 1)
    for name in restarts.ATTEMPT_FOLDERS:
      self.assertFalse(os.path.exists(os.path.join(model_dir, name)))
      touch(name, "attempt 1")
    state.scores.append(1.2)
    self.assertIn("attempt 0, the best", restarts.advance(model_dir, state, r))
    self.assertEqual((state.attempt, state.continued), (0, True))
    with open(os.path.join(model_dir, "checkpoints", "f")) as f:
      self.assertEqual(f.read(), "attempt 0")
    with open(os.path.join(restarts.attempt_dir(model_dir, 1), "logs", "f")) as f:
      self.assertEqual(f.read(), "attempt 1")
    self.assertEqual(restarts.State.load(model_dir), state)

  def test_bad_rules(self):
    base = testutil.tiny_config("/tmp/unused", train_steps=4, restart_step=2,
                                restart_metric="mi_cat", restart_window=2).runtime
    self.assertEqual(restarts.Rule.from_runtime(base).step, 2)
    self.assertIsNone(restarts.Rule.from_runtime(
        testutil.tiny_config("/tmp/unused").runtime))
    import dataclasses  # pylint: disable=g-import-not-at-top
    # A run that ends before the check is not checked; one that ends at it is.
    self.assertIsNone(restarts.Rule.from_runtime(dataclasses.replace(base, restart_step=5)))
    self.assertEqual(restarts.Rule.from_runtime(dataclasses.replace(base, restart_step=4)).step,
                     4)
    for change, text in ((dict(restart_metric=""), "restart_metric"),
                         (dict(restart_window=3), "restart_window"),
                         (dict(init_from="runs/other"), "init_from")):
      with self.assertRaisesRegex(ValueError, text):
        restarts.Rule.from_runtime(dataclasses.replace(base, **change))


class RunWithRestartsTest(tf.test.TestCase):

  def config(self, name, **runtime):
    rt = dict(train_steps=5, steps_per_epoch=5, checkpoint_every=5, image_every=100,
              restart_step=2, restart_metric="mi_cat", restart_window=2, max_restarts=1)
    rt.update(runtime)
    return testutil.tiny_config(os.path.join(self.get_temp_dir(), name), **rt)

  def test_a_run_that_clears_the_check_is_the_run_without_it(self):
    plain, _ = train_lib.run(self.config("plain", restart_step=0))
    ruled, _ = train_lib.run(self.config("ruled", restart_below=-math.inf))
    for v, a, b in zip(plain.weights, plain.get_weights(), ruled.get_weights()):
      self.assertAllEqual(a, b, msg=v.path)
    model_dir = self.config("ruled").runtime.model_dir
    with open(os.path.join(model_dir, restarts.STATE_FILE)) as f:
      state = json.load(f)
    self.assertEqual((state["attempt"], state["continued"], len(state["scores"])), (0, True, 1))
    self.assertFalse(os.path.exists(os.path.join(model_dir, restarts.ARCHIVE_DIR)))

  def test_failed_attempts_restart_with_new_seeds_and_the_best_trains_on(self):
    config = self.config("best", restart_below=math.inf, train_steps=4)
    model, path = train_lib.run(config)
    model_dir = config.runtime.model_dir
    state = restarts.State.load(model_dir)
    self.assertLen(state.scores, 2)
    self.assertTrue(state.continued)
    self.assertEqual(state.attempt, state.best())
    self.assertEqual(model_step(model), 4)
    self.assertTrue(os.path.isdir(path))
    other = 1 - state.attempt
    self.assertTrue(os.path.isdir(os.path.join(restarts.attempt_dir(model_dir, other),
                                               "checkpoints")))
    # The trained-on attempt's checkpoints: its check's (step 2), then step 4.
    ours = os.path.join(model_dir, "checkpoints")
    self.assertEqual(tf.train.get_checkpoint_state(ours).all_model_checkpoint_paths,
                     [os.path.join(ours, "ckpt-2"), os.path.join(ours, "ckpt-4")])
    # The other attempt stopped at its check, and began from another seed: its step-2
    # weights differ from the winner's.
    theirs = tf.train.latest_checkpoint(
        os.path.join(restarts.attempt_dir(model_dir, other), "checkpoints"))
    self.assertTrue(theirs.endswith("ckpt-2"))
    a, b = tf.train.load_checkpoint(theirs), tf.train.load_checkpoint(os.path.join(ours,
                                                                                   "ckpt-2"))
    kernels = [k for k in a.get_variable_to_shape_map() if k.startswith("model/generator")
               and "OPTIMIZER" not in k]
    self.assertNotEmpty(kernels)
    self.assertFalse(all(np.array_equal(a.get_tensor(k), b.get_tensor(k)) for k in kernels))
    # evaluate reports which attempt (and seed) the export is, and every attempt's score.
    results = evaluate.evaluate(model_dir, batch_size=1000, num_samples=0)
    self.assertEqual(results["restarts"], {
        "attempt_trained": state.attempt, "scores": state.scores,
        "seed_trained": restarts.attempt_seed(config.runtime.seed, state.attempt)})
    # A resume with more steps continues that attempt and restarts nothing.
    more, _ = train_lib.run(config.replace(runtime={"train_steps": 6}))
    self.assertEqual(model_step(more), 6)
    self.assertEqual(restarts.State.load(model_dir), state)
    self.assertLen(tf.io.gfile.listdir(os.path.join(model_dir, restarts.ARCHIVE_DIR)), 1)

  def test_a_check_at_the_last_step_exports_the_best_whole_attempt(self):
    config = self.config("end", restart_below=math.inf, train_steps=2)  # restart_step=2
    model, path = train_lib.run(config)
    model_dir = config.runtime.model_dir
    state = restarts.State.load(model_dir)
    self.assertLen(state.scores, 2)
    self.assertEqual((state.attempt, state.continued), (state.best(), True))
    self.assertEqual(model_step(model), 2)
    self.assertTrue(path.endswith(os.path.join("export", "infogan", "2")))
    other = restarts.attempt_dir(model_dir, 1 - state.attempt)
    self.assertTrue(tf.train.latest_checkpoint(os.path.join(other, "checkpoints"))
                    .endswith("ckpt-2"))

  def test_unknown_metric_is_refused_with_the_reported_ones(self):
    with self.assertRaisesRegex(ValueError, "not a scalar this model reports.*mi_cat"):
      train_lib.run(self.config("bad", restart_metric="nope"))


if __name__ == "__main__":
  tf.test.main()
