import os

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds

from tfgan_info.data import dsprites
from tfgan_info.data import procedural_dsprites


class ProceduralDspritesTest(tf.test.TestCase):

  def test_tfds_build_holds_the_rendered_examples(self):
    data_dir = os.path.join(self.get_temp_dir(), "tfds")
    builder = procedural_dsprites.ProceduralDsprites(config="every_2880", data_dir=data_dir)
    builder.download_and_prepare()
    self.assertEqual(builder.info.splits["train"].num_examples, 256)
    got = {}
    for ex in tfds.as_numpy(tfds.load("procedural_dsprites/every_2880", data_dir=data_dir,
                                      split="train")):
      classes = [[ex[f"label_{n}"] for n in dsprites.FACTOR_NAMES]]
      got[int(dsprites.classes_to_index(classes)[0])] = ex
    self.assertCountEqual(got, range(0, dsprites.NUM_EXAMPLES, 2880))
    index = sorted(got)
    want = dsprites.examples(index)
    for key, values in want.items():
      self.assertAllEqual(np.stack([got[i][key] for i in index]), values, key)

  def test_full_config_describes_all_examples(self):
    builder = procedural_dsprites.ProceduralDsprites(
        config="full", data_dir=os.path.join(self.get_temp_dir(), "none"))
    self.assertAllEqual(builder.example_indices(), np.arange(737280))
    self.assertEqual(builder.info.features["label_orientation"].num_classes, 40)
    self.assertEqual(builder.info.features["image"].shape, (64, 64, 1))


if __name__ == "__main__":
  tf.test.main()
