"""The command line: bad input gives a one-line error and no traceback; a training process
killed at random moments finishes as the run that was never killed; a NaN stops training."""

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tests import testutil
from tests.configs_test import working_dir
from tfgan_info import locks
from tfgan_info import train
from tfgan_info import train_lib


def cli_env():
  return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=testutil.ROOT)


def run_cli(module, *args, env=None):
  """Runs ``python -m module args`` in the checkout; ``env`` entries override (None: unset)."""
  full = cli_env()
  for key, value in (env or {}).items():
    if value is None:
      full.pop(key, None)
    else:
      full[key] = value
  return subprocess.run([sys.executable, "-m", module, *args], cwd=testutil.ROOT,
                        env=full, capture_output=True, text=True, timeout=300)


# A real InfoGAN MNIST run, small: 48 steps of batch 8, epochs of 7 steps (so restarts land
# mid-epoch), a checkpoint every 4 steps, summaries every step, the export's batch-norm
# statistics from 64 real images (D's) and 64 prior draws (G's: the config's --g_recalibrate).
TINY_RUN = ["--flagfile=configs/infogan_mnist.cfg", f"--raw_data_dir={testutil.RAW_DATA_DIR}",
            f"--data_dir={testutil.TFDS_DIR}", "--batch_size=8", "--shuffle_buffer=256",
            "--train_steps=48", "--steps_per_epoch=7", "--checkpoint_every=4",
            "--summary_every=1", "--image_every=24", "--jit_compile=false", "--verbose=0",
            "--bn_recalibration_images=64", "--g_statistics_draws=64"]

# A DCGAN of width 8 (0.65 MB checkpoints) on the same data, for the shared-folder faults.
TINY_DCGAN = ["--flagfile=configs/dcgan_mnist.cfg", "--width=8", "--noise_dim=8",
              f"--raw_data_dir={testutil.RAW_DATA_DIR}", f"--data_dir={testutil.TFDS_DIR}",
              "--batch_size=8", "--shuffle_buffer=256", "--steps_per_epoch=7",
              "--checkpoint_every=2", "--summary_every=1", "--image_every=2",
              "--jit_compile=false", "--verbose=0", "--bn_recalibration_images=16",
              "--g_statistics_draws=16"]


def checkpoint_step(model_dir) -> int:
  """The step of the latest checkpoint in model_dir (0: none)."""
  path = tf.train.latest_checkpoint(os.path.join(model_dir, "checkpoints"))
  return int(path.rsplit("-", 1)[1]) if path else 0


def checkpoint_values(model_dir):
  """{name: value} of every variable of the latest checkpoint (weights, optimizer, seed),
  except the count of saves, which a restarted run does not share with an uninterrupted one."""
  reader = tf.train.load_checkpoint(os.path.join(model_dir, "checkpoints"))
  return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
          if ("OPTIMIZER_SLOT" in name or "/.ATTRIBUTES/VARIABLE_VALUE" in name)
          and not name.startswith("save_counter")}


