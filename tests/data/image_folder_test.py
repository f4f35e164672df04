"""A folder of images as a dataset (data/image_folder.py): layouts, labels, sizes, bad input."""

import os
from unittest import mock

import numpy as np
import tensorflow as tf
from absl.testing import parameterized
from PIL import Image

from tfgan_info import data
from tfgan_info.data import image_folder


def write_image(path, array, kind=None):
  """Saves a uint8 [H, W] (grey) or [H, W, 3] (RGB) array with Pillow (PNG or JPEG by suffix)."""
  os.makedirs(os.path.dirname(path), exist_ok=True)
  Image.fromarray(np.asarray(array, np.uint8)).save(path, format=kind)


def make_folder(root, classes=("cat", "dog"), per_class=3, size=(12, 12), channels=3,
                seed=0):
  """A folder of random images in class subfolders (none: ``classes`` empty), PNG and JPEG."""
  rng = np.random.default_rng(seed)
  shape = size + ((3,) if channels == 3 else ())
  for c in classes or ("",):
    for i in range(per_class):
      suffix = "png" if i % 2 == 0 else "jpg"
      write_image(os.path.join(root, c, f"{i}.{suffix}"), rng.integers(0, 256, shape))
  return root


def examples(name, split="train", **source):
  return [{k: v.numpy() for k, v in ex.items()}
          for ex in data.load(name, split, source=data.Source(**source))]


