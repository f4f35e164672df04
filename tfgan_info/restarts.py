"""Label-free restarts: a run whose own training signal is poor at a set step starts again
from new seeds (docs/design.md, "Restarts").

A GAN's outcome shows in its own training signal: on InfoGAN MNIST the runs whose c1 merges
two digits end with a lower invariant information I(c; c') than the runs that end well, on
every host measured, and on one host they already did at step 3000
(docs/results.md#infogan-on-mnist, "Label-free restarts"). The rule, with --restart_step=N > 0:

* At step N, the attempt's **score** is the mean of the scalar the train step reports as
  --restart_metric (higher is better, e.g. InfoGAN's ``iic``; computed from the model's own
  outputs, no labels) over the last --restart_window steps (on a run resumed inside that
  window: over the steps since the resume).
* A score >= --restart_below trains on in the same fit: a run that clears the check is the
  run trained without the rule, step for step.
* A score below it stops the attempt at step N. Its checkpoints, TensorBoard logs and images
  move to ``model_dir/restarts/attempt-<k>/`` and attempt k + 1 starts from scratch with
  seed ``attempt_seed(--seed, k + 1)`` (weights, latents and data order).
* After --max_restarts restarts, the attempt with the highest score continues from its
  step-N checkpoint (so --restart_below=inf is "best of max_restarts + 1 at step N").
* N = --train_steps checks each attempt at its end: a failed attempt is a whole run, and
  the export is of the first attempt that clears the threshold, or of the best one.

``model_dir/restarts.json`` records the attempts' scores and which one trains on; a killed
run resumes where it was, at any point of this.
"""

import dataclasses
import json
import math
import os
from typing import Callable, List, Optional

import keras
import tensorflow as tf

from tfgan_info import disk
from tfgan_info.callbacks import WindowMeans, model_step

STATE_FILE = "restarts.json"
ARCHIVE_DIR = "restarts"
# What an attempt owns in model_dir (config.json and the export belong to the run).
ATTEMPT_FOLDERS = ("checkpoints", "logs", "images")
SEED_STRIDE = 1000


def attempt_seed(seed: int, attempt: int) -> int:
  """The seed of attempt ``attempt`` (0: the run's --seed) of a run of seed ``seed``:
  seed + 1000 * attempt, so restarts of seeds 0-999 never reuse another run's seed."""
  return seed + SEED_STRIDE * attempt


@dataclasses.dataclass(frozen=True)
class Rule:
  """The restart rule of a run's runtime config (module docstring)."""
  step: int
  metric: str
  below: float
  window: int
  max_restarts: int

  @classmethod
  def from_runtime(cls, rc) -> Optional["Rule"]:
    """The rule of a `config.RuntimeConfig`, or None when --restart_step is 0 or the run
    ends before it (a short trial of a config with a rule is not checked; extended to the
    step later, it is).

    Raises:
      ValueError: for a rule that cannot be applied (no metric, a window longer than the
        steps before the check, --init_from).
    """
    if not rc.restart_step:
      return None
    if not rc.restart_metric:
      raise ValueError("--restart_step > 0 needs --restart_metric (a scalar the model reports)")
    if rc.restart_step > rc.train_steps:
      return None
    if rc.init_from:
      raise ValueError("--restart_step and --init_from do not go together: every attempt "
                       "would start from the same weights and latent seed state")
    if not 1 <= rc.restart_window <= rc.restart_step:
      raise ValueError(f"--restart_window={rc.restart_window} must be in [1, --restart_step="
                       f"{rc.restart_step}]")
    return cls(rc.restart_step, rc.restart_metric, float(rc.restart_below),
               rc.restart_window, rc.max_restarts)

  def describe(self, seed: int) -> str:
    """One line for the start-up message."""
    seeds = ", ".join(str(attempt_seed(seed, k)) for k in range(1, self.max_restarts + 1))
    return (f"label-free restart check at step {self.step}: mean {self.metric} of steps "
            f"{self.step - self.window + 1}-{self.step} >= {self.below:g}, else restart "
            f"(seeds {seeds or 'none'}; then the best attempt trains on)")


@dataclasses.dataclass
class State:
  """model_dir/restarts.json: the attempt training now, the scores of the attempts checked
  (index = attempt) and whether the current attempt has passed the check (trains on)."""
  attempt: int = 0
  scores: List[float] = dataclasses.field(default_factory=list)
  continued: bool = False

  @classmethod
  def load(cls, model_dir: str) -> "State":
    path = os.path.join(model_dir, STATE_FILE)
    if not tf.io.gfile.exists(path):
      return cls()
    with tf.io.gfile.GFile(path) as f:
      d = json.load(f)
    return cls(int(d["attempt"]), [float(s) for s in d["scores"]], bool(d["continued"]))

  def save(self, model_dir: str):
    """Writes the state atomically (`disk.write_atomically`)."""
    disk.write_atomically(os.path.join(model_dir, STATE_FILE),
                          json.dumps(dataclasses.asdict(self), indent=2))

  def checked(self) -> bool:
    """Whether the current attempt has been scored."""
    return len(self.scores) > self.attempt

  def best(self) -> int:
    """The attempt with the highest score (the first of equals; NaN counts as lowest)."""
    keyed = [(-math.inf if math.isnan(s) else s) for s in self.scores]
    return max(range(len(keyed)), key=lambda k: (keyed[k], -k))