class TrainCliTest(tf.test.TestCase, parameterized.TestCase):

  def _check_error(self, proc, pattern):
    self.assertNotEqual(proc.returncode, 0)
    self.assertNotIn("Traceback", proc.stderr)
    self.assertRegex(proc.stderr, pattern)

  @parameterized.named_parameters(
      ("bad_codes", ["--codes=cat:ten"], r"Error: Code spec entry 'cat:ten' has a bad size"),
      ("unknown_model", ["--model=vae"], r"flag --model=vae: value should be one of"),
      ("bad_batch", ["--batch_size=0"], r"flag --batch_size=0: 0 is not a positive integer"),
      ("no_model_dir", ["--model_dir="], r"Error: --model_dir is required"),
      ("another_models_flag", ["--mismatch_weight=2"],
       r"Error: --mismatch_weight is a parameter of --model=cgan\|text_cgan, not of "
       r"--model=infogan"),
      ("image_size_of_a_named_dataset", ["--image_size=32"],
       r"Error: --image_size: for folder:PATH and tfds:NAME datasets only, not mnist; "
       r"tfds:mnist reads mnist with them"),
      ("missing_image_folder", ["--dataset=folder:/no/such/images", "--model_dir=/tmp/x"],
       r"Error: Image folder /no/such/images does not exist"),
  )
  def test_bad_flags(self, args, pattern):
    proc = run_cli("tfgan_info.train", "--flagfile=configs/infogan_mnist.cfg", *args)
    self._check_error(proc, pattern)

  def test_missing_raw_file_and_different_run(self):
    raw = os.path.join(self.get_temp_dir(), "raw")
    shutil.copytree(os.path.join(testutil.RAW_FILES_DIR, "mnist"), raw, dirs_exist_ok=True)
    os.chmod(raw, 0o755)
    os.remove(os.path.join(raw, "train-images-idx3-ubyte.gz"))
    model_dir = os.path.join(self.get_temp_dir(), "cli_run")
    common = ["--flagfile=configs/infogan_mnist.cfg", f"--model_dir={model_dir}",
              f"--data_dir={self.get_temp_dir()}/tfds", f"--raw_data_dir={raw}"]
    proc = run_cli("tfgan_info.train", *common)
    self._check_error(proc, r"Error: Missing raw file .*train-images-idx3-ubyte.gz")
    # A start that never trained leaves no config.json to lock the folder.
    self.assertFalse(os.path.exists(os.path.join(model_dir, "config.json")))
    # Once model_dir holds a run's config, another code spec is a different run.
    with working_dir(testutil.ROOT):
      train_lib.prepare_model_dir(train.parse_config(["train", *common]))
    proc = run_cli("tfgan_info.train", *common, "--codes=cat:5")
    self._check_error(proc, r"Error: .* holds a different run \(differs in model.codes\)")

  def test_help_is_a_users_page(self):
    proc = run_cli("tfgan_info.train", "--help", env={"TF_CPP_MIN_LOG_LEVEL": None})
    self.assertEqual(proc.returncode, 0, proc.stderr)
    self.assertEqual(proc.stderr, "")  # no TensorFlow start-up lines
    self.assertTrue(proc.stdout.startswith("Train a GAN of the InfoGAN family"))
    self.assertIn("usage: python3 -m tfgan_info.train --flagfile=configs/<model>_<dataset>.cfg",
                  proc.stdout)
    self.assertRegex(proc.stdout, r"\n  configs/infogan_dsprites.cfg +InfoGAN on procedural "
                     r"dSprites")
    for flag in ("--model_dir=", "--train_steps=", "--checkpoint_every_secs=180", "--codes="):
      self.assertIn(flag, proc.stdout)
    self.assertNotIn("absltest", proc.stdout)

  def test_evaluate_without_a_run(self):
    proc = run_cli("tfgan_info.evaluate", f"--model_dir={self.get_temp_dir()}/nothing")
    self._check_error(proc, r"Error: No run in .*config.json is missing")



