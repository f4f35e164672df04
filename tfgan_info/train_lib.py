"""Builds and trains a model from a `config.Config`: strategy, data, model, fit, export.

Experiment directory (docs/design.md, convention 9)::

  model_dir/config.json  checkpoints/  logs/train/  images/  export/<name>/<step>/
"""

import contextlib
import dataclasses
import os
import sys
import time

import keras
import tensorflow as tf
from absl import logging

from tfgan_info import callbacks as callbacks_lib
from tfgan_info import checkpoints as checkpoints_lib
from tfgan_info import data as data_lib
from tfgan_info import disk
from tfgan_info import distribute
from tfgan_info import export as export_lib
from tfgan_info import graph_options
from tfgan_info import locks
from tfgan_info import optimizers as optimizers_lib
from tfgan_info import precision as precision_lib
from tfgan_info import restarts as restarts_lib
from tfgan_info import served as served_lib
from tfgan_info import config as config_lib
from tfgan_info.config import Config, config_diff
from tfgan_info.models import registry


class RunMismatchError(ValueError):
  """model_dir holds a different run."""


class TrainingStopped(Exception):
  """Training stopped on SIGINT / SIGTERM, after saving a checkpoint of the step it reached.

  Attributes:
    step: the step reached (and saved, if ``checkpoint``).
    checkpoint: path of that checkpoint ("" when no step was trained).
    signum: the signal.
  """

  def __init__(self, step: int, checkpoint: str, signum: int):
    self.step, self.checkpoint, self.signum = step, checkpoint, signum
    if checkpoint:
      text = (f"Stopped at step {step}; saved checkpoint {step} ({checkpoint}); rerun the "
              "same command to resume")
    else:
      text = f"Stopped at step {step} before training; rerun the same command to start"
    super().__init__(text)


def build_model(config: Config):
  """The model of ``config``, built by its registration under the dtype policy of
  --precision (call inside the strategy scope).

  Raises:
    ValueError: for an unknown model or settings it cannot train with.
  """
  rc = config.runtime
  with precision_lib.policy_scope(precision_lib.resolve(rc.precision)):
    return registry.get(config.model.model).model_cls.from_config(config)


def learning_rate(base: float, config: Config, step=None):
  """``base``, or a staircase decay by lr_decay_rate every lr_decay_steps training steps
  (``step``: the model's global step, whatever number of updates each player takes per
  step; `optimizers.OnStep`)."""
  oc = config.optimizer
  if not oc.lr_decay_steps:
    return base
  schedule = keras.optimizers.schedules.ExponentialDecay(
      base, decay_steps=oc.lr_decay_steps, decay_rate=oc.lr_decay_rate, staircase=True)
  return schedule if step is None else optimizers_lib.OnStep(schedule, step)


def compile_model(model, config: Config):
  """Adam optimizers of ``config`` (built now, inside the caller's strategy scope).

  The first gets --d_learning_rate (D, or AGE's encoder), the second --g_learning_rate;
  under --precision=mixed_float16 both scale the loss (`precision.optimizer`); each
  variable's update is one kernel (`optimizers.FusedAdam`). A --lr_decay_steps schedule
  reads the model's global step (`learning_rate`).
  """
  oc, name = config.optimizer, config.runtime.precision

  def adam(base, ema=0.0):
    return precision_lib.optimizer(optimizers_lib.adam(
        learning_rate(base, config, model.global_step), beta_1=oc.beta_1,
        beta_2=oc.beta_2, use_ema=ema > 0, ema_momentum=ema or 0.99), name)
  model.compile(
      adam(oc.d_learning_rate), adam(oc.g_learning_rate, oc.g_ema),
      jit_compile=config.runtime.jit_compile,
      steps_per_execution=config.runtime.steps_per_execution)
  model.build_optimizers()
  return model