def decide(state: State, rule: Rule, score: float) -> bool:
  """Records the current attempt's ``score`` in ``state``; True when it trains on (it
  clears the threshold, or it is the last attempt and the best one)."""
  state.scores = state.scores[:state.attempt] + [float(score)]
  last = state.attempt >= rule.max_restarts
  state.continued = bool(score >= rule.below) or (last and state.best() == state.attempt)
  return state.continued


def attempt_dir(model_dir: str, attempt: int) -> str:
  """Where attempt ``attempt``'s folders go when it stops: model_dir/restarts/attempt-<k>."""
  return os.path.join(model_dir, ARCHIVE_DIR, f"attempt-{attempt}")


def _move(src_root: str, dst_root: str):
  tf.io.gfile.makedirs(dst_root)
  for name in ATTEMPT_FOLDERS:
    src, dst = os.path.join(src_root, name), os.path.join(dst_root, name)
    if tf.io.gfile.exists(src):
      if tf.io.gfile.exists(dst):
        tf.io.gfile.rmtree(dst)
      tf.io.gfile.rename(src, dst)


def advance(model_dir: str, state: State, rule: Rule) -> Optional[str]:
  """Moves a run whose current attempt failed its check on to the next attempt: archives the
  attempt's folders and starts attempt k + 1, or after the last one revives the best
  attempt's folders (it then trains on). Saves the state. Does nothing (returns None) when
  the attempt is not checked yet or trains on; else returns a line saying what it did."""
  if not state.checked() or state.continued:
    return None
  k = state.attempt
  score = state.scores[k]
  _move(model_dir, attempt_dir(model_dir, k))
  if k < rule.max_restarts:
    state.attempt = k + 1
    text = (f"Restart check at step {rule.step}: {rule.metric} {score:.4g} < "
            f"{rule.below:g}; attempt {k} moved to {attempt_dir(model_dir, k)}, attempt "
            f"{k + 1} starts")
  else:
    best = state.best()
    _move(attempt_dir(model_dir, best), model_dir)
    tf.io.gfile.rmtree(attempt_dir(model_dir, best))  # emptied: its folders are back
    state.attempt, state.continued = best, True
    text = (f"Restart check at step {rule.step}: no attempt reached {rule.below:g} "
            f"({', '.join(f'{s:.4g}' for s in state.scores)}); attempt {best}, the best, "
            "trains on")
  state.save(model_dir)
  return text


class RestartCheck(keras.callbacks.Callback):
  """Scores the attempt at the rule's step (the window mean of its metric, `WindowMeans`),
  records it in model_dir/restarts.json and stops training when the attempt does not train
  on (`decide`). Put it before the checkpoint callback: the state is written before the
  step's checkpoint, so a checkpoint at the rule's step always has its score."""

  def __init__(self, rule: Rule, state: State, model_dir: str, say=print):
    super().__init__()
    self.rule, self.state, self.model_dir, self.say = rule, state, model_dir, say
    self.window = WindowMeans()

  def on_train_batch_end(self, batch, logs=None):
    if self.state.continued:
      return
    step = model_step(self.model)
    if step <= self.rule.step - self.rule.window:
      self.window.update(batch, logs)
      self.window.take()  # before the window: keep only the running sums
      return
    self.window.update(batch, logs)
    if step != self.rule.step:
      return
    means = self.window.take()
    if self.rule.metric not in means:
      raise ValueError(f"--restart_metric={self.rule.metric} is not a scalar this model "
                       f"reports ({', '.join(sorted(means))})")
    score = means[self.rule.metric]
    if decide(self.state, self.rule, score):
      why = (f"(threshold {self.rule.below:g})" if score >= self.rule.below else
             f"< {self.rule.below:g}, the best of the attempts ("
             f"{', '.join(f'{s:.4g}' for s in self.state.scores)})")
      self.say(f"Restart check at step {step}: {self.rule.metric} {score:.4g} {why}; "
               f"attempt {self.state.attempt} trains on")
    else:
      self.model.stop_training = True
    self.state.save(self.model_dir)

  def on_epoch_end(self, epoch, logs=None):
    self.window.end_epoch()


def run_attempts(config, rule: Optional[Rule], state: State, fit: Callable, say: Callable):
  """Fits ``config``'s attempts under ``rule`` until one trains on (or stops on a request).

  Without a rule this is one call of ``fit``. With one, each attempt's seed is
  `attempt_seed`(--seed, k); an attempt that stops at its check (scored, not continued)
  hands over to the next one (or to the best, `advance`, whose line ``say`` prints).

  Args:
    config: the run's `config.Config`.
    rule: the `Rule`, or None.
    state: the run's `State` (loaded, or fresh).
    fit: attempt config -> a result with ``.step`` (the step reached) and ``.request``
      (`callbacks.StopRequest`; ``signum`` is set on a stop request).
    say: prints a status line.

  Returns:
    (the last attempt's config, its fit result).
  """
  while True:
    if rule:
      moved = advance(config.runtime.model_dir, state, rule)
      if moved:
        say(moved)
    attempt = config
    if rule and state.attempt:
      attempt = config.replace(runtime={"seed": attempt_seed(config.runtime.seed,
                                                             state.attempt)})
    result = fit(attempt)
    if result.request.signum is not None:
      return attempt, result
    if rule and result.step == rule.step and state.checked() and not state.continued:
      continue  # this attempt stopped at its check: the next one (or the best) trains
    return attempt, result
