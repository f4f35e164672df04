"""Shared test helpers: where the raw data is, a tfds folder built once, tiny configs."""

import os

from tfgan_info.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The original MNIST / Fashion-MNIST gzip files (../shared/data beside the checkout).
RAW_DATA_DIR = os.environ.get("TFGAN_INFO_RAW_DATA_DIR",
                              os.path.join(os.path.dirname(ROOT), "shared", "data"))
# Built once and reused by every test that needs a prepared tfds dataset.
TFDS_DIR = os.environ.get("TFGAN_INFO_TEST_TFDS_DIR", "/tmp/tfgan_info_test_tfds")


def tiny_config(model_dir: str, **runtime) -> Config:
  """A config of a few steps on real MNIST, small batch, no XLA (fast to trace)."""
  rt = dict(model_dir=model_dir, train_steps=4, steps_per_epoch=2, checkpoint_every=2,
            summary_every=1, image_every=2, jit_compile=False, verbose=0)
  rt.update(runtime)
  return Config().replace(
      data=dict(batch_size=8, raw_data_dir=RAW_DATA_DIR, data_dir=TFDS_DIR,
                shuffle_buffer=256),
      runtime=rt)