def resolve_precision(config: Config) -> Config:
  """``config`` with --precision=auto replaced by a policy: the one model_dir's run trained
  with (a resume keeps it, whatever this machine is), else the one shipped as this machine's
  default (`precision.resolve`)."""
  rc = config.runtime
  if rc.precision != "auto":
    return config
  path = os.path.join(rc.model_dir, "config.json")
  if rc.model_dir and tf.io.gfile.exists(path) and not rc.overwrite:
    name = config_lib.read_run_config(rc.model_dir).runtime.precision
  else:
    name = precision_lib.resolve("auto")
  return config.replace(runtime={"precision": name})


def resolve_xla(config: Config, gpus=None) -> Config:
  """``config`` with --jit_compile turned off where no GPU is visible (``gpus``: the visible
  GPUs, default `tf.config.list_physical_devices`) and --xla_on_cpu is false, the default
  (configs/base.cfg): on a CPU every convolutional config's step measured faster without
  XLA, while XLA stays the choice on a GPU (docs/performance.md#precision-and-xla-on-a-cpu)."""
  rc = config.runtime
  if not rc.jit_compile or rc.xla_on_cpu:
    return config
  if gpus is None:
    gpus = tf.config.list_physical_devices("GPU")
  if gpus:
    return config
  logging.info("No GPU and --xla_on_cpu=false: the train step runs without XLA")
  return config.replace(runtime={"jit_compile": False})


def check_model_dir(config: Config) -> bool:
  """Whether model_dir holds a run whose config.json differs from ``config`` (writes nothing;
  --precision=auto is the run's, `resolve_precision`).

  Raises:
    RunMismatchError: if it does and not runtime.overwrite.
    config.ConfigFormatError: if its config.json is an earlier package's and not
      runtime.overwrite.
    ValueError: if model_dir is empty.
  """
  model_dir = config.runtime.model_dir
  if not model_dir:
    raise ValueError("--model_dir is required")
  config = resolve_precision(config)
  path = os.path.join(model_dir, "config.json")
  if not tf.io.gfile.exists(path):
    return False
  try:
    old = config_lib.read_run_config(model_dir)
  except config_lib.ConfigFormatError:
    if config.runtime.overwrite:
      return True  # an earlier package's run: --overwrite deletes it
    raise
  diff = config_diff(old, config)
  if diff and not config.runtime.overwrite:
    raise RunMismatchError(
        f"{model_dir} holds a different run (differs in {', '.join(diff)}): use another "
        "--model_dir, or --overwrite to delete it")
  return bool(diff)


def prepare_model_dir(config: Config):
  """Creates model_dir and writes config.json (with --precision=auto resolved,
  `resolve_precision`); refuses a model_dir of a different run (`check_model_dir`) and, with
  runtime.overwrite, deletes it first (all but the run lock, `locks.run_folder`).

  Raises:
    RunMismatchError: if model_dir/config.json describes another run and not overwrite.
    ValueError: if model_dir is empty.
  """
  model_dir = config.runtime.model_dir
  if check_model_dir(config):
    locks.remove_all_but_lock(model_dir)  # the run lock this process holds stays
  config = resolve_precision(config)  # after the removal: the old run's no longer counts
  tf.io.gfile.makedirs(model_dir)
  path = os.path.join(model_dir, "config.json")
  with disk.writing("config.json", model_dir):
    disk.write_atomically(path, config.to_json())


def train_dataset(config: Config, start_step: int = 0) -> tf.data.Dataset:
  """The training batches from step ``start_step`` on.

  One seeded stream per run: a run resumed at step k gets batches k, k+1, ... of the stream an
  uninterrupted run sees (the first k are skipped, not replayed; 10,000 MNIST batches take
  about 1 s), so the data order survives a restart exactly. The batches are the model's
  ``train_batches`` (e.g. ss-InfoGAN's labelled subset and its schedule are part of the
  stream).
  Under a multi-worker strategy every worker builds the same stream and keeps its replicas'
  rows of each global batch (auto-shard policy DATA), so the global batches are the same as
  on one machine.
  """
  model_cls = registry.get(config.model.model).model_cls
  batches = model_cls.train_batches(data_lib.train_split(config.data, config.runtime.seed),
                                    config)
  k = model_cls.batches_per_step(config)
  if k > 1:
    # k batches per step, stacked on axis 1: a distributed run splits axis 0, so each
    # replica gets its rows of all k, as on one device.
    batches = batches.batch(k, drop_remainder=True).map(
        lambda b: tf.nest.map_structure(lambda t: tf.experimental.numpy.swapaxes(t, 0, 1), b))
  options = tf.data.Options()
  options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
  return batches.skip(start_step).with_options(options)


