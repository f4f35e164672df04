"""A full disk (or an exhausted quota) while training writes: one line instead of an op error.

TensorFlow reports a failed write from its C++ file system as an op error whose text ends in
the OS's message ("... ; No space left on device [Op:SaveV2]"), Python's own writes as
`OSError` with errno ENOSPC / EDQUOT. `writing` turns either into a `DiskFullError` that
says what could not be written where; the training loop adds which checkpoint is the last
complete one (docs/design.md, "Shared folders").
"""

import contextlib
import errno

import tensorflow as tf

_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
_FULL_TEXTS = (r"No space left on device", r"Disk quota exceeded")


class DiskFullError(OSError):
  """A write failed for lack of space. ``what`` and ``where`` name the write."""

  def __init__(self, what: str, where: str, detail: str = ""):
    self.what, self.where = what, where
    super().__init__(errno.ENOSPC, f"No space left on device writing {what} to {where}"
                     f"{detail}")

  def __str__(self):
    return self.strerror


def is_disk_full(error: BaseException) -> bool:
  """Whether ``error`` (an `OSError` or a TensorFlow op error) reports a full disk or an
  exhausted quota."""
  if isinstance(error, DiskFullError):
    return True
  if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
    return True
  if isinstance(error, (OSError, tf.errors.OpError)):
    return any(text in str(error) for text in _FULL_TEXTS)
  return False


@contextlib.contextmanager
def writing(what: str, where: str):
  """Raises `DiskFullError` (``what``, ``where``) for a full-disk error inside the block;
  other errors pass unchanged."""
  try:
    yield
  except DiskFullError:
    raise
  except (OSError, tf.errors.OpError) as e:
    if not is_disk_full(e):
      raise
    raise DiskFullError(what, where) from e


def write_atomically(path: str, content):
  """Writes ``content`` (str, or bytes) to ``path`` through ``path``.tmp and a rename, so
  ``path`` is never half-written; a failed write removes the temporary file."""
  tmp = path + ".tmp"
  try:
    with tf.io.gfile.GFile(tmp, "wb" if isinstance(content, bytes) else "w") as f:
      f.write(content)
    tf.io.gfile.rename(tmp, path, overwrite=True)
  finally:
    if tf.io.gfile.exists(tmp):
      tf.io.gfile.remove(tmp)
