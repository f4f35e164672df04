import numpy as np
import tensorflow as tf
from absl.testing import parameterized

from tfgan_info import data
from tfgan_info.data import dsprites


class DspritesTest(tf.test.TestCase, parameterized.TestCase):

  def test_layout_is_dsprites(self):
    self.assertEqual(dsprites.NUM_EXAMPLES, 737280)
    self.assertEqual(dsprites.FACTOR_SIZES, (3, 6, 40, 32, 32))
    # Row-major, y fastest: example 1 moves y, example 32 moves x, 1024 the orientation.
    self.assertAllEqual(dsprites.index_to_classes([0, 1, 32, 1024, 737279]),
                        [[0, 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 1, 0], [0, 0, 1, 0, 0],
                         [2, 5, 39, 31, 31]])
    index = np.random.default_rng(0).integers(0, dsprites.NUM_EXAMPLES, 1000)
    self.assertAllEqual(dsprites.classes_to_index(dsprites.index_to_classes(index)), index)

  def test_factor_values_are_the_published_grids(self):
    values = dsprites.factor_values([[0, 0, 0, 0, 0], [2, 5, 39, 31, 31], [1, 1, 20, 16, 1]])
    self.assertAllClose(values[0], [1, 0.5, 0, 0, 0])
    self.assertAllClose(values[1], [3, 1.0, 2 * np.pi, 1, 1])
    self.assertAllClose(values[2], [2, 0.6, 20 * 2 * np.pi / 39, 16 / 31, 1 / 31])

  def test_render_is_binary_deterministic_and_placed(self):
    classes = dsprites.index_to_classes(np.arange(0, dsprites.NUM_EXAMPLES, 997))
    images = dsprites.render(classes)
    self.assertEqual(images.shape, (len(classes), 64, 64, 1))
    self.assertEqual(images.dtype, np.uint8)
    self.assertAllInSet(np.unique(images), [0, 1])
    self.assertAllEqual(images, dsprites.render(classes))
    self.assertTrue((images.reshape(len(images), -1).sum(1) > 0).all())  # never empty
    # An unrotated square's centre of mass sits at pixel corner 16 + class (x cols, y rows).
    square = dsprites.render([[0, 5, 0, 3, 20]])[0, ..., 0]
    rows, cols = np.nonzero(square)
    self.assertAllClose([cols.mean() + 0.5, rows.mean() + 0.5], [16 + 3, 16 + 20])
    self.assertEqual(len(rows), 20 * 20)  # side 14 sqrt(2) px at scale 1

  def test_factors_change_the_image(self):
    base = np.array([1, 3, 5, 10, 10])
    image = dsprites.render([base])[0]
    for k in range(5):
      other = base.copy()
      other[k] += 1
      self.assertGreater(np.abs(dsprites.render([other])[0].astype(int) - image).sum(), 0, k)
    # Area grows with scale; orientations 0 and 2 pi coincide, as in dSprites.
    areas = dsprites.render([[2, s, 0, 16, 16] for s in range(6)]).sum((1, 2, 3))
    self.assertTrue((np.diff(areas) > 0).all(), areas)
    self.assertAllEqual(dsprites.render([[2, 3, 0, 5, 9]]), dsprites.render([[2, 3, 39, 5, 9]]))

  def test_render_rejects_out_of_range_classes(self):
    with self.assertRaisesRegex(ValueError, "Factor classes"):
      dsprites.render([[3, 0, 0, 0, 0]])

  def test_as_dataset_matches_examples(self):
    ds = dsprites.as_dataset("train", chunk=64)
    got = next(iter(ds.skip(1000).batch(50)))
    want = dsprites.examples(np.arange(1000, 1050))
    self.assertCountEqual(got.keys(), want.keys())
    for key in want:
      self.assertAllEqual(got[key], want[key], key)
    self.assertEqual(got["image"].dtype, tf.uint8)

  def test_shuffled_order_is_seeded_and_complete_split(self):
    def labels(seed):
      ds = dsprites.as_dataset("test", shuffle_seed=seed)
      return np.array([int(ex["label_x_position"]) * 32 + int(ex["label_y_position"])
                       for ex in ds.take(200)])
    self.assertAllEqual(labels(3), labels(3))
    self.assertNotAllEqual(labels(3), labels(4))
    test = dsprites.split_indices("test")
    self.assertLen(np.unique(test), dsprites.TEST_SIZE)
    self.assertEqual(int(dsprites.as_dataset("test").reduce(0, lambda n, _: n + 1)),
                     dsprites.TEST_SIZE)
    with self.assertRaisesRegex(ValueError, "splits 'train'"):
      dsprites.split_indices("validation")

  def test_load_gives_training_examples_without_files(self):
    ds = data.load("dsprites", "train", data_dir="/nonexistent", shuffle_seed=0)
    batch = next(iter(data.pipeline(ds, 64, seed=0, cache=False, shuffle_buffer=100)))
    self.assertEqual(batch["image"].shape, (64, 64, 64, 1))
    self.assertAllInSet(np.unique(batch["image"]), [-1.0, 1.0])
    self.assertAllInRange(batch["label"], 0, 2)
    self.assertEqual(data.NUM_CLASSES["dsprites"], 3)
    self.assertLen(np.unique(batch["label"]), 3)  # a full shuffle mixes the shapes

  def test_ground_truth_observations(self):
    gt = data.GROUND_TRUTH["dsprites"]()
    self.assertEqual(gt.num_factors, 5)
    factors, images = gt.sample(7, np.random.RandomState(0))
    self.assertEqual(factors.shape, (7, 5))
    self.assertTrue(((factors >= 0) & (factors < np.array(dsprites.FACTOR_SIZES))).all())
    self.assertAllEqual(images, dsprites.render(factors) * 255)


if __name__ == "__main__":
  tf.test.main()
