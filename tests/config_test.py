"""The config sections, their JSON, and the refusal of another package's config.json."""

import dataclasses
import json
import os

import tensorflow as tf

from tests import testutil
from tfgan_info import config as config_lib
from tfgan_info.models import registry

TESTDATA = os.path.join(testutil.ROOT, "tests", "testdata")


def flat_dict(name):
  """config.json of a run of configs/<name>.cfg in the flat layout of an earlier tfgan_info
  (format 1), with its folders blanked."""
  with open(os.path.join(TESTDATA, f"flat_config_{name}.json")) as f:
    return json.load(f)


class ConfigTest(tf.test.TestCase):

  def test_every_model_gets_its_own_parameters(self):
    for entry in registry.entries():
      config = config_lib.Config(model=config_lib.ModelConfig(model=entry.name))
      self.assertIs(type(config.params), entry.params_cls)
      self.assertEqual(config_lib.Config.from_json(config.to_json()), config)

  def test_replace_switches_the_parameters_with_the_model(self):
    config = config_lib.Config().replace(params={"lambda_cont": 1.0})
    self.assertEqual(config.params.lambda_cont, 1.0)
    age = config.replace(model={"model": "age"})
    self.assertEqual(age.params, registry.get("age").params_cls())
    ss = config.replace(model={"model": "ssinfogan"}, params={"num_labeled": 10})
    self.assertEqual((ss.params.num_labeled, ss.params.q_step), (10, "d"))
    with self.assertRaises(TypeError):
      config.replace(params={"lambda_z": 3.0})  # not an InfoGAN parameter

  def test_params_must_be_the_models(self):
    with self.assertRaisesRegex(ValueError, "takes InfoGANParams, got AGEParams"):
      config_lib.Config(params=registry.get("age").params_cls())
    with self.assertRaisesRegex(ValueError, "Unknown model 'vae'"):
      config_lib.Config(model=config_lib.ModelConfig(model="vae"))

  def test_unknown_keys_are_refused(self):
    d = config_lib.Config().to_dict()
    d["params"]["lambda_z"] = 3.0
    with self.assertRaisesRegex(ValueError, r"Unknown infogan params config keys \['lambda_z'\]"):
      config_lib.Config.from_dict(d)
    d = config_lib.Config().to_dict()
    d["data"]["colour"] = 1
    with self.assertRaisesRegex(ValueError, "Unknown data config keys"):
      config_lib.Config.from_dict(d)

  def test_config_of_an_earlier_package_is_refused_with_one_line(self):
    for d in (flat_dict("infogan_mnist"), dict(config_lib.Config().to_dict(), format=1)):
      with self.assertRaisesRegex(config_lib.ConfigFormatError,
                                  r"^config format 1 was written by an earlier tfgan_info "
                                  r"\(this one reads format 2, [^\n]*\): train the run again in "
                                  r"a new --model_dir$"):
        config_lib.Config.from_dict(d)
    model_dir = self.get_temp_dir()
    with open(os.path.join(model_dir, "config.json"), "w") as f:
      json.dump(flat_dict("infogan_mnist"), f)
    with self.assertRaisesRegex(config_lib.ConfigFormatError,
                                f"^{model_dir}/config.json: config format 1 was written"):
      config_lib.read_run_config(model_dir)
    self.assertEqual(config_lib.Config().to_dict()["format"], config_lib.FORMAT)

  def test_datasets_of_pairs_and_their_direction(self):
    config = config_lib.Config(
        model=config_lib.ModelConfig(model="pix2pix"),
        data=config_lib.DataConfig(dataset="paired:/data/facades", direction="BtoA"))
    self.assertEqual(config_lib.Config.from_json(config.to_json()), config)
    self.assertEqual(config_lib.config_diff(config, config.replace(data={"direction": "AtoB"})),
                     ["data.direction"])  # another direction is another run

  def test_the_decay_rate_is_part_of_a_run_only_with_a_decay(self):
    config = config_lib.Config()
    self.assertEqual(config.optimizer.lr_decay_steps, 0)
    self.assertEqual(config_lib.config_diff(config, config.replace(
        optimizer={"lr_decay_rate": 0.3})), [])
    decayed = config.replace(optimizer={"lr_decay_steps": 4000})
    self.assertEqual(config_lib.config_diff(decayed, decayed.replace(
        optimizer={"lr_decay_rate": 0.3})), ["optimizer.lr_decay_rate"])
    self.assertEqual(config_lib.config_diff(config, decayed), ["optimizer.lr_decay_rate",
                                                                "optimizer.lr_decay_steps"])
    with self.assertRaisesRegex(ValueError, "Unknown dataset 'imagenet'"):
      config_lib.DataConfig(dataset="imagenet")
    with self.assertRaisesRegex(ValueError, "is for paired datasets"):
      config_lib.DataConfig(dataset="mnist", direction="BtoA")
    d = config_lib.Config().to_dict()
    del d["data"]["direction"]  # a field the file lacks takes its default
    self.assertEqual(config_lib.Config.from_dict(d).data.direction, "AtoB")

  def test_every_field_is_documented(self):
    sections = [cls for _, cls, _ in config_lib.SECTIONS] + [
        e.params_cls for e in registry.entries()]
    for cls in sections:
      for f in dataclasses.fields(cls):
        self.assertTrue(config_lib.P.meta(f)["help"], f"{cls.__name__}.{f.name}")


if __name__ == "__main__":
  tf.test.main()