def grid_images(config: Config, count: int):
  """The first ``count`` test images (fixed across restarts; all of them when the split is
  smaller) for a model's image grids, or None when ``count`` is 0 (the model's
  ``grid_real_images``)."""
  if not count:
    return None
  dc = config.data
  ds = data_lib.load(dc.dataset, "test", dc.data_dir or None, dc.raw_data_dir or None,
                     source=data_lib.source_of(dc))
  # A dataset smaller than ``count`` (a small folder) gives all it has.
  batch = next(iter(data_lib.pipeline(ds, count, shuffle=False, repeat=False, cache=False,
                                      drop_remainder=False)))
  return batch["image"].numpy()


def check_runtime(config: Config):
  """Raises ValueError for runtime settings that cannot give an exact, resumable run."""
  rc = config.runtime
  if rc.train_steps < 1 or rc.steps_per_epoch < 1:
    raise ValueError("--train_steps and --steps_per_epoch must be >= 1")
  if config.data.batch_size < 1:
    raise ValueError(f"--batch_size must be >= 1, got {config.data.batch_size}")
  k = rc.steps_per_execution
  if k > 1:
    names = ("train_steps", "steps_per_epoch", "checkpoint_every", "summary_every",
             "image_every", "restart_step", "restart_window")
    bad = [f"--{n}={getattr(rc, n)}" for n in names if getattr(rc, n) % k]
    if bad:
      raise ValueError(f"With --steps_per_execution={k}, {', '.join(bad)} must be multiples "
                       f"of {k} (callbacks see the step count only every {k} steps)")


def _say(config: Config, text: str):
  """A status line for the user (stdout), unless --verbose=0."""
  if config.runtime.verbose:
    print(text, flush=True)


def describe_start(config: Config, step: int, every_secs: float,
                   on_signal: bool = True, rule=None, attempt=None,
                   initialised: bool = False) -> str:
  """The start-up lines: new run or resume, the outputs and when they are written
  (``every_secs``: the wall-time checkpoint interval, 0 for none; ``on_signal``: whether
  Ctrl-C saves a checkpoint; ``rule``: the `restarts.Rule` still to check, if any;
  ``attempt``: the restart attempt, None without the rule; ``initialised``: the run was
  just initialised from --init_from, at ``step``)."""
  rc, dc = config.runtime, config.data
  md = rc.model_dir.rstrip("/")
  name = f"{config.model.model} on {dc.dataset}"
  if step >= rc.train_steps:
    head = f"{name}: {md} is already trained to step {step} (--train_steps={rc.train_steps})"
  elif initialised:
    head = (f"{name}: new run in {md}, from step {step} of {rc.init_from}; "
            f"{rc.train_steps - step} of {rc.train_steps} steps left (batch {dc.batch_size})")
  elif step:
    head = (f"{name}: resuming {md} from its checkpoint at step {step}; "
            f"{rc.train_steps - step} of {rc.train_steps} steps left (batch {dc.batch_size})")
  else:
    head = f"{name}: new run of {rc.train_steps} steps (batch {dc.batch_size}) in {md}"
  when = f"every {rc.checkpoint_every} steps"
  if every_secs:
    when += f" and every {every_secs / 60:g} min"
  if attempt:
    head += f" (restart attempt {attempt}, seed {rc.seed})"
  lines = [head]
  if rule is not None:
    lines.append(f"  {rule.describe(rc.seed - restarts_lib.SEED_STRIDE * (attempt or 0))}")
  return "\n".join(lines + [
      f"  checkpoints: {md}/checkpoints/ ({when}{', and on Ctrl-C' if on_signal else ''})",
      f"  TensorBoard: tensorboard --logdir {md}/logs  (scalars every {rc.summary_every} "
      f"steps, images every {rc.image_every})",
      f"  images: {md}/images/; SavedModel at the end: "
      f"{md}/export/{config.export_name}/<step>/"])


