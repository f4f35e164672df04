"""Every model of single images trains, exports and samples on a folder of the user's images
(folder:PATH, class subfolders) and on any tfds image dataset (tfds:NAME, tfds' mock data);
the models that need labels refuse a folder without classes."""

import os

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds
from absl.testing import parameterized

from tests import testutil
from tests.data.image_folder_test import make_folder
from tfgan_info import data
from tfgan_info import train_lib
from tfgan_info.data import image_folder

# Each model with its smallest networks: (model, architecture, codes for K classes, noise,
# image side).
MODELS = {
    "gan": ("dcgan", lambda k: "", "normal", 32),
    "infogan": ("dcgan", lambda k: "cat:3,uniform:1", "normal", 32),
    "ssinfogan": ("dcgan", lambda k: f"cat:{k},uniform:1", "normal", 32),
    "cgan": ("dcgan", lambda k: f"cat:{k}", "normal", 32),
    "wgan_gp": ("dcgan", lambda k: "", "normal", 32),
    "ali": ("dcgan", lambda k: "", "normal", 32),
    "age": ("dcgan", lambda k: "", "sphere", 32),
    "infogan_cr": ("infogan_cr_dsprites", lambda k: "uniform:1,uniform:1", "uniform", 64),
}


def config_for(model, dataset, model_dir, classes, **data_fields):
  architecture, codes, noise, side = MODELS[model]
  extra = dict(num_labeled=4) if model == "ssinfogan" else {}
  return testutil.tiny_dcgan_config(model_dir, train_steps=1, checkpoint_every=1,
                                    summary_every=1, image_every=1).replace(
      data=dict(dataset=dataset, image_size=side, raw_data_dir="", **data_fields),
      model=dict(model=model, architecture=architecture, codes=codes(classes), noise=noise,
                 noise_dim=8, width=8),
      params=extra)


class OwnDataTest(tf.test.TestCase, parameterized.TestCase):

  def setUp(self):
    super().setUp()
    image_folder.clear_cache()

  def _trains_and_samples(self, config):
    model, path = train_lib.run(config)
    self.assertEqual(int(model.global_step), 1)
    side = config.data.image_size
    self.assertEqual(model.generator.output_shape[1:], (side, side, 3))
    loaded = tf.saved_model.load(path)
    out = loaded.sample(count=tf.constant(2), seed=tf.constant(0, tf.int64))
    self.assertEqual(out["images"].shape, (2, side, side, 3))
    self.assertTrue(np.isfinite(out["images"].numpy()).all())

  @parameterized.parameters(*MODELS)
  def test_a_folder_of_images(self, model):
    # RGB files of 20x24 pixels fitted to the networks' side; two classes.
    root = make_folder(os.path.join(self.get_temp_dir(), "images"), classes=("a", "b"),
                       per_class=6, size=(20, 24))
    self._trains_and_samples(config_for(model, "folder:" + root,
                                        os.path.join(self.get_temp_dir(), "run"), 2))

  @parameterized.parameters(*MODELS)
  def test_a_tfds_dataset(self, model):
    with tfds.testing.mock_data(num_examples=24):
      self._trains_and_samples(config_for(model, "tfds:svhn_cropped",
                                          os.path.join(self.get_temp_dir(), "run"), 10,
                                          data_dir=self.get_temp_dir()))

  @parameterized.parameters("cgan", "ssinfogan")
  def test_models_that_need_labels_refuse_a_folder_without_classes(self, model):
    root = make_folder(os.path.join(self.get_temp_dir(), "images"), classes=(), per_class=4,
                       size=(32, 32))
    model_dir = os.path.join(self.get_temp_dir(), "run")
    config = config_for(model, "folder:" + root, model_dir, 2)
    with self.assertRaisesRegex(ValueError, rf"--model={model} .*folder:.*images has no "
                                r"class labels \(a folder: its images in one subfolder per "
                                r"class\)|needs class labels, and folder:.*has none") as caught:
      train_lib.run(config)
    self.assertNotIn("\n", str(caught.exception))
    self.assertFalse(os.path.exists(os.path.join(model_dir, "config.json")))

  def test_a_bad_file_stops_the_run_before_it_writes(self):
    root = make_folder(os.path.join(self.get_temp_dir(), "images"), per_class=2,
                       size=(32, 32))
    open(os.path.join(root, "dog", "broken.png"), "wb").close()
    model_dir = os.path.join(self.get_temp_dir(), "run")
    with self.assertRaisesRegex(data.FolderDataError, r"dog/broken.png is empty"):
      train_lib.run(config_for("gan", "folder:" + root, model_dir, 2))
    self.assertEqual(os.listdir(model_dir) if os.path.exists(model_dir) else [], [])


if __name__ == "__main__":
  tf.test.main()
