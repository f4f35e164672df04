"""Paired datasets (data/paired.py): the embedded ones and pix2pix's folder format."""

import os

import numpy as np
import tensorflow as tf
from absl.testing import parameterized
from PIL import Image

from tests import testutil
from tfgan_info import config as config_lib
from tfgan_info import data
from tfgan_info.data import image_files
from tfgan_info.data import paired


def load(name, split="test"):
  return data.load(name, split, testutil.TFDS_DIR, testutil.RAW_DATA_DIR)


def first(ds, n):
  return [{k: v.numpy() for k, v in ex.items()} for ex in ds.take(n)]


def write_png(path, image):
  tf.io.write_file(path, tf.io.encode_png(tf.constant(image, tf.uint8)))


def pair_image(a_value, b_value, h=8, w=8):
  """An A|B image: A a horizontal ramp plus a_value, B the same ramp plus b_value."""
  ramp = np.tile(np.linspace(0, 100, w, dtype=np.float32)[None, :, None], (h, 1, 3))
  return np.concatenate([ramp + a_value, ramp + b_value], axis=1).astype(np.uint8)


class EmbeddedPairsTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters("edges2fashion_mnist", "inpaint_mnist")
  def test_shapes_ranges_labels_and_determinism(self, name):
    a, b = first(load(name), 64), first(load(name), 64)
    source = first(load(paired.SOURCES[name]), 64)
    for x, y, s in zip(a, b, source):
      self.assertEqual(x["image"].shape, (28, 56, 1))
      self.assertEqual(x["image"].dtype, np.uint8)
      self.assertAllEqual(x["image"], y["image"])  # deterministic
      self.assertAllEqual(x["image"][:, 28:], s["image"])  # B is the source image
      self.assertEqual(x["label"], s["label"])  # labels kept
    self.assertEqual(int(load(name).cardinality()), testutil.num_examples(
        paired.SOURCES[name], "test"))
    self.assertEqual(data.IMAGE_SHAPES[name], (28, 56, 1))
    self.assertEqual(paired.half_shape(name), (28, 28, 1))
    self.assertEqual(data.NUM_CLASSES[name], 10)

  def test_edges_are_binary_sobel_edges_of_the_item(self):
    examples = first(load("edges2fashion_mnist"), 64)
    edges = np.stack([ex["image"][:, :28] for ex in examples])
    items = np.stack([ex["image"][:, 28:] for ex in examples])
    self.assertSetEqual(set(np.unique(edges)), {0, 255})
    # Where the item is flat (a black background far from it) there are no edges.
    blank = np.stack([tf.nn.max_pool2d(i[None].astype(np.float32), 3, 1, "SAME")[0] == 0
                      for i in items])
    self.assertFalse((edges[blank] > 0).any())
    self.assertBetween(float((edges > 0).mean()), 0.05, 0.6)
    # The NumPy Sobel magnitude of one item (reflected borders) gives the same edges.
    x = np.pad(items[0, :, :, 0].astype(np.float64) / 255.0, 1, mode="reflect")
    kx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float64)
    gx = sum(kx[i, j] * x[i:i + 28, j:j + 28] for i in range(3) for j in range(3))
    gy = sum(kx.T[i, j] * x[i:i + 28, j:j + 28] for i in range(3) for j in range(3))
    expected = np.hypot(gx, gy) >= paired.EDGE_THRESHOLD
    self.assertAllEqual(edges[0, :, :, 0] > 0, expected)

  def test_inpaint_holes_are_seeded_squares_of_background(self):
    examples = first(load("inpaint_mnist"), 64)
    corners = set()
    for index, ex in enumerate(examples):
      a, b = ex["image"][:, :28, 0], ex["image"][:, 28:, 0]
      hole = paired.square_mask(index, "test").numpy()[:, :, 0]
      self.assertEqual(int(hole.sum()), paired.MASK_SIZE ** 2)
      rows, cols = np.nonzero(hole)
      lo, hi = paired.MASK_REGION
      self.assertTrue(lo <= rows.min() and rows.max() < hi and lo <= cols.min() and
                      cols.max() < hi)
      corners.add((rows.min(), cols.min()))
      self.assertAllEqual(a[hole], np.zeros(hole.sum()))  # background inside
      self.assertAllEqual(a[~hole], b[~hole])  # the digit elsewhere
    self.assertGreater(len(corners), 20)  # holes move from example to example
    # A prefix slice of the split has the split's holes (evaluate --split=test[:500]).
    sliced = first(load("inpaint_mnist", "test[:5]"), 5)
    for a, b in zip(sliced, examples):
      self.assertAllEqual(a["image"], b["image"])
    # Another split or another seed draws other holes; the same arguments the same one.
    self.assertAllEqual(paired.square_mask(3, "test"), paired.square_mask(3, "test"))
    self.assertNotAllEqual(tf.stack([paired.square_mask(i, "test") for i in range(8)]),
                           tf.stack([paired.square_mask(i, "train") for i in range(8)]))
    self.assertNotAllEqual(tf.stack([paired.square_mask(i, "test") for i in range(8)]),
                           tf.stack([paired.square_mask(i, "test", seed=1) for i in range(8)]))

  def test_train_pairs_and_eval_pairs(self):
    name = "inpaint_mnist"
    batches = paired.train_pairs(load(name, "train"), name, "AtoB", 8, seed=3,
                                 shuffle_buffer=64)
    batch = next(iter(batches))
    self.assertSetEqual(set(batch), {"input", "target", "label"})
    self.assertEqual(batch["input"].shape, (8, 28, 28, 1))
    self.assertEqual(batch["target"].dtype, tf.float32)
    self.assertAllInRange(batch["input"], -1.0, 1.0)
    again = next(iter(paired.train_pairs(load(name, "train"), name, "AtoB", 8, seed=3,
                                         shuffle_buffer=64)))
    self.assertAllEqual(batch["input"], again["input"])  # seeded
    pairs = paired.as_arrays(paired.eval_pairs(load(name).take(20), "AtoB", 8))
    swapped = paired.as_arrays(paired.eval_pairs(load(name).take(20), "BtoA", 8))
    self.assertEqual(pairs["input"].shape, (20, 28, 28, 1))  # the last batch is kept
    self.assertAllEqual(pairs["input"], swapped["target"])
    self.assertAllEqual(pairs["target"], swapped["input"])
    raw = first(load(name), 1)[0]["image"]
    self.assertAllClose(pairs["target"][0], raw[:, 28:] / 127.5 - 1.0)