def run(config: Config):
  """Trains ``config`` to runtime.train_steps (resuming from the latest checkpoint) and exports.

  Survives being killed at any moment: checkpoints and exports are written atomically, and a
  restart restores weights, optimizer moments and the latent seed state of the latest
  checkpoint and continues the data stream at that step (see `train_dataset`), so the
  finished run is the one that was never interrupted. Checkpoints are written every
  --checkpoint_every steps and every --checkpoint_every_secs seconds. SIGINT (Ctrl-C) or
  SIGTERM stops training after the current step and saves it (`TrainingStopped`). A NaN or
  infinite loss or weight stops training with FloatingPointError; the last good checkpoint
  stays the latest.

  Nothing is written to model_dir before the model builds and the data loads (a bad
  --raw_data_dir leaves no config.json behind).

  One training process at a time per model_dir: the chief holds the folder's lock
  (`locks.run_folder`) from start to export, and a second process is refused at once with
  `locks.FolderInUseError`. Readers (evaluate, render, serving) take no lock. A checkpoint
  that cannot be read is moved aside and the run resumes from the newest readable one
  (`checkpoints.resume_point`). A full disk while writing a checkpoint, a summary or the
  export stops the run with one `disk.DiskFullError` line naming the write and the last
  complete checkpoint; the next run removes what the failed write left.

  With --restart_step > 0, an attempt that scores below --restart_below at that step stops
  there and the run starts again from the next attempt's seed, up to --max_restarts times,
  then trains on the best attempt (`restarts`, docs/design.md "Restarts"); an attempt that
  clears the check trains on in the same fit, exactly as without the rule.

  On a multi-worker cluster (--strategy=multi_worker, TF_CONFIG) every worker runs this; the
  chief writes model_dir, the others a scratch folder (`distribute.worker_dir`) deleted at the
  end. model_dir must be on a file system all workers see (e.g. gs://...). There, the
  workers save on steps only (not by wall time, nor on a signal, which one worker alone
  would see).

  Returns:
    (model, path of the SavedModel export in model_dir).

  Raises:
    TrainingStopped: on SIGINT / SIGTERM, after the checkpoint is saved.
    locks.FolderInUseError: if another process trains in model_dir.
    checkpoints.UnreadableCheckpointError: if model_dir lists checkpoints and none reads.
    disk.DiskFullError: when a write fails for lack of space.
  """
  check_runtime(config)
  config = resolve_xla(resolve_precision(config))
  rc = config.runtime
  rule = restarts_lib.Rule.from_runtime(rc)
  # First: a multi-worker strategy must set up its collectives before TensorFlow runs an op.
  strategy = distribute.get_strategy(rc.strategy)
  graph_options.sum_gradients_in_graph_order()  # same weights on every run (its docstring)
  replicas = strategy.num_replicas_in_sync
  if replicas > 1 and rc.jit_compile:
    # Keras 3.15 compiles strategy.run, all replicas, as one XLA cluster placed on one device,
    # which cannot read the other replicas' variables; and TensorFlow keeps the synchronised
    # batch norm's and the optimizer's all-reduces (merge_call) out of XLA except on GPUs
    # (docs/design.md, "Precision and XLA").
    raise ValueError(f"--jit_compile=true does not work with {replicas} replicas (Keras "
                     "compiles all replicas' step as one XLA cluster on one device, which "
                     "cannot reach the variables of the others): set --jit_compile=false")
  if config.data.batch_size % replicas:
    raise ValueError(f"--batch_size={config.data.batch_size} must be a multiple of the "
                     f"{replicas} replicas")
  multi_worker = distribute.in_multi_worker_mode(strategy)
  if rule and multi_worker:
    raise ValueError("--restart_step needs one machine: the attempts' folders move inside "
                     "model_dir, which a multi-worker run shares")
  if not rc.model_dir:
    raise ValueError("--model_dir is required")
  chief = distribute.is_chief(strategy)
  with locks.run_folder(rc.model_dir) if chief else contextlib.nullcontext():
    try:
      return _train_and_export(config, strategy, rule)
    except disk.DiskFullError as e:
      raise disk.DiskFullError(e.what, e.where, last_complete(rc.model_dir)) from e


