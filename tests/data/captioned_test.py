"""Captioned datasets (data/captioned.py): the embedded MNIST / Fashion-MNIST captions, a
folder with caption files, and the choice of one caption per step."""

import os
import tempfile

import tensorflow as tf
from absl.testing import parameterized

from tests import testutil
from tests.data.image_folder_test import make_folder
from tfgan_info import data
from tfgan_info.data import caption_text
from tfgan_info.data import captioned
from tfgan_info.data import image_folder


def load_arrays(name, split):
  return captioned.embedded_arrays(
      name, split,
      lambda part: data.load(captioned.source_of(name), part, testutil.TFDS_DIR,
                             testutil.RAW_DATA_DIR or None),
      key=(testutil.TFDS_DIR, testutil.RAW_DATA_DIR))


def captioned_folder(root, texts=None):
  """4 grey 8x8 images in ``root`` with caption files: image i's text is texts[i] (None: no
  file), by default "a red square", a blank line and "number i"."""
  make_folder(root, classes=(), per_class=4, size=(8, 8), channels=1)
  image_folder.clear_cache()
  images = sorted(p for p in os.listdir(root) if not p.endswith(".txt"))
  for i, path in enumerate(images):
    text = (texts or {}).get(i, f"a red square\n\nnumber {i}\n")
    if text is not None:
      with open(os.path.join(root, os.path.splitext(path)[0] + ".txt"), "w") as f:
        f.write(text)
  return root


class EmbeddedTest(tf.test.TestCase, parameterized.TestCase):

  @parameterized.parameters("mnist_captions", "fashion_mnist_captions")
  def test_the_training_split_never_shows_a_held_out_combination(self, name):
    train, test = load_arrays(name, "train"), load_arrays(name, "test")
    held = caption_text.held_out(captioned.domain_of(name), caption_text.SEED)
    self.assertFalse(caption_text.is_held_out(train["label"], train["facts"], held).any())
    # The test split keeps them all: about a third of each class (its tertile).
    share = caption_text.is_held_out(test["label"], test["facts"], held).mean()
    self.assertBetween(share, 0.2, 0.45)
    source = data.load(captioned.source_of(name), "test", testutil.TFDS_DIR,
                       testutil.RAW_DATA_DIR or None)
    self.assertLen(test["label"], sum(1 for _ in source))
    full = testutil.num_examples(captioned.source_of(name), "train")
    self.assertBetween(len(train["label"]) / full, 0.55, 0.8)  # a third of a third per class
    # Each kept training image is its source's, at its source index.
    first = next(iter(data.load(captioned.source_of(name), "train", testutil.TFDS_DIR,
                                testutil.RAW_DATA_DIR or None).skip(int(train["index"][0]))))
    self.assertAllEqual(first["image"].numpy(), train["image"][0])

  def test_captions_state_the_measured_facts_of_their_image(self):
    test = load_arrays("mnist_captions", "test")
    d = caption_text.DIGITS
    thick = {"thick", "bold", "heavy"}
    for text, label, facts in zip(test["captions"][:200], test["label"][:200],
                                  test["facts"][:200]):
      for line in text.split(caption_text.SEPARATOR):
        self.assertTrue(any(w in line for w in d.class_words[label]), line)
        if set(caption_text.tokens(line)) & thick:
          self.assertEqual(facts[1], 2, line)

  def test_the_dataset_yields_captions_and_facts_and_is_rebuilt_the_same(self):
    ds = data.load("mnist_captions", "test", testutil.TFDS_DIR, testutil.RAW_DATA_DIR or None)
    ex = next(iter(ds))
    self.assertEqual(set(ex), {"image", "label", "captions", "facts"})
    self.assertEqual(ex["image"].shape, (28, 28, 1))
    self.assertEqual(ex["facts"].shape, (3,))
    again = captioned._embedded(  # pylint: disable=protected-access
        "mnist_captions", "test",
        lambda part: data.load("mnist", part, testutil.TFDS_DIR, testutil.RAW_DATA_DIR or None))
    self.assertEqual(ex["captions"].numpy().decode(), again["captions"][0])
    self.assertEqual(data.output_domain("mnist_captions"), "mnist")
    self.assertEqual(data.num_classes("fashion_mnist_captions"), 10)


class FolderTest(tf.test.TestCase):

  def captioned_folder(self, texts=None):
    return captioned_folder(tempfile.mkdtemp(dir=self.get_temp_dir()), texts)

  def test_each_image_gets_its_files_lines(self):
    root = self.captioned_folder()
    examples = list(data.load("folder:" + root, "train"))
    self.assertLen(examples, 4)
    texts = sorted(ex["captions"].numpy().decode() for ex in examples)
    self.assertEqual(texts[0], "a red square\nnumber 0")
    self.assertEqual(captioned.vocabulary("folder:" + root),
                     ["0", "1", "2", "3", "a", "number", "red", "square"])
    self.assertEqual(captioned.grid_captions("folder:" + root, 2),
                     ["a red square", "a red square"])

  def test_a_folder_without_caption_files_has_no_captions(self):
    root = self.captioned_folder({i: None for i in range(4)})
    self.assertNotIn("captions", next(iter(data.load("folder:" + root, "train"))))
    with self.assertRaisesRegex(captioned.CaptionDataError, r"0\.txt: missing"):
      captioned.vocabulary("folder:" + root)

  def test_a_missing_or_empty_caption_file_is_named(self):
    root = self.captioned_folder({2: None})
    with self.assertRaisesRegex(captioned.CaptionDataError, r"2\.txt: missing"):
      data.load("folder:" + root, "train")
    root = self.captioned_folder({1: "\n  \n"})
    with self.assertRaisesRegex(captioned.CaptionDataError, r"1\.txt: holds no caption"):
      data.load("folder:" + root, "train")
    root = self.captioned_folder({3: b"\xff\xfe".decode("latin-1")})
    with open(os.path.join(root, "3.txt"), "wb") as f:
      f.write(b"\xff\xfe\x00")
    with self.assertRaisesRegex(captioned.CaptionDataError, r"3\.txt: cannot be read"):
      data.load("folder:" + root, "train")

  def test_captions_outside_a_captioned_set_are_refused(self):
    with self.assertRaisesRegex(ValueError, "mnist has no captions"):
      captioned.vocabulary("mnist")


class PickTest(tf.test.TestCase):

  def test_one_line_of_each_uniformly_and_seeded(self):
    captions = tf.constant(["a\nb\nc", "only", "x\ny"])
    seen = [set() for _ in range(3)]
    for i in range(60):
      picked = captioned.pick_caption(captions, tf.constant([0, i])).numpy()
      for j, p in enumerate(picked):
        seen[j].add(p.decode())
    self.assertEqual(seen, [{"a", "b", "c"}, {"only"}, {"x", "y"}])
    self.assertAllEqual(captioned.pick_caption(captions, tf.constant([4, 2])),
                        captioned.pick_caption(captions, tf.constant([4, 2])))


if __name__ == "__main__":
  tf.test.main()
