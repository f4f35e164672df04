"""Shared test helpers: the test data (real MNIST where found, else synthetic), tiny configs.

The tests run on a fresh checkout with no data beside it. The data they read is, in order:

1. the original raw gzip files in ``$TFGAN_INFO_RAW_DATA_DIR`` (which must then hold them;
   set to the empty string, it skips 2 and 3: the fresh-checkout run on a machine with data);
2. the original raw files in ``../shared/data`` beside the checkout (this project's machines);
3. tfds' MNIST and Fashion-MNIST already prepared in ``$TFGAN_INFO_TEST_TFDS_DIR``;
4. otherwise synthetic MNIST-format files (`tests/synthetic_raw.py`), built into a tfds folder
   by the same offline builder as the real files, with the checksum check left out.

``REAL_DATA`` says which; the few tests that need the originals themselves (published
checksums, 60,000 / 10,000 examples, equality with tfds' own build) are skipped without them,
and conftest.py prints the data source at the end of every run.
"""

import importlib.util
import os
import unittest

from tfgan_info.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASETS = ("mnist", "fashion_mnist")
_CACHE = os.environ.get("TFGAN_INFO_TEST_CACHE", "/tmp/tfgan_info_test_data")


def _has_raw_files(folder: str) -> bool:
  from tfgan_info.data import raw  # pylint: disable=g-import-not-at-top
  return all(os.path.isfile(os.path.join(raw.raw_folder(name, folder), f))
             for name in DATASETS for f in raw.RAW_FILES[name])


def _prepared(tfds_dir: str) -> bool:
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  return all(tfds.builder(name, data_dir=tfds_dir).is_prepared() for name in DATASETS)


def _find_data():
  """(raw files folder or "", tfds folder, real?, a line describing the source)."""
  env_raw = os.environ.get("TFGAN_INFO_RAW_DATA_DIR")
  shared = os.path.join(os.path.dirname(ROOT), "shared", "data")
  env_tfds = os.environ.get("TFGAN_INFO_TEST_TFDS_DIR")
  if env_raw:
    if not _has_raw_files(env_raw):
      raise RuntimeError(f"TFGAN_INFO_RAW_DATA_DIR={env_raw} lacks the raw MNIST and "
                         "Fashion-MNIST gzip files (unset it to test on synthetic data)")
    return env_raw, env_tfds or os.path.join(_CACHE, "real"), True, f"real files in {env_raw}"
  if env_raw is None and _has_raw_files(shared):
    return shared, env_tfds or os.path.join(_CACHE, "real"), True, f"real files in {shared}"
  if env_tfds and _prepared(env_tfds):
    return "", env_tfds, True, f"tfds datasets prepared in {env_tfds}"
  return ("", os.path.join(_CACHE, "synthetic_v1"), False,
          "SYNTHETIC MNIST-format files (no original files found: set "
          "TFGAN_INFO_RAW_DATA_DIR to test on them)")


# The raw folder tests pass as raw_data_dir ("" for a prepared or synthetic tfds folder), the
# tfds folder every test reads, and whether the data is the original MNIST.
RAW_DATA_DIR, TFDS_DIR, REAL_DATA, DATA_SOURCE = _find_data()
# Raw files that exist in either case (the originals, or the synthetic ones): for tests of
# the raw-file checks that copy and damage them.
RAW_FILES_DIR = RAW_DATA_DIR or os.path.join(_CACHE, "synthetic_v1_raw")

needs_real_data = unittest.skipUnless(
    REAL_DATA, "needs the original MNIST files (set TFGAN_INFO_RAW_DATA_DIR)")


