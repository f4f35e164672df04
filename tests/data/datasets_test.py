import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tests import testutil
from tfgan_info import data
from tfgan_info.data import datasets


class DatasetsTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters("mnist", "fashion_mnist")
  def test_load_gives_the_splits(self, name):
    test = data.load(name, "test", testutil.TFDS_DIR, testutil.RAW_DATA_DIR)
    self.assertEqual(int(test.cardinality()), testutil.num_examples(name, "test"))
    labels = np.array([int(ex["label"]) for ex in test.take(2000)])
    self.assertEqual(sorted(set(labels)), list(range(10)))
    ex = next(iter(test))
    self.assertEqual(ex["image"].shape, (28, 28, 1))
    self.assertEqual(ex["image"].dtype, tf.uint8)

  @testutil.needs_real_data
  def test_the_real_splits(self):
    for name in ("mnist", "fashion_mnist"):
      for split, size in (("train", 60000), ("test", 10000)):
        ds = data.load(name, split, testutil.TFDS_DIR, testutil.RAW_DATA_DIR)
        self.assertEqual(int(ds.cardinality()), size)

  def test_pipeline_batches_scaled_images(self):
    ds = data.load("mnist", "train", testutil.TFDS_DIR, testutil.RAW_DATA_DIR)
    batches = data.pipeline(ds.take(100), 32, seed=1, shuffle_buffer=100)
    it = iter(batches)
    for _ in range(5):  # repeats past 100 examples, always full batches
      batch = next(it)
      self.assertEqual(batch["image"].shape, (32, 28, 28, 1))
      self.assertEqual(batch["image"].dtype, tf.float32)
    self.assertAllInRange(batch["image"], -1.0, 1.0)
    self.assertAllClose(tf.reduce_min(batch["image"]), -1.0)

  def test_pipeline_one_pass_keeps_remainder_and_order(self):
    ds = tf.data.Dataset.from_tensor_slices(
        {"image": np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1) * 25,
         "label": np.arange(10)})
    out = list(data.pipeline(ds, 4, shuffle=False, repeat=False, drop_remainder=False,
                             value_range=(0.0, 1.0)))
    self.assertEqual([len(b["label"]) for b in out], [4, 4, 2])
    self.assertAllClose(out[0]["image"][:, 0, 0, 0], np.arange(4) * 25 / 255)

  def test_shuffle_is_seeded(self):
    ds = tf.data.Dataset.from_tensor_slices(
        {"image": np.zeros((50, 1, 1, 1), np.uint8), "label": np.arange(50)})
    a = next(iter(data.pipeline(ds, 50, seed=3)))["label"]
    b = next(iter(data.pipeline(ds, 50, seed=3)))["label"]
    c = next(iter(data.pipeline(ds, 50, seed=4)))["label"]
    self.assertAllEqual(a, b)
    self.assertNotAllClose(a, c)

  def test_bad_arguments(self):
    with self.assertRaisesRegex(ValueError, "Unknown dataset"):
      data.load("imagenet", "train")
    with self.assertRaisesRegex(ValueError, "batch_size"):
      data.pipeline(tf.data.Dataset.range(3), 0)

  def test_rgb_datasets_are_declared(self):
    for name, shape in [("cifar10", (32, 32, 3)), ("svhn_cropped", (32, 32, 3)),
                        ("celeb_a", (64, 64, 3))]:
      self.assertIn(name, data.DATASETS)
      self.assertEqual(data.IMAGE_SHAPES[name], shape)
    self.assertEqual(data.NUM_CLASSES["celeb_a"], 0)
    # No offline build for them: a clear error, not a download attempt.
    with self.assertRaisesRegex(data.RawDataError, "No offline build"):
      data.load("cifar10", "train", self.get_temp_dir(), testutil.RAW_FILES_DIR)

  def test_celeb_a_examples_are_center_cropped_to_64(self):
    # A fake 218x178 CelebA image: a bright central 108x108 square on a dark frame.
    image = np.zeros((218, 178, 3), np.uint8)
    image[55:163, 35:143] = 200
    ex = datasets.to_example("celeb_a", {"image": tf.constant(image), "attributes": {}})
    self.assertEqual(ex["image"].shape, (64, 64, 3))
    self.assertEqual(ex["image"].dtype, tf.uint8)
    self.assertAllEqual(ex["image"], np.full((64, 64, 3), 200, np.uint8))
    self.assertEqual(int(ex["label"]), 0)

  def test_cifar_like_examples_keep_image_and_label(self):
    image = np.random.default_rng(0).integers(0, 256, (32, 32, 3)).astype(np.uint8)
    ex = datasets.to_example("cifar10", {"image": tf.constant(image), "label": tf.constant(7)})
    self.assertAllEqual(ex["image"], image)
    self.assertEqual(ex["label"].dtype, tf.int64)


if __name__ == "__main__":
  tf.test.main()
