"""File locks: a run folder has one training process, a killed holder never blocks, data
builds wait for each other."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import tensorflow as tf

from tests import testutil
from tfgan_info import locks

HOLD = textwrap.dedent("""
    import sys, time
    from tfgan_info import locks
    with locks.{kind}(sys.argv[1]):
      print("held", flush=True)
      time.sleep(120)
    """)


def hold_in_subprocess(kind: str, path: str) -> subprocess.Popen:
  """A process that takes lock ``kind`` (run_folder, exclusive) on ``path`` and sleeps;
  returns once it holds it."""
  proc = subprocess.Popen([sys.executable, "-c", HOLD.format(kind=kind), path],
                          cwd=testutil.ROOT, stdout=subprocess.PIPE, text=True,
                          env=dict(os.environ, PYTHONPATH=testutil.ROOT,
                                   TF_CPP_MIN_LOG_LEVEL="3"))
  assert proc.stdout.readline().strip() == "held"
  return proc


class RunFolderTest(tf.test.TestCase):

  def test_a_second_holder_is_refused_naming_the_first(self):
    model_dir = os.path.join(self.get_temp_dir(), "run")
    with locks.run_folder(model_dir):
      with open(os.path.join(model_dir, "config.json"), "w") as f:
        f.write("{}")
      with self.assertRaisesRegex(
          locks.FolderInUseError,
          rf"^{model_dir} is in use by another training run \(pid {os.getpid()} on "
          r"[^,]+, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [^)]*\): wait for it to finish or "
          r"stop it .*, or use another --model_dir$"):
        with locks.run_folder(model_dir):
          pass
    with locks.run_folder(model_dir):  # released at exit
      pass
    self.assertCountEqual(os.listdir(model_dir), ["config.json", locks.RUN_LOCK])

  def test_a_killed_holder_does_not_block(self):
    model_dir = os.path.join(self.get_temp_dir(), "killed")
    proc = hold_in_subprocess("run_folder", model_dir)
    try:
      with self.assertRaisesRegex(locks.FolderInUseError, rf"\(pid {proc.pid} on "):
        with locks.run_folder(model_dir):
          pass
    finally:
      proc.send_signal(signal.SIGKILL)
      proc.wait()
    with locks.run_folder(model_dir):
      pass

  def test_a_failed_start_leaves_no_folder_behind(self):
    model_dir = os.path.join(self.get_temp_dir(), "new", "run")
    with self.assertRaises(ValueError):
      with locks.run_folder(model_dir):
        raise ValueError("bad data")
    self.assertFalse(os.path.exists(model_dir))
    existing = os.path.join(self.get_temp_dir(), "existing")
    os.makedirs(existing)
    with locks.run_folder(existing):
      pass
    self.assertTrue(os.path.isdir(existing))  # not created here: kept

  def test_remove_all_but_lock(self):
    model_dir = os.path.join(self.get_temp_dir(), "overwrite")
    with locks.run_folder(model_dir):
      os.makedirs(os.path.join(model_dir, "checkpoints"))
      with open(os.path.join(model_dir, "config.json"), "w") as f:
        f.write("{}")
      locks.remove_all_but_lock(model_dir)
      self.assertEqual(os.listdir(model_dir), [locks.RUN_LOCK])

  def test_remote_paths_are_not_locked(self):
    self.assertFalse(locks.lockable("gs://bucket/run"))
    with locks.run_folder("gs://bucket/run"), locks.run_folder("gs://bucket/run"):
      pass


class ExclusiveTest(tf.test.TestCase):

  def test_waits_for_the_holder(self):
    path = os.path.join(self.get_temp_dir(), "locks", "build.lock")
    proc = hold_in_subprocess("exclusive", path)
    released = []

    def release():
      released.append(time.monotonic())
      proc.send_signal(signal.SIGKILL)  # its lock goes with it
      proc.wait()

    start = time.monotonic()
    timer = threading.Timer(1.5, release)
    timer.start()
    with locks.exclusive(path):
      acquired = time.monotonic()
    timer.join()
    self.assertGreaterEqual(acquired, released[0])
    self.assertGreater(acquired - start, 1.0)


if __name__ == "__main__":
  tf.test.main()