def prepare_test_data():
  """Builds the tfds folder the tests read (once; later calls only check it).

  The suite runs in two processes (pytest-xdist, README), each importing conftest.py: a lock
  file beside the folder (`locks.exclusive`) lets one build it while the other waits, then
  finds it prepared.
  """
  from tfgan_info import locks  # pylint: disable=g-import-not-at-top
  from tfgan_info.data import raw  # pylint: disable=g-import-not-at-top
  with locks.exclusive(os.path.join(_CACHE, ".lock")):
    if not RAW_DATA_DIR and not _has_raw_files(RAW_FILES_DIR):
      from tests import synthetic_raw  # pylint: disable=g-import-not-at-top
      synthetic_raw.write_raw_files(RAW_FILES_DIR)
    if RAW_DATA_DIR:
      for name in DATASETS:
        raw.prepare_from_raw(name, RAW_DATA_DIR, TFDS_DIR)
    elif not _prepared(TFDS_DIR):
      for name in DATASETS:
        raw.prepare_from_raw(name, RAW_FILES_DIR, TFDS_DIR, verify_checksums=False)


def release_traced_graphs() -> int:
  """Drops the gradient functions that traced training steps left in TensorFlow's global
  gradient registry, and returns how many.

  Inside a `tf.function`, `tf.custom_gradient` registers the gradient of each traced call
  under a new name ("CustomGradient-<n>") and never removes it; Keras' optimizers trace one
  such call per step function (the all-reduce of the gradients,
  `ReplicaContextBase.all_reduce`, also on one device). Its closure holds the step's graph,
  and the graph its captured variables: every model a test trains would stay in memory for
  the rest of the process (160 MB for InfoGAN MNIST's weights and Adam moments). The
  registration is read when a gradient is taken through the traced call: while the step is
  traced, or later if a test differentiates a function another test traced (no test does:
  the models a class shares, in setUpClass, are trained before their tests).
  """
  from tensorflow.python.framework import ops  # pylint: disable=g-import-not-at-top
  registry = ops._gradient_registry._registry  # pylint: disable=protected-access
  stale = [name for name in registry if name.startswith("CustomGradient-")]
  for name in stale:
    del registry[name]
  return len(stale)


def load_tool(name: str):
  """The module tools/<name>.py (tools/ is not a package), loaded without running its main."""
  spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "tools", f"{name}.py"))
  tool = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(tool)
  return tool


def num_examples(name: str, split: str) -> int:
  """The size of a split of the test data (10,000 for the real MNIST test split)."""
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  return tfds.builder(name, data_dir=TFDS_DIR).info.splits[split].num_examples


def tiny_config(model_dir: str, **runtime) -> Config:
  """A config of a few steps on the test MNIST, small batch, no XLA (fast to trace), and
  one batch of 16 real images (or prior draws, for a G whose statistics are recomputed) for
  the export's batch-norm statistics."""
  rt = dict(model_dir=model_dir, train_steps=4, steps_per_epoch=2, checkpoint_every=2,
            summary_every=1, image_every=2, jit_compile=False, verbose=0,
            bn_recalibration_images=16, g_statistics_draws=16)
  rt.update(runtime)
  return Config().replace(
      data=dict(batch_size=8, raw_data_dir=RAW_DATA_DIR, data_dir=TFDS_DIR,
                shuffle_buffer=256),
      runtime=rt)


def tiny_dsprites_infogan_config(model_dir: str, **runtime) -> Config:
  """`tiny_config` for InfoGAN on procedural dSprites: the half-width networks, three
  continuous codes and 4 noise dims (for the disentanglement metrics and tools)."""
  return tiny_config(model_dir, **runtime).replace(
      data=dict(dataset="dsprites", cache=False),
      model=dict(architecture="infogan_dsprites", codes="uniform:1,uniform:1,uniform:1",
                 noise_dim=4))


def tiny_dcgan_config(model_dir: str, **runtime) -> Config:
  """`tiny_config` for a DCGAN of width 8 with 8 noise dims and no codes: 0.65 MB
  checkpoints (InfoGAN MNIST's are 160 MB), for tests that write many or fill a disk."""
  return tiny_config(model_dir, **runtime).replace(
      model=dict(model="gan", architecture="dcgan", width=8, codes="", noise_dim=8))