class FaultToleranceTest(tf.test.TestCase):

  def test_killed_run_finishes_as_the_run_never_killed(self):
    rng = random.Random(7)
    killed_dir = os.path.join(self.get_temp_dir(), "killed")
    args = [*TINY_RUN, f"--model_dir={killed_dir}"]
    kills = []
    for attempt in range(4):
      start = checkpoint_step(killed_dir)
      proc = subprocess.Popen([sys.executable, "-m", "tfgan_info.train", *args],
                              cwd=testutil.ROOT, env=cli_env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
      try:
        if attempt == 0:  # while it starts up: imports, data, model, tracing
          time.sleep(rng.uniform(1.0, 4.0))
        else:  # once it has trained past its restart point: mid-step, mid-save, mid-summary
          deadline = time.time() + 240
          while checkpoint_step(killed_dir) <= start and proc.poll() is None:
            self.assertLess(time.time(), deadline, "no progress after a restart")
            time.sleep(0.02)
          time.sleep(rng.uniform(0.0, 0.4))
      finally:
        proc.kill()  # SIGKILL: no handler, no clean-up
        proc.wait()
      kills.append(checkpoint_step(killed_dir))
    self.assertLess(kills[-1], 48, f"the run finished before the last kill: {kills}")
    self.assertGreater(kills[-1], kills[1], f"no progress between kills: {kills}")

    finished = run_cli("tfgan_info.train", *args)
    self.assertEqual(finished.returncode, 0, finished.stderr[-2000:])
    straight_dir = os.path.join(self.get_temp_dir(), "straight")
    straight = run_cli("tfgan_info.train", *TINY_RUN, f"--model_dir={straight_dir}")
    self.assertEqual(straight.returncode, 0, straight.stderr[-2000:])

    self.assertEqual(checkpoint_step(killed_dir), 48)
    export_root = os.path.join(killed_dir, "export", "infogan")
    self.assertEqual(os.listdir(export_root), ["48"])  # no half-written export left over
    loaded = tf.saved_model.load(os.path.join(export_root, "48"))
    images = loaded.sample(count=tf.constant(3), seed=tf.constant(5, tf.int64))["images"]
    self.assertEqual(images.shape, (3, 28, 28, 1))
    # Weights, optimizer moments, step counters and the seed state: all as if never killed.
    killed, reference = checkpoint_values(killed_dir), checkpoint_values(straight_dir)
    self.assertSetEqual(set(killed), set(reference))
    self.assertGreater(len(reference), 50)
    for name, value in reference.items():
      self.assertAllClose(killed[name], value, rtol=1e-5, atol=1e-6, msg=name)

  def test_ctrl_c_stops_cleanly_after_saving_and_the_rerun_resumes(self):
    # SIGTERM takes the same path (tests/callbacks_test.py), with exit status 143.
    signum, code = signal.SIGINT, 130
    model_dir = os.path.join(self.get_temp_dir(), "ctrl_c")
    env = cli_env()
    del env["TF_CPP_MIN_LOG_LEVEL"]  # the entry point's own quiet default
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfgan_info.train", *TINY_RUN, f"--model_dir={model_dir}",
         "--train_steps=400", "--checkpoint_every=1000", "--checkpoint_every_secs=0",
         "--verbose=2", "--steps_per_epoch=2"],
        cwd=testutil.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # SIGINT as in a terminal, even when the tests run as a background job (SIG_IGN).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
      head = []
      for line in proc.stdout:  # until training is under way
        head.append(line)
        if re.match(r"step +\d+/400", line):
          break
      proc.send_signal(signum)
      out, err = proc.communicate(timeout=120)
    finally:
      proc.kill()
    out = "".join(head) + out
    self.assertEqual(proc.returncode, code, err[-2000:])
    self.assertNotIn("Traceback", err)
    self.assertNotRegex(err, r"(?m)^[EIW]\d{4}")  # no TensorFlow / absl log lines
    self.assertIn(f"infogan on mnist: new run of 400 steps (batch 8) in {model_dir}", out)
    match = re.search(r"Stopped at step (\d+); saved checkpoint \1 \(\S+ckpt-\1\); rerun the "
                      r"same command to resume", out)
    self.assertIsNotNone(match, out)
    step = int(match.group(1))
    self.assertEqual(checkpoint_step(model_dir), step)
    self.assertFalse(os.path.exists(os.path.join(model_dir, "export")))

    resumed = run_cli("tfgan_info.train", *TINY_RUN, f"--model_dir={model_dir}",
                      f"--train_steps={step + 2}", "--verbose=1")
    self.assertEqual(resumed.returncode, 0, resumed.stderr[-2000:])
    self.assertIn(f"resuming {model_dir} from its checkpoint at step {step}; 2 of {step + 2} "
                  "steps left", resumed.stdout)
    self.assertIn(f"Done: trained to step {step + 2}", resumed.stdout)
    self.assertEqual(checkpoint_step(model_dir), step + 2)

  def test_nan_stops_training_and_keeps_the_last_good_checkpoint(self):
    # A learning rate of 1e30 drives the weights to overflow within a few steps.
    model_dir = os.path.join(self.get_temp_dir(), "nan")
    proc = run_cli("tfgan_info.train", *TINY_RUN, f"--model_dir={model_dir}",
                   "--checkpoint_every=1", "--g_learning_rate=1e30")
    self.assertNotEqual(proc.returncode, 0)
    self.assertNotIn("Traceback", proc.stderr)
    # the loss check or the weights check before a save, whichever sees it first
    self.assertRegex(proc.stderr, r"Error: Non-finite .* at step \d+( \(.*\))?; training stopped")
    step = checkpoint_step(model_dir)
    self.assertBetween(step, 1, 47)
    for name, value in checkpoint_values(model_dir).items():
      self.assertTrue(np.isfinite(value).all(), name)
    self.assertFalse(os.path.exists(os.path.join(model_dir, "export")))


