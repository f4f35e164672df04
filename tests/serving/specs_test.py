import os

import tensorflow as tf

from tests.serving import serving_testutil
from tests.serving.serving_testutil import GENERATE
from tests.serving.serving_testutil import SAMPLE
from tfgan_info import serving
from tfgan_info.serving import Spec


class SpecsTest(tf.test.TestCase):
  """Spec descriptions and where the export is (no SavedModel loaded)."""

  def test_descriptions(self):
    self.assertEqual(serving.describe(GENERATE["noise"]), "float32 [N, 62]")
    self.assertEqual(serving.describe(SAMPLE["count"]), "int32 scalar")
    self.assertEqual(serving.format_shape((2, None, 3)), "[2, ?, 3]")

  def test_a_missing_folder_is_named(self):
    missing = os.path.join(self.get_temp_dir(), "no_such_run")
    with self.assertRaisesRegex(FileNotFoundError, f"^--model_dir {missing}: no such folder$"):
      serving.resolve_export(model_dir=missing)
    with self.assertRaisesRegex(FileNotFoundError, f"^--export_dir {missing}: no such folder$"):
      serving.resolve_export(export_dir=missing)

  def test_default_model_name(self):
    self.assertEqual(serving.default_model_name("/runs/x/export/infogan/1200/"), "infogan")


class SignatureSpecsTest(serving_testutil.ExportTestCase):
  """Specs read from a small InfoGAN export."""

  def test_signature_specs_from_the_savedmodel(self):
    self.assertEqual(self.specs, GENERATE)
    self.assertEqual(self.output_specs, {"images": Spec("float32", (None, 28, 28, 1))})
    self.assertEqual(serving.signature_specs(self.loaded, "sample")[0], SAMPLE)
    with self.assertRaisesRegex(ValueError, "signature 'encode' is not in the export: use one "
                                "of generate, infer_codes, sample, serving_default"):
      serving.signature_specs(self.loaded, "encode")

  def test_resolve_export_finds_the_latest_export(self):
    self.assertEqual(serving.resolve_export(model_dir=self.model_dir), self.path)
    self.assertEqual(serving.resolve_export(export_dir=self.path), self.path)
    with self.assertRaisesRegex(ValueError, "give one of --export_dir"):
      serving.resolve_export(export_dir=self.path, model_dir=self.model_dir)


if __name__ == "__main__":
  tf.test.main()
