import gzip
import hashlib
import os
import shutil
import subprocess
import sys

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds

from tests import synthetic_raw
from tests import testutil
from tfgan_info import locks
from tfgan_info.data import raw


def sha256(path):
  with open(path, "rb") as f:
    return hashlib.sha256(f.read()).hexdigest()


class VerifyRawFilesTest(tf.test.TestCase):
  """The checks on the raw files: on synthetic files whose checksums the test registers (so
  they run on any machine), and on the originals where they are found."""

  def setUp(self):
    super().setUp()
    self.folder = os.path.join(self.get_temp_dir(), "raw")
    shutil.rmtree(self.folder, ignore_errors=True)
    synthetic_raw.write_raw_files(self.folder)
    self.mnist = os.path.join(self.folder, "mnist")
    # The synthetic files' own checksums stand in for the published ones.
    self.checksums = {n: {f: sha256(os.path.join(self.folder, n, f)) for f in files}
                      for n, files in raw.RAW_FILES.items()}
    self.enter_context(tf.compat.v1.test.mock.patch.dict(raw.RAW_FILES, self.checksums))

  def test_intact_files_pass_in_parent_or_own_folder(self):
    for name in ("mnist", "fashion_mnist"):
      folder = raw.verify_raw_files(name, self.folder)
      self.assertEqual(folder, os.path.join(self.folder, name))
      self.assertEqual(raw.verify_raw_files(name, folder), folder)

  def test_missing_file(self):
    os.remove(os.path.join(self.mnist, "t10k-labels-idx1-ubyte.gz"))
    with self.assertRaisesRegex(raw.RawDataError, "Missing raw file .*t10k-labels"):
      raw.verify_raw_files("mnist", self.folder)

  def test_corrupt_file(self):
    path = os.path.join(self.mnist, "train-labels-idx1-ubyte.gz")
    data = bytearray(open(path, "rb").read())
    data[100] ^= 0xFF
    open(path, "wb").write(bytes(data))
    with self.assertRaisesRegex(raw.RawDataError, "corrupt or not the original: sha256"):
      raw.verify_raw_files("mnist", self.folder)
    # Without the checksum the damage is found when the file is read.
    with self.assertRaisesRegex(raw.RawDataError, r"train-labels-idx1-ubyte.gz is not a "):
      raw.read_idx(path, raw.LABEL_MAGIC)

  def test_not_gzip(self):
    open(os.path.join(self.mnist, "t10k-images-idx3-ubyte.gz"), "wb").write(b"hello")
    with self.assertRaisesRegex(raw.RawDataError, "not a gzip file"):
      raw.verify_raw_files("mnist", self.folder)

  def test_other_dataset_files_are_not_mnist(self):
    with self.assertRaisesRegex(raw.RawDataError, "corrupt or not the original"):
      raw.verify_raw_files("mnist", os.path.join(self.folder, "fashion_mnist"))

  def test_unknown_dataset_and_folder(self):
    with self.assertRaisesRegex(raw.RawDataError, "No offline build"):
      raw.verify_raw_files("cifar10", self.folder)
    with self.assertRaisesRegex(raw.RawDataError, "is not a folder"):
      raw.verify_raw_files("mnist", "/nonexistent/raw")


class OriginalFilesTest(tf.test.TestCase):

  @testutil.needs_real_data
  def test_original_files_match_the_published_checksums(self):
    if not testutil.RAW_DATA_DIR:
      self.skipTest("the real data is a prepared tfds folder, not raw files")
    for name in ("mnist", "fashion_mnist"):
      folder = raw.verify_raw_files(name, testutil.RAW_DATA_DIR)
      self.assertEqual(folder, raw.raw_folder(name, testutil.RAW_DATA_DIR))
      self.assertEqual(raw.verify_raw_files(name, folder), folder)
    with self.assertRaisesRegex(raw.RawDataError, "corrupt or not the original"):
      raw.verify_raw_files("mnist", os.path.join(testutil.RAW_DATA_DIR, "fashion_mnist"))


