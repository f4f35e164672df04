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

  def test_a_generator_without_continuous_codes_gets_samples_and_interpolations(self):
    model_dir = os.path.join(self.get_temp_dir(), "render_gan")
    config = testutil.tiny_config(model_dir).replace(model={"model": "gan", "codes": ""})
    train_lib.prepare_model_dir(config)
    model = train_lib.build_model(config)
    export.export(model, model_dir, config.export_name, 1)
    paths = render.render(model_dir, os.path.join(self.get_temp_dir(), "gan_png"), columns=4)
    self.assertEqual([os.path.basename(p) for p in paths],
                     ["samples.png", "interpolation.png"])
    png = tf.io.decode_png(tf.io.read_file(paths[1])).numpy()
    self.assertEqual(png.shape, (8 * 29 + 1, 4 * 29 + 1, 1))
    # Each row starts and ends at two prior draws and turns from one to the other: the
    # angle to the first grows along the row, in the plane of the two.
    noise, codes = grids.interpolation_inputs(model.latent_spec, 8, 4, seed=0)
    self.assertEqual(codes.shape, (32, 0))
    path = noise.reshape(8, 4, -1)
    draws, _ = model.latent_spec.sample(24, tf.constant([0, 2]))
    self.assertAllClose(path[:, 0], draws[:8], atol=1e-5)
    self.assertAllClose(path[:, -1], draws[8:16], atol=1e-5)
    unit = path / np.linalg.norm(path, axis=-1, keepdims=True)
    angles = np.arccos(np.clip(np.sum(unit * unit[:, :1], -1), -1, 1))
    self.assertTrue(np.all(np.diff(angles, axis=1) > 0))
    basis = np.stack([path[:, 0], path[:, -1]], -1)  # [8, D, 2]
    fit = np.linalg.lstsq(basis[0], path[0].T, rcond=None)[0]
    self.assertAllClose(basis[0] @ fit, path[0].T, atol=1e-4)

  def test_missing_run(self):
    with self.assertRaisesRegex(FileNotFoundError, "No run in"):
      render.render(os.path.join(self.get_temp_dir(), "none"))


if __name__ == "__main__":
  tf.test.main()
