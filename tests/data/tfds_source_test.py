"""Any tfds image dataset (data/tfds_source.py), on tfds' mock data and the real MNIST files."""

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds
from absl.testing import parameterized

from tests import testutil
from tfgan_info import data
from tfgan_info.data import tfds_source


def first(name, n=4, split="train", **source):
  ds = data.load(name, split, testutil.TFDS_DIR, source=data.Source(**source))
  return [{k: v.numpy() for k, v in ex.items()} for ex in ds.take(n)]


class TfdsSourceTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters(
      ("tfds:svhn_cropped", {}, (32, 32, 3), 10),
      ("tfds:cifar10", {"image_channels": 1}, (32, 32, 1), 10),
      ("tfds:celeb_a", {"image_size": 32, "crop_size": 108}, (32, 32, 3), 0),
      ("tfds:shapes3d", {"label_feature": "label_shape"}, (64, 64, 3), 4),
  )
  def test_shapes_classes_and_examples_of_mock_data(self, name, source, shape, classes):
    self.assertEqual(data.image_shape(name, data.Source(**source)), shape)
    self.assertEqual(data.num_classes(name, data.Source(**source)), classes)
    with tfds.testing.mock_data(num_examples=6):
      got = first(name, **source)
    self.assertLen(got, 4)
    for ex in got:
      self.assertEqual((ex["image"].shape, ex["image"].dtype), (shape, np.uint8))
      self.assertEqual(ex["label"].dtype, np.int64)
      self.assertTrue(0 <= ex["label"] < max(classes, 1))

  def test_tfds_mnist_reads_the_same_images_as_mnist(self):
    got = first("tfds:mnist", 8, "test")
    ds = data.load("mnist", "test", testutil.TFDS_DIR, testutil.RAW_DATA_DIR).take(8)
    for ex, ref in zip(got, ds):
      self.assertAllEqual(ex["image"], ref["image"])
      self.assertEqual(ex["label"], ref["label"])
    resized = first("tfds:mnist", 2, "test", image_size=32, image_channels=3)
    self.assertEqual(resized[0]["image"].shape, (32, 32, 3))

  def test_bad_names_and_features_are_one_line_errors(self):
    with self.assertRaisesRegex(data.TfdsDataError, r"tfds knows no dataset 'no_such_set'"):
      data.image_shape("tfds:no_such_set")
    with self.assertRaisesRegex(data.TfdsDataError, r"shapes3d has no class-label feature "
                                r"'floor' \(its features: \[.*'label_floor_hue'.*\]\): pass "
                                r"--label_feature"):
      data.num_classes("tfds:shapes3d", data.Source(label_feature="floor"))
    with self.assertRaisesRegex(data.TfdsDataError, r"svhn_cropped has no image feature "
                                r"'picture'"):
      data.image_shape("tfds:svhn_cropped", data.Source(image_feature="picture"))
    with self.assertRaisesRegex(data.TfdsDataError, r"celeb_a's 'image' images are 218x178 "
                                r"\(height x width\), not one square size: pass --image_size"):
      data.image_shape("tfds:celeb_a")
    with self.assertRaisesRegex(ValueError, r"names no dataset"):
      data.check_dataset("tfds:")
    self.assertEqual(data.num_classes("tfds:celeb_a"), 0)  # no "label": no classes

  def test_a_missing_test_split_falls_back(self):
    class Splits:
      def __init__(self, names):
        self.info = type("Info", (), {"splits": {n: None for n in names}})()
    self.assertEqual(tfds_source.existing_split(Splits(["train", "validation"]), "test"),
                     "validation")
    self.assertEqual(tfds_source.existing_split(Splits(["train"]), "test[:100]"),
                     "train[:100]")
    self.assertEqual(tfds_source.existing_split(Splits(["train", "test"]), "test"), "test")
    self.assertEqual(tfds_source.existing_split(Splits([]), "test"), "test")  # mock data

  def test_a_label_that_is_no_class_label_means_no_classes(self):
    self.assertEqual(data.num_classes("tfds:lfw"), 0)  # lfw's "label" is a name (text)
    self.assertEqual(data.image_shape("tfds:lfw"), (250, 250, 3))
    self.assertEqual(data.num_classes("tfds:svhn_cropped", data.Source(label_feature="")), 0)
    with tfds.testing.mock_data(num_examples=2):
      self.assertEqual(first("tfds:lfw", 1)[0]["label"], 0)
    with self.assertRaisesRegex(data.TfdsDataError, r"images are 32x32 \(height x width\), "
                                r"smaller than --crop_size=64"):
      data.image_shape("tfds:svhn_cropped", data.Source(crop_size=64))

  def test_file_names(self):
    # Unique per dataset, folder and Source: two folders or two sizes never share a name.
    name = data.file_name("tfds:cifar10:3.0.2")
    self.assertRegex(name, r"^tfds_cifar10_3.0.2_[0-9a-f]{8}$")
    self.assertNotEqual(name, data.file_name("tfds:cifar10:3.0.2", data.Source(image_size=64)))
    self.assertRegex(data.file_name("folder:/data/my chairs/"), r"^folder_my_chairs_[0-9a-f]{8}$")
    self.assertNotEqual(data.file_name("folder:/a/images"), data.file_name("folder:/b/images"))
    self.assertEqual(data.file_name("mnist"), "mnist")


if __name__ == "__main__":
  tf.test.main()
