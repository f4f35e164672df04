import os
import sys

import numpy as np
import tensorflow as tf

from tests import testutil
from tests.models.infogan_test import make_model
from tfgan_info import export
from tfgan_info import grids
from tfgan_info import train_lib

sys.path.insert(0, os.path.join(testutil.ROOT, "tools"))
import render  # pylint: disable=g-import-not-at-top,wrong-import-position


class RenderTest(tf.test.TestCase):

  def test_renders_the_grids_of_an_export(self):
    model_dir = os.path.join(self.get_temp_dir(), "render_run")
    train_lib.prepare_model_dir(testutil.tiny_config(model_dir))
    model = make_model(seed=1)
    export.export(model, model_dir, "infogan", 3)
    out = os.path.join(self.get_temp_dir(), "png")
    paths = render.render(model_dir, out, columns=5, scale=2)
    self.assertEqual([os.path.basename(p) for p in paths],
                     ["traversal_code1.png", "traversal_code2.png"])
    png = tf.io.decode_png(tf.io.read_file(paths[0])).numpy()
    self.assertEqual(png.shape, (2 * (10 * 29 + 1), 2 * (5 * 29 + 1), 1))
    # The same grid as the training callback draws from the Keras model.
    expected = grids.traversal_grids(model.generate, model.latent_spec,
                                     np.linspace(-2, 2, 5))["traversal_code1"]
    self.assertLessEqual(np.abs(png[::2, ::2].astype(int) - expected.astype(int)).max(), 1)

  def test_default_output_leaves_the_training_images_alone(self):
    model_dir = os.path.join(self.get_temp_dir(), "render_default")
    train_lib.prepare_model_dir(testutil.tiny_config(model_dir))
    export.export(make_model(seed=2), model_dir, "infogan", 7)
    paths = render.render(model_dir, columns=3)
    self.assertEqual(sorted(paths), [os.path.join(model_dir, "renders", "7", f)
                                     for f in ("traversal_code1.png", "traversal_code2.png")])
    self.assertFalse(os.path.exists(os.path.join(model_dir, "images")))

  def test_missing_run(self):
    with self.assertRaisesRegex(FileNotFoundError, "No run in"):
      render.render(os.path.join(self.get_temp_dir(), "none"))


if __name__ == "__main__":
  tf.test.main()
