"""A run's checkpoints: what they hold, which one a run resumes from, --init_from.

A checkpoint is read only after it is checked (`unreadable`: its index, every shard and
every value's checksum). Resuming (`resume_point`) takes the newest readable checkpoint of
the folder's list; newer unreadable ones (a bad copy, a failing disk, a deleted shard) are
moved aside into ``checkpoints/unreadable/`` (kept, never deleted) and the list is rewritten
without them, as Orbax and `tf.train.CheckpointManager` users expect of a restore that falls
back (docs/design.md, "Shared folders").
"""

import os
import re
import shutil
import tempfile

import tensorflow as tf
from google.protobuf import text_format

from tfgan_info import console
from tfgan_info import disk

# The checkpoint value of the model's training-step counter (`TwoPlayerModel.global_step`).
GLOBAL_STEP = "model/global_step/.ATTRIBUTES/VARIABLE_VALUE"
# Where `resume_point` moves the unreadable checkpoints of a run's checkpoint folder.
UNREADABLE_DIR = "unreadable"


class UnreadableCheckpointError(ValueError):
  """No readable checkpoint where one is needed."""


def make_checkpoint(model) -> tf.train.Checkpoint:
  """Weights, optimizer moments and the latent seed state of ``model``."""
  optimizers = {f"{player}_optimizer": opt for player, opt in model.optimizers.items()}
  return tf.train.Checkpoint(model=model, seed_state=model.seed_generator.state, **optimizers)


def step_of(prefix: str) -> int:
  """The step of a checkpoint prefix ``.../ckpt-<step>``."""
  return int(prefix.rsplit("-", 1)[1])


def files_of(prefix: str) -> list:
  """The files of checkpoint ``prefix`` on disk: its index and data shards, sorted."""
  return sorted(tf.io.gfile.glob(prefix + ".index") + tf.io.gfile.glob(prefix + ".data-*"))


def unreadable(prefix: str) -> str:
  """"" if every value of checkpoint ``prefix`` reads back intact, else one line naming the
  file at fault and why: a missing index or shard, or a value that cannot be read or fails
  its checksum (TensorFlow checks each value's CRC-32C when it reads it)."""
  if not tf.io.gfile.exists(prefix + ".index"):
    return f"{prefix}.index is missing"
  shards = tf.io.gfile.glob(prefix + ".data-*")
  match = re.search(r"-of-(\d+)$", shards[0]) if shards else None
  expected = int(match.group(1)) if match else 1
  for i in range(expected):
    name = f"{prefix}.data-{i:05d}-of-{expected:05d}"
    if name not in shards:
      return f"{name} is missing"
  errors = (tf.errors.OpError, IndexError, ValueError, OSError)
  try:
    reader = tf.train.load_checkpoint(prefix)
  except errors as e:
    return f"{prefix}.index cannot be read: {console.first_line(e)}"
  try:
    for name in reader.get_variable_to_shape_map():
      reader.get_tensor(name)
  except errors as e:
    at_fault = shards[0] if len(shards) == 1 else prefix
    return f"{at_fault} cannot be read: {console.first_line(e)}"
  return ""


def _state(checkpoint_dir: str):
  """The folder's "checkpoint" file (a CheckpointState), or None when it is missing or
  unreadable."""
  try:
    state = tf.train.get_checkpoint_state(checkpoint_dir)
  except (tf.errors.OpError, ValueError):
    return None
  return state if state is not None and state.model_checkpoint_path else None


def listed(checkpoint_dir: str, files: bool = True) -> list:
  """The checkpoint prefixes of ``checkpoint_dir``, oldest first: those its "checkpoint"
  file lists (the saves that completed), or, when that file is missing or unreadable and
  ``files``, every ``ckpt-<step>`` whose files are there."""
  state = _state(checkpoint_dir)
  if state is not None:
    paths = list(state.all_model_checkpoint_paths) or [state.model_checkpoint_path]
    if paths[-1] != state.model_checkpoint_path:
      paths = [p for p in paths if p != state.model_checkpoint_path]
      paths.append(state.model_checkpoint_path)
    return paths
  if not files:
    return []
  found = {re.sub(r"\.(index|data-\d+-of-\d+)$", "", path)
           for path in tf.io.gfile.glob(os.path.join(checkpoint_dir, "ckpt-*"))
           if re.search(r"/ckpt-\d+\.(index|data-\d+-of-\d+)$", path)}
  return sorted(found, key=step_of)