class FolderPairsTest(tf.test.TestCase):

  def make_folder(self, name="pairs", test_dir="test", count=3, size=8):
    root = os.path.join(self.get_temp_dir(), name)
    for split in ("train", test_dir):
      os.makedirs(os.path.join(root, split), exist_ok=True)
      for i in range(count):
        write_png(os.path.join(root, split, f"{i}.png"), pair_image(10 * i, 120 + 10 * i,
                                                                    size, size))
    return root

  def test_load_resizes_each_half_to_256(self):
    root = self.make_folder()
    name = data.PAIRED_PREFIX + root
    ds = data.load(name, "test")
    examples = first(ds, 3)
    self.assertLen(examples, 3)
    for i, ex in enumerate(examples):  # sorted file order
      self.assertEqual(ex["image"].shape, (256, 512, 3))
      self.assertEqual(ex["label"], 0)
      a, b = ex["image"][:, :256].astype(float), ex["image"][:, 256:].astype(float)
      self.assertAllClose(b - a, np.full(a.shape, 120.0), atol=1.0)
      self.assertAllClose(a[:, 0].mean(), 10 * i, atol=8)
    self.assertEqual(data.IMAGE_SHAPES[name], (256, 512, 3))
    self.assertEqual(paired.half_shape(name), (256, 256, 3))
    self.assertEqual(data.NUM_CLASSES[name], 0)

  def test_direction_picks_the_input(self):
    root = self.make_folder()
    ds = data.load(data.PAIRED_PREFIX + root, "test")
    a2b = paired.as_arrays(paired.eval_pairs(ds, "AtoB", 2))
    b2a = paired.as_arrays(paired.eval_pairs(ds, "BtoA", 2))
    self.assertEqual(a2b["input"].shape, (3, 256, 256, 3))
    # A is the darker half: AtoB translates dark to bright.
    self.assertLess(a2b["input"].mean(), a2b["target"].mean())
    self.assertAllEqual(a2b["input"], b2a["target"])
    self.assertAllEqual(a2b["target"], b2a["input"])

  def test_training_jitter(self):
    root = self.make_folder()
    name = data.PAIRED_PREFIX + root
    batches = paired.train_pairs(data.load(name, "train", shuffle_seed=0), name, "AtoB", 2,
                                 seed=5)
    taken = list(batches.take(6))
    for batch in taken:
      self.assertEqual(batch["input"].shape, (2, 256, 256, 3))
      self.assertEqual(batch["target"].shape, (2, 256, 256, 3))
      # The same crop and mirror for both: B - A stays the constant offset.
      diff = (batch["target"] - batch["input"]).numpy() * 127.5
      self.assertAllClose(diff, np.full(diff.shape, 120.0), atol=2.0)
    # Crops and flips differ between examples: the ramp is not always where the plain
    # resize puts it (increasing to the right).
    plain = paired.as_arrays(paired.eval_pairs(data.load(name, "train"), "AtoB", 3))["input"]
    slopes = {np.sign(b["input"][k, 128, 200, 0] - b["input"][k, 128, 50, 0]).item()
              for b in taken for k in range(2)}
    self.assertEqual(slopes, {-1.0, 1.0})  # mirrored and not
    self.assertGreater(plain[0, 128, 200, 0], plain[0, 128, 50, 0])
    # Seeded: the same stream again.
    again = list(paired.train_pairs(data.load(name, "train", shuffle_seed=0), name, "AtoB",
                                    2, seed=5).take(6))
    for x, y in zip(taken, again):
      self.assertAllEqual(x["input"], y["input"])

  def test_val_is_the_test_split_when_there_is_no_test(self):
    root = self.make_folder("with_val", test_dir="val", count=2)
    self.assertLen(first(data.load(data.PAIRED_PREFIX + root, "test"), 5), 2)

  def test_a_corrupt_file_is_named(self):
    root = self.make_folder("corrupt")
    bad = os.path.join(root, "train", "1.png")
    with open(bad, "wb") as f:
      f.write(b"this is no image at all")
    with self.assertRaisesRegex(paired.PairedDataError,
                                f"{bad} is neither a PNG nor a JPEG.*cannot be decoded"):
      data.load(data.PAIRED_PREFIX + root, "train")
    truncated = os.path.join(root, "train", "2.jpg")
    jpeg = tf.io.encode_jpeg(tf.constant(pair_image(0, 100), tf.uint8)).numpy()
    with open(truncated, "wb") as f:
      f.write(jpeg[:12])
    os.remove(bad)
    with self.assertRaisesRegex(paired.PairedDataError,
                                f"{truncated} is a truncated or corrupt image"):
      data.load(data.PAIRED_PREFIX + root, "train")
    # Cut short after a complete header: refused by name before TensorFlow's decoder sees it.
    big = tf.io.encode_jpeg(tf.constant(np.random.default_rng(0).integers(
        0, 256, (64, 128, 3)), tf.uint8)).numpy()
    with open(truncated, "wb") as f:
      f.write(big[:len(big) // 2])
    self.assertEqual(Image.open(truncated).size, (128, 64))  # the header is whole
    with self.assertRaisesRegex(paired.PairedDataError,
                                f"{truncated} is a truncated or corrupt JPEG"):
      data.load(data.PAIRED_PREFIX + root, "train")
    with open(truncated, "wb") as f:
      f.write(b"")
    with self.assertRaisesRegex(paired.PairedDataError, rf"{truncated} is empty \(0 bytes\)"):
      data.load(data.PAIRED_PREFIX + root, "train")
    with open(truncated, "wb") as f:
      f.write(jpeg + b"\0" * 100)  # padding after the end marker is fine
    os.remove(os.path.join(root, "train", "0.png"))
    png_path = os.path.join(root, "train", "0.png")
    png = tf.io.encode_png(tf.constant(pair_image(0, 100), tf.uint8)).numpy()
    with open(png_path, "wb") as f:
      f.write(png[:-20])
    with self.assertRaisesRegex(paired.PairedDataError,
                                f"{png_path} is a truncated or corrupt PNG"):
      data.load(data.PAIRED_PREFIX + root, "train")
    with open(png_path, "wb") as f:
      f.write(png)
    self.assertLen(first(data.load(data.PAIRED_PREFIX + root, "train"), 10), 3)

  def test_an_odd_width_is_named(self):
    root = self.make_folder("odd")
    bad = os.path.join(root, "test", "0.png")
    write_png(bad, np.zeros((8, 15, 3), np.uint8))
    with self.assertRaisesRegex(paired.PairedDataError,
                                f"{bad} is 15 pixels wide, an odd width: it cannot be split"):
      data.load(data.PAIRED_PREFIX + root, "test")

  def test_jpeg_sizes_are_read_from_the_file(self):
    path = os.path.join(self.get_temp_dir(), "a.jpg")
    tf.io.write_file(path, tf.io.encode_jpeg(tf.zeros([6, 20, 3], tf.uint8)))
    self.assertEqual(image_files.inspect(path), (20, 6, 3))
    example = paired.decode_pair(tf.constant(path), size=4)
    self.assertEqual(example["image"].shape, (4, 8, 3))

  def test_bad_folders(self):
    with self.assertRaisesRegex(paired.PairedDataError, "does not exist"):
      data.load(data.PAIRED_PREFIX + "/nonexistent/pairs", "train")
    empty = os.path.join(self.get_temp_dir(), "empty")
    os.makedirs(os.path.join(empty, "train"))
    with self.assertRaisesRegex(paired.PairedDataError, "holds no .jpg/.jpeg/.png files"):
      data.load(data.PAIRED_PREFIX + empty, "train")
    with self.assertRaisesRegex(paired.PairedDataError, r"no test/ subfolder \(nor val/\)"):
      data.load(data.PAIRED_PREFIX + empty, "test")


class DatasetNamesTest(tf.test.TestCase):

  def test_names_directions_and_the_config(self):
    data.check_dataset("mnist")
    data.check_dataset("paired:/any/folder", "BtoA")
    with self.assertRaisesRegex(ValueError, "Unknown dataset 'imagenet'"):
      data.check_dataset("imagenet")
    with self.assertRaisesRegex(ValueError, "names no folder"):
      data.check_dataset("paired:")
    with self.assertRaisesRegex(ValueError, "--direction=BtoA is for paired datasets"):
      data.check_dataset("mnist", "BtoA")
    with self.assertRaisesRegex(ValueError, "Unknown direction"):
      data.check_dataset("inpaint_mnist", "AtoC")
    config = config_lib.Config(data=config_lib.DataConfig(dataset="paired:/data/facades",
                                                          direction="BtoA"))
    self.assertEqual(config_lib.Config.from_json(config.to_json()), config)
    with self.assertRaisesRegex(ValueError, "Unknown dataset"):
      config_lib.DataConfig(dataset="imagenet")
    self.assertEqual(paired.output_domain("edges2fashion_mnist", "AtoB"), "fashion_mnist")
    self.assertIsNone(paired.output_domain("edges2fashion_mnist", "BtoA"))
    self.assertIsNone(paired.output_domain("paired:/data/facades", "AtoB"))
    self.assertEqual(paired.output_domain("mnist"), "mnist")
    with self.assertRaisesRegex(ValueError, "holds no image pairs"):
      paired.half_shape("mnist")


if __name__ == "__main__":
  tf.test.main()