class ReadIdxTest(tf.test.TestCase):

  def _write(self, name, payload):
    path = os.path.join(self.get_temp_dir(), name)
    with gzip.open(path, "wb") as f:
      f.write(payload)
    return path

  def test_reads_what_was_written(self):
    images = np.arange(2 * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(2, 28, 28)
    path = os.path.join(self.get_temp_dir(), "x-idx3-ubyte.gz")
    synthetic_raw.write_idx(path, images)
    self.assertAllEqual(raw.read_idx(path, raw.IMAGE_MAGIC), images)

  def test_bad_magic_and_truncated_body(self):
    labels = self._write("l-idx1-ubyte.gz", b"\x00\x00\x08\x01\x00\x00\x00\x03\x01\x02\x03")
    self.assertAllEqual(raw.read_idx(labels, raw.LABEL_MAGIC), [1, 2, 3])
    with self.assertRaisesRegex(raw.RawDataError, r"l-idx1-ubyte.gz is not an idx file of 3"):
      raw.read_idx(labels, raw.IMAGE_MAGIC)
    short = self._write("s-idx1-ubyte.gz", b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02")
    with self.assertRaisesRegex(raw.RawDataError,
                                r"s-idx1-ubyte.gz holds 2 bytes after its header, its header "
                                r"says 5"):
      raw.read_idx(short, raw.LABEL_MAGIC)


class OfflineBuildTest(tf.test.TestCase):

  def test_builds_synthetic_files_with_the_sizes_of_their_headers(self):
    folder = synthetic_raw.write_raw_files(os.path.join(self.get_temp_dir(), "raw"))
    data_dir = os.path.join(self.get_temp_dir(), "tfds")
    builder = raw.prepare_from_raw("mnist", folder, data_dir, verify_checksums=False)
    self.assertEqual(builder.info.splits["train"].num_examples, synthetic_raw.SIZES["train"])
    self.assertEqual(builder.info.splits["test"].num_examples, synthetic_raw.SIZES["test"])
    images = raw.read_idx(os.path.join(folder, "mnist", "t10k-images-idx3-ubyte.gz"),
                          raw.IMAGE_MAGIC)
    labels = raw.read_idx(os.path.join(folder, "mnist", "t10k-labels-idx1-ubyte.gz"),
                          raw.LABEL_MAGIC)
    got = list(builder.as_dataset(split="test", shuffle_files=False).as_numpy_iterator())
    # tfds orders records by a hash of their key; every raw example is there exactly once.
    raw_set = sorted((int(y), im.tobytes()) for im, y in zip(images, labels))
    built = sorted((int(ex["label"]), ex["image"][..., 0].tobytes()) for ex in got)
    self.assertEqual(raw_set, built)
    # The checksum check is on by default: synthetic files are not the originals.
    with self.assertRaisesRegex(raw.RawDataError, "corrupt or not the original"):
      raw.prepare_from_raw("mnist", folder, data_dir)

  def test_labels_out_of_range_name_the_file(self):
    folder = synthetic_raw.write_raw_files(os.path.join(self.get_temp_dir(), "bad"))
    path = os.path.join(folder, "mnist", "t10k-labels-idx1-ubyte.gz")
    synthetic_raw.write_idx(path, np.full(synthetic_raw.SIZES["test"], 12, np.uint8))
    with self.assertRaisesRegex(raw.RawDataError, r"t10k-labels-idx1-ubyte.gz holds label 12"):
      raw.prepare_from_raw("mnist", folder, os.path.join(self.get_temp_dir(), "tfds_bad"),
                           verify_checksums=False)

  def test_concurrent_first_builds_wait_for_one_and_share_it(self):
    # Two processes need the same unbuilt dataset while a third (this test) holds its build
    # lock: both wait, then one builds and the other reads that build.
    folder = synthetic_raw.write_raw_files(os.path.join(self.get_temp_dir(), "raw"))
    data_dir = os.path.join(self.get_temp_dir(), "shared_tfds")
    script = ("import sys; from tfgan_info.data import raw; b = raw.prepare_from_raw("
              "'mnist', sys.argv[1], sys.argv[2], verify_checksums=False); "
              "print(b.info.splits['train'].num_examples)")
    env = dict(os.environ, PYTHONPATH=testutil.ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    with locks.data_build(data_dir, "mnist"):
      procs = [subprocess.Popen([sys.executable, "-c", script, folder, data_dir],
                                cwd=testutil.ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
      for proc in procs:  # each says it waits, and does
        for line in proc.stderr:
          if line.startswith("Waiting for another process that builds the tfds dataset "
                             f"mnist in {data_dir}"):
            break
        self.assertIsNone(proc.poll())
    outs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (out, err) in zip(procs, outs):
      self.assertEqual(proc.returncode, 0, err)
      self.assertEqual(out.strip(), str(synthetic_raw.SIZES["train"]))
    self.assertEqual(sum("Building the tfds dataset mnist" in err for _, err in outs), 1)

  @testutil.needs_real_data
  def test_offline_build_equals_tfds_own_build_of_the_originals(self):
    """tfds' own MNIST builder, given the original files as its manual downloads, writes the
    same examples as the offline builder: the build an online machine gets."""
    if not testutil.RAW_DATA_DIR:
      self.skipTest("the real data is a prepared tfds folder, not raw files")
    own = tfds.builder("mnist", data_dir=os.path.join(self.get_temp_dir(), "own"))
    own.download_and_prepare(download_config=tfds.download.DownloadConfig(
        manual_dir=raw.raw_folder("mnist", testutil.RAW_DATA_DIR), try_download_gcs=False))
    offline = raw.prepare_from_raw("mnist", testutil.RAW_DATA_DIR, testutil.TFDS_DIR)
    for split, size in (("train", 60000), ("test", 10000)):
      a = offline.as_dataset(split=split, shuffle_files=False).batch(10000)
      b = own.as_dataset(split=split, shuffle_files=False).batch(10000)
      n = 0
      for x, y in zip(a, b):
        self.assertAllEqual(x["image"], y["image"])
        self.assertAllEqual(x["label"], y["label"])
        n += len(x["label"])
      self.assertEqual(n, size)


if __name__ == "__main__":
  tf.test.main()