def last_complete(model_dir: str) -> str:
  """'; the last complete checkpoint is ...: free space and rerun ...' for a run stopped by
  a full disk (the newest checkpoint of model_dir's list: a failed save never enters it)."""
  listed = checkpoints_lib.listed(os.path.join(model_dir, "checkpoints"), files=False)
  if not listed:
    return "; no checkpoint is complete yet: free space and rerun the same command"
  return (f"; the last complete checkpoint is {listed[-1]} (step "
          f"{checkpoints_lib.step_of(listed[-1])}): free space and rerun the same command to "
          "resume from it")


def _train_and_export(config: Config, strategy, rule):
  """`run`'s training (with its restart attempts) and export, in a run folder this process
  holds (the chief) or reads (a worker)."""
  rc = config.runtime
  chief = distribute.is_chief(strategy)
  state = restarts_lib.State()
  if rule and not check_model_dir(config):  # a run deleted by --overwrite restarts nothing
    state = restarts_lib.State.load(rc.model_dir)
  started = time.monotonic()
  attempt, fitted = restarts_lib.run_attempts(
      config, rule, state, lambda attempt: _fit(config, attempt, strategy, rule, state),
      say=lambda text: _say(config, text))
  model, step, done = fitted.model, fitted.start_step, fitted.step
  if fitted.request.signum is not None:
    saved = fitted.manager.latest_checkpoint or ""
    raise TrainingStopped(done, saved if saved.endswith(f"-{done}") and done > step else "",
                          fitted.request.signum)
  if done < rc.train_steps:
    raise RuntimeError(f"Training stopped at step {done} before --train_steps")
  out_dir = distribute.worker_dir(rc.model_dir, strategy)
  name = config.export_name
  served = served_lib.served_model(model, attempt)
  with disk.writing(f"the SavedModel of step {done}", os.path.join(out_dir, "export", name)):
    path = export_lib.export(served, out_dir, name, done)
  if chief:
    if done > step:
      took = callbacks_lib.format_duration(time.monotonic() - started)
      _say(config, f"Done: trained to step {done} in {took}; SavedModel {path}")
    else:
      _say(config, f"SavedModel {path}")
  else:
    tf.io.gfile.rmtree(out_dir)
    scratch = os.path.dirname(out_dir)
    if not tf.io.gfile.listdir(scratch):  # the last worker to finish removes workers/
      tf.io.gfile.rmtree(scratch)
    path = export_lib.export_dir(rc.model_dir, name, done)
  return model, path


@dataclasses.dataclass
class Fitted:
  """What `_fit` leaves: the model, its checkpoint manager, the step it started at and the
  step it reached, and the stop request (``request.signum`` set on SIGINT / SIGTERM)."""
  model: keras.Model
  manager: tf.train.CheckpointManager
  start_step: int
  step: int
  request: callbacks_lib.StopRequest


