"""3D Shapes as ground truth (data/shapes3d.py), on tfds' mock data."""

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds

from tfgan_info import data
from tfgan_info.data import shapes3d


class Shapes3DTest(tf.test.TestCase):

  def test_images_are_found_by_their_factors(self):
    with tfds.testing.mock_data(num_examples=50):
      examples = list(tfds.as_numpy(tfds.load("shapes3d", split="train")))
    gt = shapes3d.Shapes3D(examples)
    self.assertEqual(gt.factors_num_values, (10, 10, 10, 8, 4, 15))
    factors = np.array([[ex[f"label_{f}"] for f in shapes3d.FACTOR_NAMES]
                        for ex in examples[-3:]])
    got = gt.sample_observations_from_factors(factors, np.random.RandomState(0))
    self.assertEqual((got.shape, got.dtype), ((3, 64, 64, 3), np.uint8))
    self.assertAllEqual(got, np.stack([ex["image"] for ex in examples[-3:]]))
    held = {tuple(int(ex[f"label_{f}"]) for f in shapes3d.FACTOR_NAMES) for ex in examples}
    self.assertEqual(gt.num_present, len(held))
    absent = next(c for c in np.ndindex(*shapes3d.FACTOR_SIZES) if c not in held)
    with self.assertRaisesRegex(ValueError, r"3D Shapes holds no image of the factor classes"):
      gt.sample_observations_from_factors(np.array([absent]), None)

  def test_as_a_training_dataset(self):
    self.assertIs(data.GROUND_TRUTH["shapes3d"], shapes3d.Shapes3D)
    self.assertEqual(data.IMAGE_SHAPES["shapes3d"], (64, 64, 3))
    self.assertEqual(data.NUM_CLASSES["shapes3d"], 4)
    with tfds.testing.mock_data(num_examples=6):
      ex = next(iter(data.load("shapes3d", "test", data_dir=self.get_temp_dir())))
    self.assertEqual(ex["image"].shape, (64, 64, 3))
    self.assertBetween(int(ex["label"]), 0, 3)


if __name__ == "__main__":
  tf.test.main()
