"""File locks for what processes on one machine share: data builds and run folders.

Both are `fcntl.flock` locks on a file. The OS releases a lock when the process holding it
ends, however it ends (``kill -9`` included), so a crashed process never leaves a lock that
blocks the next one (docs/design.md, "Shared folders").

- `exclusive` waits for its lock: concurrent first runs that need the same tfds build wait
  for one process to build it, then find it prepared and share it.
- `run_folder` refuses at once: a second training process on a --model_dir in use gets a
  one-line `FolderInUseError` naming the holder (pid, host, since when).

Paths on a file system without local locks (``gs://...``, anything with a scheme) are not
locked: several machines share those, and `fcntl` locks do not reach across them.
"""

import contextlib
import fcntl
import json
import os
import socket
import sys
import time

# The lock file of a run folder; readers (evaluate, render, serving) never take it.
RUN_LOCK = ".lock"
# The folder of the data-build locks, inside the tfds data folder.
DATA_LOCKS = ".locks"


class FolderInUseError(ValueError):
  """Another process trains in this run folder."""


def lockable(path: str) -> bool:
  """Whether ``path`` is on a local file system that `fcntl` locks reach (no URL scheme)."""
  return "://" not in path


@contextlib.contextmanager
def exclusive(path: str, waiting: str = ""):
  """Holds an exclusive lock on the file ``path`` (created with its folder), waiting as long
  as another process holds it. With ``waiting`` set, says it on stderr before it waits.
  A ``path`` that is not `lockable` is not locked."""
  if not lockable(path):
    yield
    return
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  with open(path, "a", encoding="utf-8") as f:
    try:
      fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
      if waiting:
        print(waiting, file=sys.stderr, flush=True)
      fcntl.flock(f, fcntl.LOCK_EX)
    yield  # closing the file releases the lock


def _is_current(f, path: str) -> bool:
  """Whether the open file ``f`` is still the file at ``path`` (a holder that removed the
  lock file while this process waited for it leaves this process a lock on a deleted file)."""
  try:
    return os.fstat(f.fileno()).st_ino == os.stat(path).st_ino
  except FileNotFoundError:
    return False


def data_build(data_dir: str, name: str):
  """`exclusive` lock of the build of tfds dataset ``name`` in the tfds folder ``data_dir``:
  ``data_dir/.locks/<name>.lock``."""
  return exclusive(os.path.join(data_dir, DATA_LOCKS, f"{name}.lock"),
                   waiting=f"Waiting for another process that builds the tfds dataset {name} "
                           f"in {data_dir}")


def describe_holder(text: str) -> str:
  """'pid 123 on host, since <local time>' from a run lock's contents (JSON; written by
  `run_folder`), or 'holder unknown' when it is empty or unreadable (a holder that has
  just taken it)."""
  try:
    holder = json.loads(text)
    return f"pid {holder['pid']} on {holder['host']}, since {holder['since']}"
  except (ValueError, KeyError, TypeError):
    return "holder unknown"


@contextlib.contextmanager
def run_folder(model_dir: str):
  """Holds the lock of run folder ``model_dir`` (``model_dir/.lock``, created with the
  folder) for a training process, and writes who holds it into the file.

  A folder this call created and that holds nothing but the lock on exit (a start that
  failed before it wrote anything) is removed again. A ``model_dir`` that is not `lockable`
  is not locked.

  Raises:
    FolderInUseError: at once, when another process holds it: one line naming the holder
      and what to do.
  """
  if not lockable(model_dir):
    yield
    return
  path = os.path.join(model_dir, RUN_LOCK)
  while True:  # until this process holds the lock of the file that is at ``path``
    created = not os.path.isdir(model_dir)
    os.makedirs(model_dir, exist_ok=True)
    try:
      f = open(path, "a+", encoding="utf-8")  # pylint: disable=consider-using-with
    except FileNotFoundError:  # the folder was just removed by a start that failed
      continue
    try:
      fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
      f.seek(0)
      holder = describe_holder(f.read())
      f.close()
      raise FolderInUseError(
          f"{model_dir} is in use by another training run ({holder}): wait for it to finish "
          "or stop it (Ctrl-C or kill PID saves a checkpoint), or use another "
          "--model_dir") from None
    if _is_current(f, path):
      break
    f.close()
  with f:
    f.seek(0)
    f.truncate()
    f.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                        "since": time.strftime("%Y-%m-%d %H:%M:%S %Z")}))
    f.flush()
    try:
      yield
    finally:
      if created and os.listdir(model_dir) == [RUN_LOCK]:
        try:  # while this process holds the lock: a waiter then sees a removed file
          os.remove(path)
          os.rmdir(model_dir)
        except OSError:  # another process got there first: its folder now
          pass


def remove_all_but_lock(model_dir: str):
  """Deletes everything in ``model_dir`` but its run lock (the lock a process holds must
  stay the file others open: --overwrite clears a folder this way)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top  (gs:// folders too)
  for name in tf.io.gfile.listdir(model_dir):
    name = name.rstrip("/")
    if name == RUN_LOCK:
      continue
    path = os.path.join(model_dir, name)
    if tf.io.gfile.isdir(path):
      tf.io.gfile.rmtree(path)
    else:
      tf.io.gfile.remove(path)