def move_aside(prefix: str) -> str:
  """Moves the files of checkpoint ``prefix`` into ``<its folder>/unreadable/<name>/``
  (``<name>.2``, ... when that exists) and returns that folder."""
  folder, name = os.path.split(prefix)
  target = os.path.join(folder, UNREADABLE_DIR, name)
  n = 1
  while tf.io.gfile.exists(target):
    n += 1
    target = os.path.join(folder, UNREADABLE_DIR, f"{name}.{n}")
  tf.io.gfile.makedirs(target)
  for path in files_of(prefix):
    tf.io.gfile.rename(path, os.path.join(target, os.path.basename(path)))
  return target


def _rewrite_list(checkpoint_dir: str, removed: set):
  """Rewrites ``checkpoint_dir``'s "checkpoint" file (atomically) without the prefixes
  ``removed``, keeping the others' timestamps (so the manager's max_to_keep still deletes
  them in turn) and paths relative to the folder. A folder without a readable "checkpoint"
  file (its list came from the files, `listed`) keeps none."""
  state = _state(checkpoint_dir)
  if state is None:
    return
  paths = list(state.all_model_checkpoint_paths)
  stamps = list(state.all_model_checkpoint_timestamps)
  keep = [i for i, p in enumerate(paths) if p not in removed]
  del state.all_model_checkpoint_paths[:]
  del state.all_model_checkpoint_timestamps[:]
  state.all_model_checkpoint_paths.extend(os.path.basename(paths[i]) for i in keep)
  if len(stamps) == len(paths):
    state.all_model_checkpoint_timestamps.extend(stamps[i] for i in keep)
  state.model_checkpoint_path = os.path.basename(paths[keep[-1]]) if keep else ""
  disk.write_atomically(os.path.join(checkpoint_dir, "checkpoint"),
                        text_format.MessageToString(state))


def newest_readable(checkpoint_dir: str):
  """(the newest readable checkpoint of ``checkpoint_dir``'s list or None, [(newer
  unreadable prefix, `unreadable`'s reason)], newest first). Reads only."""
  bad = []
  for prefix in reversed(listed(checkpoint_dir)):
    reason = unreadable(prefix)
    if not reason:
      return prefix, bad
    bad.append((prefix, reason))
  return None, bad


def no_readable_error(where: str, bad) -> UnreadableCheckpointError:
  """The one-line error of a folder whose checkpoints are all unreadable."""
  return UnreadableCheckpointError(
      f"No readable checkpoint in {where}: {bad[0][1]}; restore the file from a copy, or "
      "move the checkpoints away to start again")


def resume_point(checkpoint_dir: str):
  """The checkpoint a run in ``checkpoint_dir`` resumes from, after moving aside the newer
  ones that cannot be read (`move_aside`) and rewriting the folder's list without them.

  Returns:
    (the prefix, or None for a folder without checkpoints; a line for the user saying what
    was moved and where the run resumes, or None when nothing was).

  Checkpoint files that no "checkpoint" file lists (it is missing: a save that never
  completed) and that cannot be read are moved aside too, and the run starts at step 0.

  Raises:
    UnreadableCheckpointError: when the folder's "checkpoint" file lists checkpoints and
      none can be read (nothing is moved then).
  """
  prefix, bad = newest_readable(checkpoint_dir)
  if not bad:
    return prefix, None
  confirmed = _state(checkpoint_dir) is not None
  if prefix is None and confirmed:
    raise no_readable_error(checkpoint_dir, bad)
  with disk.writing("the list of checkpoints", checkpoint_dir):
    moved = [move_aside(p) for p, _ in bad]
    _rewrite_list(checkpoint_dir, {p for p, _ in bad})
  names = ", ".join(os.path.basename(p) for p, _ in bad)
  start = (f"resuming from {os.path.basename(prefix)}" if prefix else
           "no complete checkpoint: starting at step 0")
  return prefix, (f"Moved unreadable checkpoint {names} to {os.path.dirname(moved[0])}/ "
                  f"({bad[0][1]}); {start}")


def remove_partial(checkpoint_dir: str) -> list:
  """Deletes the ``ckpt-N_temp/`` folders a process killed while saving leaves behind
  (TensorFlow writes a checkpoint's shards there before it renames them into place; a
  finished save leaves none). Returns the paths removed."""
  stale = tf.io.gfile.glob(os.path.join(checkpoint_dir, "ckpt-*_temp"))
  for path in stale:
    tf.io.gfile.rmtree(path)
  return stale