class LayoutTest(tf.test.TestCase, parameterized.TestCase):

  def setUp(self):
    super().setUp()
    image_folder.clear_cache()

  def test_class_subfolders_are_labels_in_sorted_order_nested_files_included(self):
    root = make_folder(os.path.join(self.get_temp_dir(), "f"), classes=("zebra", "ant"))
    write_image(os.path.join(root, "ant", "deeper", "x.png"), np.zeros((12, 12, 3)))
    with open(os.path.join(root, "zebra", "notes.txt"), "w") as f:
      f.write("not an image")
    layout = image_folder.scan(root)
    self.assertEqual(layout.class_names, ("ant", "zebra"))
    self.assertEqual(layout.labels, (0, 0, 0, 0, 1, 1, 1))
    self.assertIn(os.path.join(root, "ant", "deeper", "x.png"), layout.files)
    name = "folder:" + root
    self.assertEqual(data.num_classes(name), 2)
    self.assertEqual(data.image_shape(name), (12, 12, 3))
    got = examples(name)
    self.assertLen(got, 7)
    self.assertEqual([int(e["label"]) for e in got], list(layout.labels))
    for e in got:
      self.assertEqual((e["image"].shape, e["image"].dtype), ((12, 12, 3), np.uint8))
    png = np.asarray(Image.open(os.path.join(root, "zebra", "0.png")))
    self.assertAllEqual(got[4]["image"], png)  # decoded as written (PNG: lossless)

  def test_a_folder_without_classes_has_label_zero_and_no_classes(self):
    root = make_folder(os.path.join(self.get_temp_dir(), "f"), classes=(), channels=1)
    name = "folder:" + root
    self.assertEqual(data.num_classes(name), 0)
    self.assertEqual(data.image_shape(name), (12, 12, 1))
    self.assertEqual({int(e["label"]) for e in examples(name)}, {0})

  def test_train_and_test_subfolders_are_the_splits(self):
    root = os.path.join(self.get_temp_dir(), "f")
    make_folder(os.path.join(root, "train"), per_class=3)
    make_folder(os.path.join(root, "test"), per_class=1, seed=1)
    name = "folder:" + root
    self.assertLen(examples(name, "train"), 6)
    self.assertLen(examples(name, "test"), 2)
    self.assertEqual(data.num_classes(name), 2)
    # val/ stands for a missing test/; without either, evaluation reads the training images.
    os.rename(os.path.join(root, "test"), os.path.join(root, "val"))
    image_folder.clear_cache()
    self.assertLen(examples(name, "test"), 2)
    os.rename(os.path.join(root, "val"), os.path.join(self.get_temp_dir(), "elsewhere"))
    image_folder.clear_cache()
    self.assertLen(examples(name, "test"), 6)

  def test_a_class_named_train_is_a_class(self):
    root = make_folder(os.path.join(self.get_temp_dir(), "f"), classes=("train", "truck"))
    self.assertEqual(image_folder.scan(root).class_names, ("train", "truck"))
    self.assertFalse(image_folder.has_splits(root))

  def test_the_test_split_of_a_folder_without_one_is_a_fixed_sample(self):
    root = make_folder(os.path.join(self.get_temp_dir(), "f"), per_class=5, size=(4, 4))
    with mock.patch.object(image_folder, "TEST_SIZE", 4):
      test = image_folder.scan(root, "test")
      again = image_folder.scan(root, "test")
    train = image_folder.scan(root, "train")
    self.assertLen(test.files, 4)
    self.assertEqual(test, again)
    self.assertContainsSubset(test.files, train.files)
    self.assertEqual(list(test.files), sorted(test.files, key=train.files.index))

  def test_a_test_split_with_other_classes_is_refused(self):
    root = os.path.join(self.get_temp_dir(), "f")
    make_folder(os.path.join(root, "train"), classes=("a", "b"))
    make_folder(os.path.join(root, "test"), classes=("a", "c"))
    with self.assertRaisesRegex(data.FolderDataError, r"classes \['a', 'c'\] differ from the "
                                r"training split's \['a', 'b'\]"):
      examples("folder:" + root, "test")

  def test_image_size_crops_the_central_square_and_resizes(self):
    root = os.path.join(self.get_temp_dir(), "f")
    image = np.zeros((40, 60, 3), np.uint8)
    image[:, 10:50] = 200  # the central 40x40 square is uniform 200, the sides 0
    write_image(os.path.join(root, "wide.png"), image)
    tall = np.zeros((50, 30, 3), np.uint8)
    tall[10:40] = 100
    write_image(os.path.join(root, "tall.png"), tall)
    name = "folder:" + root
    self.assertEqual(data.image_shape(name, data.Source(image_size=8)), (8, 8, 3))
    got = {os.path.basename(f): e["image"] for f, e in zip(
        image_folder.scan(root).files, examples(name, image_size=8))}
    self.assertAllEqual(got["wide.png"], np.full((8, 8, 3), 200))
    self.assertAllEqual(got["tall.png"], np.full((8, 8, 3), 100))
    # --crop_size: a smaller central square, here inside the uniform parts.
    self.assertAllEqual(examples(name, image_size=4, crop_size=20)[0]["image"],
                        np.full((4, 4, 3), 100))
    with self.assertRaisesRegex(data.FolderDataError, r"tall.png is 30x50, smaller than "
                                r"--crop_size=32"):
      data.image_shape(name, data.Source(image_size=8, crop_size=32))

  def test_channels_grey_and_rgb_mixed_need_a_conversion(self):
    root = os.path.join(self.get_temp_dir(), "f")
    write_image(os.path.join(root, "a_grey.png"), np.full((8, 8), 50))
    write_image(os.path.join(root, "b_rgb.png"), np.full((8, 8, 3), 90))
    name = "folder:" + root
    with self.assertRaisesRegex(data.FolderDataError, r"mixes grey and colour images \(.*"
                                r"a_grey.png is grey, .*b_rgb.png colour\): pass "
                                r"--image_channels=1 or 3"):
      data.image_shape(name)
    rgb = examples(name, image_channels=3)
    self.assertAllEqual(rgb[0]["image"], np.full((8, 8, 3), 50))
    grey = examples(name, image_channels=1)
    self.assertEqual(grey[1]["image"].shape, (8, 8, 1))
    self.assertAllClose(grey[1]["image"], np.full((8, 8, 1), 90), atol=1)

  def test_sizes_must_agree_without_image_size(self):
    root = os.path.join(self.get_temp_dir(), "f")
    write_image(os.path.join(root, "a.png"), np.zeros((8, 8)))
    write_image(os.path.join(root, "b.png"), np.zeros((9, 9)))
    with self.assertRaisesRegex(data.FolderDataError, r"not of one square size \(.*a.png is "
                                r"8x8, .*b.png 9x9\): pass --image_size"):
      data.image_shape("folder:" + root)
    root2 = os.path.join(self.get_temp_dir(), "g")
    write_image(os.path.join(root2, "a.png"), np.zeros((8, 10)))
    with self.assertRaisesRegex(data.FolderDataError, r"a.png is 10x8, not square: pass "
                                r"--image_size"):
      data.image_shape("folder:" + root2)

  def test_a_shuffle_seed_visits_every_file_in_a_seeded_order(self):
    root = make_folder(os.path.join(self.get_temp_dir(), "f"), per_class=8)
    name = "folder:" + root
    plain = [e["image"].tobytes() for e in examples(name)]
    ds = data.load(name, "train", shuffle_seed=3)
    once = [e["image"].numpy().tobytes() for e in ds]
    again = [e["image"].numpy().tobytes() for e in data.load(name, "train", shuffle_seed=3)]
    self.assertEqual(once, again)
    self.assertNotEqual(once, plain)
    self.assertCountEqual(once, plain)


