import hashlib

import numpy as np
import tensorflow as tf

from tests import testutil
from tfgan_info import data
from tfgan_info.data import semi_supervised


def mnist_train():
  return data.load("mnist", "train", testutil.TFDS_DIR, testutil.RAW_DATA_DIR)


class LabeledSubsetTest(tf.test.TestCase):

  def test_balanced_reproducible_and_seeded(self):
    labels = np.repeat(np.arange(10), 50)
    a = data.labeled_indices(labels, 132, seed=0)
    self.assertLen(a, 132)
    self.assertLen(set(a), 132)
    counts = np.bincount(labels[a], minlength=10)
    self.assertEqual(sorted(set(counts)), [13, 14])  # 132 = 10 * 13 + 2
    self.assertAllEqual(a, data.labeled_indices(labels, 132, seed=0))
    self.assertNotAllClose(a, data.labeled_indices(labels, 132, seed=1))
    self.assertAllEqual(np.bincount(labels[data.labeled_indices(labels, 10, 3)]), np.ones(10))

  def test_budget(self):
    with self.assertRaisesRegex(ValueError, "num_labeled must lie"):
      data.labeled_indices(np.zeros(5), 6, 0)
    with self.assertRaisesRegex(ValueError, "fewer than"):
      data.labeled_indices(np.array([0, 0, 0, 1]), 4, 0)

  def test_schedule_ramps_to_its_final_value(self):
    p = [float(semi_supervised.unlabeled_probability(s, 0.9, 1000)) for s in (0, 500, 2000)]
    self.assertAllClose(p, [0.0, 0.5, 0.9])
    self.assertAllClose(semi_supervised.unlabeled_probability(0, 0.7, 0), 0.7)


class SemiSupervisedPipelineTest(tf.test.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    ds = mnist_train()
    cls.labels = np.concatenate([b.numpy() for b in ds.map(lambda ex: ex["label"]).batch(20000)])

  def test_labeled_stream_holds_exactly_the_n_labelled_images(self):
    ds, indices = data.semi_supervised_pipeline(
        mnist_train(), batch_size=16, num_labeled=20, seed=4, unlabeled_prob=0.0,
        ramp_steps=0, cache=False, shuffle_buffer=100)
    self.assertAllEqual(indices, data.labeled_indices(self.labels, 20, 4))
    seen = {}
    for batch in ds.take(40):  # 640 draws from a subset of 20
      self.assertAllEqual(batch["labeled"], np.ones(16))
      for image, label in zip(batch["image"].numpy(), batch["label"].numpy()):
        seen.setdefault(hashlib.sha1(image.tobytes()).hexdigest(), set()).add(int(label))
    self.assertLen(seen, 20)
    self.assertTrue(all(len(v) == 1 for v in seen.values()))
    self.assertCountEqual([v.pop() for v in seen.values()], self.labels[indices].tolist())

  def test_unlabelled_batches_carry_no_labels(self):
    ds, _ = data.semi_supervised_pipeline(
        mnist_train(), batch_size=8, num_labeled=10, unlabeled_prob=1.0, ramp_steps=0,
        cache=False, shuffle_buffer=100)
    for batch in ds.take(3):
      self.assertAllEqual(batch["labeled"], np.zeros(8))
      self.assertAllEqual(batch["label"], np.zeros(8))
      self.assertEqual(batch["image"].shape, (8, 28, 28, 1))

  def test_ramp_starts_labelled_and_resumes_on_schedule(self):
    def labelled_share(start, steps=60):
      ds, _ = data.semi_supervised_pipeline(
          mnist_train(), batch_size=2, num_labeled=10, seed=1, ramp_steps=100,
          start_step=start, cache=False, shuffle_buffer=100)
      return np.mean([float(b["labeled"][0]) for b in ds.take(steps)])
    self.assertGreater(labelled_share(0), 0.5)        # p(step) <= 0.6 over steps 0..59
    self.assertLess(labelled_share(1000), 0.1)        # p = 1 - 10/60000 after the ramp


if __name__ == "__main__":
  tf.test.main()
