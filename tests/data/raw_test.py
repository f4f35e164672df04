import os
import shutil

import tensorflow as tf

from tests import testutil
from tfgan_info.data import raw


class VerifyRawFilesTest(tf.test.TestCase):

  def _copy(self, name="mnist"):
    folder = os.path.join(self.get_temp_dir(), "raw", name)
    shutil.copytree(os.path.join(testutil.RAW_DATA_DIR, name), folder, dirs_exist_ok=True)
    for f in os.listdir(folder):
      os.chmod(os.path.join(folder, f), 0o644)
    return folder

  def test_original_files_pass_in_parent_or_own_folder(self):
    for name in ("mnist", "fashion_mnist"):
      folder = raw.verify_raw_files(name, testutil.RAW_DATA_DIR)
      self.assertEqual(folder, os.path.join(testutil.RAW_DATA_DIR, name))
      self.assertEqual(raw.verify_raw_files(name, folder), folder)

  def test_missing_file(self):
    folder = self._copy()
    os.remove(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"))
    with self.assertRaisesRegex(raw.RawDataError, "Missing raw file .*t10k-labels"):
      raw.verify_raw_files("mnist", folder)

  def test_corrupt_file(self):
    folder = self._copy()
    path = os.path.join(folder, "train-labels-idx1-ubyte.gz")
    data = bytearray(open(path, "rb").read())
    data[100] ^= 0xFF
    open(path, "wb").write(bytes(data))
    with self.assertRaisesRegex(raw.RawDataError, "corrupt or not the original: sha256"):
      raw.verify_raw_files("mnist", folder)

  def test_not_gzip(self):
    folder = self._copy()
    open(os.path.join(folder, "t10k-images-idx3-ubyte.gz"), "wb").write(b"hello")
    with self.assertRaisesRegex(raw.RawDataError, "not a gzip file"):
      raw.verify_raw_files("mnist", folder)

  def test_fashion_files_are_not_mnist(self):
    with self.assertRaisesRegex(raw.RawDataError, "corrupt or not the original"):
      raw.verify_raw_files("mnist", os.path.join(testutil.RAW_DATA_DIR, "fashion_mnist"))

  def test_unknown_dataset_and_folder(self):
    with self.assertRaisesRegex(raw.RawDataError, "No offline build"):
      raw.verify_raw_files("cifar10", testutil.RAW_DATA_DIR)
    with self.assertRaisesRegex(raw.RawDataError, "is not a folder"):
      raw.verify_raw_files("mnist", "/nonexistent/raw")


if __name__ == "__main__":
  tf.test.main()