class SharedFolderTest(tf.test.TestCase):
  """Runs that share a machine or a disk (docs/design.md, "Shared folders")."""

  def test_a_folder_in_use_is_refused_and_a_killed_holder_does_not_block(self):
    model_dir = os.path.join(self.get_temp_dir(), "in_use")
    holder = subprocess.Popen([sys.executable, "-m", "tfgan_info.train", *TINY_DCGAN,
                               f"--model_dir={model_dir}", "--train_steps=100000"],
                              cwd=testutil.ROOT, env=cli_env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
      lock = os.path.join(model_dir, locks.RUN_LOCK)
      deadline = time.time() + 240
      while f'"pid": {holder.pid},' not in (open(lock).read() if os.path.exists(lock)
                                            else ""):
        self.assertIsNone(holder.poll(), "the first run ended")
        self.assertLess(time.time(), deadline, "the first run never took the folder")
        time.sleep(0.1)
      second = run_cli("tfgan_info.train", *TINY_DCGAN, f"--model_dir={model_dir}",
                       "--train_steps=100000")
    finally:
      holder.kill()  # SIGKILL: the OS drops its lock
      holder.wait()
    self.assertEqual(second.returncode, 1)
    self.assertNotIn("Traceback", second.stderr)
    self.assertRegex(second.stderr.strip().splitlines()[-1],
                     rf"^Error: {model_dir} is in use by another training run \(pid "
                     rf"{holder.pid} on [^,]+, since [^)]+\): wait for it to finish or stop it "
                     r"\(Ctrl-C or kill PID saves a checkpoint\), or use another --model_dir$")
    with locks.run_folder(model_dir):  # free again
      pass

  def test_a_full_disk_is_one_line_and_the_rerun_resumes(self):
    mount = tempfile.mkdtemp(dir=self.get_temp_dir())
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs",
                                            mount], capture_output=True).returncode:
      self.skipTest("mounting a small tmpfs needs root")
    self.addCleanup(subprocess.run, ["umount", mount], capture_output=True)
    model_dir = os.path.join(mount, "run")
    args = [*TINY_DCGAN, f"--model_dir={model_dir}"]
    with working_dir(testutil.ROOT):
      train_lib.run(train.parse_config(["train", *args, "--train_steps=4"]))
    # 200 KB left: the scalars of step 5 fit, the 0.65 MB checkpoint of step 6 does not.
    filler = os.path.join(mount, "filler")
    stat = os.statvfs(mount)
    with open(filler, "wb") as f:
      f.write(b"\0" * (stat.f_bavail * stat.f_frsize - 200 * 1024))
    proc = run_cli("tfgan_info.train", *args, "--train_steps=8")
    self.assertEqual(proc.returncode, 1, proc.stderr[-2000:])
    self.assertNotIn("Traceback", proc.stderr)
    self.assertRegex(proc.stderr.strip().splitlines()[-1],
                     rf"^Error: No space left on device writing checkpoint 6 to {model_dir}/"
                     rf"checkpoints; the last complete checkpoint is {model_dir}/checkpoints/"
                     r"ckpt-4 \(step 4\): free space and rerun the same command to resume "
                     r"from it$")
    self.assertEqual(checkpoint_step(model_dir), 4)
    self.assertEqual(sorted(os.listdir(os.path.join(model_dir, "checkpoints"))),
                     ["checkpoint"] + [f"ckpt-{s}.{x}" for s in (2, 4)
                                       for x in ("data-00000-of-00001", "index")])
    self.assertEqual(os.listdir(os.path.join(model_dir, "export", "dcgan")), ["4"])
    os.remove(filler)
    resumed = run_cli("tfgan_info.train", *args, "--train_steps=8", "--verbose=1")
    self.assertEqual(resumed.returncode, 0, resumed.stderr[-2000:])
    self.assertIn(f"resuming {model_dir} from its checkpoint at step 4", resumed.stdout)
    self.assertEqual(checkpoint_step(model_dir), 8)
    self.assertEqual(sorted(os.listdir(os.path.join(model_dir, "checkpoints"))),
                     ["checkpoint"] + [f"ckpt-{s}.{x}" for s in (4, 6, 8)
                                       for x in ("data-00000-of-00001", "index")])


if __name__ == "__main__":
  tf.test.main()