def _fit(config: Config, attempt: Config, strategy, rule, state) -> Fitted:
  """Builds, restores and fits the model of ``attempt`` (``config`` with the current
  attempt's seed, `restarts`) to --train_steps, or to the restart check where it stops."""
  rc = config.runtime
  keras.utils.set_random_seed(attempt.runtime.seed)
  with strategy.scope():
    model = build_model(attempt)
    compile_model(model, attempt)
  chief = distribute.is_chief(strategy)
  out_dir = distribute.worker_dir(rc.model_dir, strategy)
  if chief:
    check_model_dir(config)  # a different run is refused before anything else happens
  stream = train_dataset(attempt)  # loads (offline: verifies and builds) the data
  checkpoint = checkpoints_lib.make_checkpoint(model)
  checkpoint_dir = os.path.join(out_dir, "checkpoints")
  init_from = attempt.runtime.init_from
  init_report = None  # describe_init's line, once --init_from has been applied

  def initialise():
    source, passed_over = checkpoints_lib.init_source(init_from)
    line = checkpoints_lib.describe_init(source, *checkpoints_lib.init_from(checkpoint, source))
    return f"{passed_over}\n{line}" if passed_over else line

  own_dir = os.path.join(rc.model_dir, "checkpoints")
  if init_from and not checkpoints_lib.listed(own_dir):
    init_report = initialise()  # before config.json: a source that does not fit writes nothing
  if chief:  # after the model builds and the data loads: no config.json for a bad start
    prepare_model_dir(config)
  for path in checkpoints_lib.remove_partial(checkpoint_dir):
    logging.info("Removed %s, left by a process killed while saving", path)
  # The newest checkpoint that reads back intact; newer unreadable ones are moved aside
  # (by the chief: a worker reads the chief's folder and moves nothing).
  if chief:
    latest, moved = checkpoints_lib.resume_point(own_dir)
    if moved:
      _say(attempt, moved)
  else:  # the chief's choice: a worker that cannot read it stops rather than diverge
    latest, bad = checkpoints_lib.newest_readable(own_dir)
    if bad:
      raise checkpoints_lib.no_readable_error(own_dir, bad)
  manager = tf.train.CheckpointManager(checkpoint, checkpoint_dir, max_to_keep=3)
  if latest:
    checkpoint.restore(latest).assert_existing_objects_matched()
    logging.info("Restored %s", latest)
  elif init_from:
    init_report = init_report or initialise()  # (model_dir held another run, now removed)
    if chief:
      _say(attempt, init_report)
  initialised = not latest and bool(init_from)
  step = callbacks_lib.model_step(model)
  multi_worker = distribute.in_multi_worker_mode(strategy)
  every_secs = 0.0 if multi_worker else float(rc.checkpoint_every_secs)
  if chief:
    _say(attempt, describe_start(attempt, step, every_secs, on_signal=not multi_worker,
                                 rule=None if state.continued else rule,
                                 attempt=state.attempt if rule else None,
                                 initialised=initialised))

  request = callbacks_lib.StopRequest(stream=sys.stdout)
  # StopOnNonFinite before StepCheckpoint: a step that produced a NaN is never saved; the
  # restart check before it: a checkpoint of the check's step always has its score.
  cbs = [callbacks_lib.StopOnNonFinite(), callbacks_lib.StopOnRequest(request)]
  if rule and not state.continued:
    cbs.append(restarts_lib.RestartCheck(rule, state, rc.model_dir,
                                         say=lambda text: _say(config, text)))
  cbs.append(callbacks_lib.StepCheckpoint(manager, rc.checkpoint_every, every_secs))
  if chief:
    logs = os.path.join(rc.model_dir, "logs", "train")
    cbs += [callbacks_lib.ScalarSummaries(logs, rc.summary_every),
            callbacks_lib.TraversalImages(logs, os.path.join(rc.model_dir, "images"),
                                          rc.image_every, seed=attempt.runtime.seed,
                                          real_images=grid_images(config,
                                                                  model.grid_real_images),
                                          first_every=rc.summary_every)]
    if rc.verbose:
      cbs.append(callbacks_lib.Progress(rc.train_steps, config.data.batch_size,
                                        rc.steps_per_epoch, verbose=rc.verbose))
  with request if not multi_worker else contextlib.nullcontext():
    if step < rc.train_steps and not (rule and state.checked() and not state.continued):
      # One fit over all the steps left: the data stream continues at the current step,
      # and the callbacks key everything on the global step.
      model.fit(stream.skip(step), epochs=1, steps_per_epoch=rc.train_steps - step,
                callbacks=cbs, verbose=0, shuffle=False)
  return Fitted(model, manager, step, callbacks_lib.model_step(model), request)