class BadInputTest(tf.test.TestCase, parameterized.TestCase):
  """Each bad input is one line that names the folder or the file."""

  def setUp(self):
    super().setUp()
    image_folder.clear_cache()
    self.root = make_folder(os.path.join(self.get_temp_dir(), "f"))
    self.name = "folder:" + self.root

  def _refused(self, pattern):
    with self.assertRaisesRegex(data.FolderDataError, pattern) as caught:
      data.image_shape(self.name)
    self.assertNotIn("\n", str(caught.exception))

  def test_zero_byte_file(self):
    open(os.path.join(self.root, "cat", "empty.png"), "wb").close()
    self._refused(r"Image .*cat/empty.png is empty \(0 bytes\)")

  @parameterized.parameters("png", "jpg")
  def test_truncated_file(self, suffix):
    path = os.path.join(self.root, "dog", f"cut.{suffix}")
    write_image(path, np.random.default_rng(0).integers(0, 256, (64, 64, 3)))
    with open(path, "rb") as f:
      whole = f.read()
    with open(path, "wb") as f:
      f.write(whole[:len(whole) // 2])
    self._refused(rf"Image .*dog/cut.{suffix} is a truncated or corrupt")

  def test_not_an_image(self):
    with open(os.path.join(self.root, "cat", "text.jpg"), "w") as f:
      f.write("plain text, named as a JPEG")
    self._refused(r"Image .*cat/text.jpg is neither a PNG nor a JPEG file")

  def test_unreadable_file(self):
    if os.geteuid() == 0:
      self.skipTest("root reads a file without read permission")
    path = os.path.join(self.root, "cat", "0.png")
    os.chmod(path, 0)
    self._refused(r"Image .*cat/0.png cannot be read")

  def test_no_images(self):
    empty = os.path.join(self.get_temp_dir(), "empty")
    os.makedirs(empty)
    with self.assertRaisesRegex(data.FolderDataError, r"Image folder .*empty holds no "
                                r".png/.jpg/.jpeg images"):
      data.image_shape("folder:" + empty)
    os.makedirs(os.path.join(self.root, "bird"))
    self._refused(r"Class folder .*f/bird holds no .png/.jpg/.jpeg images")

  def test_missing_folder_and_images_beside_class_folders(self):
    with self.assertRaisesRegex(data.FolderDataError, r"Image folder /no/such/place does not "
                                r"exist"):
      data.image_shape("folder:/no/such/place")
    write_image(os.path.join(self.root, "loose.png"), np.zeros((12, 12, 3)))
    self._refused(r"holds images \(loose.png\) and subfolders \(cat/\): put every image in a "
                  "class subfolder, or none")

  def test_flags_that_do_not_apply(self):
    with self.assertRaisesRegex(ValueError, r"--image_feature: for tfds:NAME datasets only, "
                                r"not folder:"):
      data.check_dataset(self.name, source=data.Source(image_feature="img"))
    with self.assertRaisesRegex(ValueError, r"--image_size: for folder:PATH and tfds:NAME "
                                r"datasets only, not mnist; tfds:mnist reads mnist with them"):
      data.check_dataset("mnist", source=data.Source(image_size=32))
    with self.assertRaisesRegex(ValueError, r"names no folder"):
      data.check_dataset("folder:")


if __name__ == "__main__":
  tf.test.main()
