"""Shared fixtures of the tfgan_info.serving tests (and the serving_request CLI test): the specs
of the signatures they use, and one small InfoGAN export, made once per test process."""

import functools
import os

import numpy as np
import tensorflow as tf

from tests.models.infogan_test import make_model
from tfgan_info import export
from tfgan_info import serving
from tfgan_info.serving import Spec

GENERATE = {"codes": Spec("float32", (None, 12)), "noise": Spec("float32", (None, 62))}
CGAN_GENERATE = {"labels": Spec("int32", (None,)), "noise": Spec("float32", (None, 8))}
SAMPLE = {"count": Spec("int32", ()), "seed": Spec("int64", ())}


@functools.lru_cache(maxsize=None)
def infogan_export():
  """(model, model_dir, export path, loaded SavedModel) of an untrained InfoGAN (seed 3)
  exported as model_dir/export/infogan/5; shared by the test classes (read-only)."""
  model = make_model(seed=3)
  model_dir = os.path.join(tf.compat.v1.test.get_temp_dir(), "serving_request_run")
  path = export.export(model, model_dir, "infogan", 5)
  return model, model_dir, path, tf.saved_model.load(path)


class ExportTestCase(tf.test.TestCase):
  """Tests on `infogan_export`: cls.model, model_dir, path, loaded, the ``generate`` specs
  (cls.specs, cls.output_specs), inputs of 3 rows and the Keras model's images for them."""

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.model, cls.model_dir, cls.path, cls.loaded = infogan_export()
    cls.specs, cls.output_specs = serving.signature_specs(cls.loaded, "generate")
    rng = np.random.default_rng(4)
    cls.inputs = {"noise": rng.normal(size=(3, 62)).astype(np.float32),
                  "codes": np.concatenate([np.eye(10)[[1, 5, 9]], rng.uniform(-1, 1, (3, 2))],
                                          -1).astype(np.float32)}
    cls.expected = cls.model.generate(cls.inputs["noise"], cls.inputs["codes"]).numpy()