def remove_unlisted(checkpoint_dir: str, step: int) -> list:
  """Deletes what a save of checkpoint ``step`` that failed left in ``checkpoint_dir``: its
  ``_temp`` folder and its files, unless the folder's list names it. Returns the paths
  removed."""
  prefix = os.path.join(checkpoint_dir, f"ckpt-{step}")
  if os.path.basename(prefix) in {os.path.basename(p)
                                  for p in listed(checkpoint_dir, files=False)}:
    return []
  removed = []
  for path in tf.io.gfile.glob(prefix + "_temp") + files_of(prefix):
    if tf.io.gfile.isdir(path):
      tf.io.gfile.rmtree(path)
    else:
      tf.io.gfile.remove(path)
    removed.append(path)
  return removed


def init_source(source: str):
  """The checkpoint prefix --init_from names: the newest readable checkpoint of a run folder
  (in its checkpoints/) or of a folder, or a prefix itself; nothing in ``source`` is moved.

  Returns:
    (the prefix, a line naming the newer unreadable checkpoints passed over, or None).

  Raises:
    FileNotFoundError: if there is no checkpoint there.
    UnreadableCheckpointError: if there are checkpoints and none can be read, or the prefix
      named cannot be read.
  """
  for folder in (os.path.join(source, "checkpoints"), source):
    if tf.io.gfile.isdir(folder) and listed(folder):
      prefix, bad = newest_readable(folder)
      if prefix is None:
        raise no_readable_error(folder, bad)
      names = ", ".join(os.path.basename(p) for p, _ in bad)
      note = (f"--init_from: passed over unreadable {names} ({bad[0][1]}); using "
              f"{os.path.basename(prefix)}") if bad else None
      return prefix, note
  if tf.io.gfile.exists(source + ".index") or tf.io.gfile.glob(source + ".data-*"):
    reason = unreadable(source)
    if reason:
      raise UnreadableCheckpointError(f"--init_from={source}: {reason}")
    return source, None
  raise FileNotFoundError(f"--init_from={source}: no checkpoint there (a run folder, a "
                          "folder of checkpoints or a checkpoint prefix)")


def init_from(checkpoint: tf.train.Checkpoint, source: str):
  """Restores into ``checkpoint`` (`make_checkpoint` of a new model) what checkpoint
  ``source`` holds of it, matched by object path as a resume matches; the rest keeps its
  values. Which values the source lacks is found by writing ``checkpoint`` to a local
  temporary folder (removed after) and comparing the two files' variable names.

  Returns:
    (the names of this model's values ``source`` lacks, the names of ``source``'s values
    this model does not use), each sorted.

  Raises:
    ValueError: if ``source`` holds none of the model's network weights (another kind of
      run), no global step (an earlier package's run), or a value of another shape
      (another architecture).
  """
  bookkeeping = {"_CHECKPOINTABLE_OBJECT_GRAPH", "save_counter/.ATTRIBUTES/VARIABLE_VALUE"}

  def names(path):
    return {name for name, _ in tf.train.list_variables(path)} - bookkeeping

  scratch = tempfile.mkdtemp(prefix="init_from_")
  try:
    own = names(checkpoint.write(os.path.join(scratch, "init")))
  finally:
    shutil.rmtree(scratch, ignore_errors=True)
  theirs = names(source)
  weights = {name for name in own if name.startswith("model/") and name != GLOBAL_STEP}
  if not weights & theirs:
    raise ValueError(f"--init_from: {source} holds none of this model's weights")
  if GLOBAL_STEP in own and GLOBAL_STEP not in theirs:
    raise ValueError(f"--init_from: {source} was written by an earlier tfgan_info (it holds "
                     "no global step, so the run would restart its step count): train the "
                     "source again")
  try:
    checkpoint.restore(source).expect_partial()
  except ValueError as e:  # a shape mismatch names the value
    raise ValueError(f"--init_from: {source} does not fit this model: {e}") from e
  return sorted(own - theirs), sorted(theirs - own)


def describe_init(source: str, missing, unused) -> str:
  """The line --init_from prints: the source, and the values it did not give, grouped by
  object: an optimizer ("h_optimizer") or a network of the model ("model/pair_classifier")."""
  def head(name):
    parts = name.split("/")
    return "/".join(parts[:2]) if parts[0] == "model" else parts[0]

  def groups(values):
    heads = sorted({head(v) for v in values})
    return ", ".join(heads) if heads else "none"
  return (f"Initialised from {source}; kept at their initial values: {groups(missing)}; "
          f"not used: {groups(unused)}")

