"""The config sections, their JSON, and the flat config.json of runs before 2026-12-01."""

import dataclasses
import json
import os

import tensorflow as tf

from tests import testutil
from tfgan_info import config as config_lib
from tfgan_info.models import registry

TESTDATA = os.path.join(testutil.ROOT, "tests", "testdata")


def flat_dict(name):
  """config.json of a run of configs/<name>.cfg written by the release of 2026-12-01 (the
  flat layout), with its folders blanked."""
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

  def test_flat_config_of_earlier_runs(self):
    for name, expected in [
        # generator_steps: 1, not the flat file's (AGE's) 2 (params.field's after_flat_layout).
        ("infogan_mnist", dict(generator_loss="non_saturating", reuse_fakes=False,
                               augment_d=False, augment_scale="independent", generator_steps=1,
                               lambda_cat=1.0,
                               lambda_cont=0.1, q_step="g", lambda_iic=0.0,
                               equivariant_codes="", lambda_equivariance=0.0)),
        ("ssinfogan_mnist", dict(generator_loss="non_saturating", reuse_fakes=False,
                                 augment_d=False, augment_scale="independent",
                                 generator_steps=1, lambda_ss=2.0,
                                 lambda_us=0.8, q_step="d", q_ss_on_fakes=True, lambda_iic=0.0,
                                 num_labeled=132,
                                 labeled_fraction=0.0, unlabeled_prob=0.9,
                                 unlabeled_prob_ramp_steps=1000)),
        ("age_mnist", dict(generator_steps=2, lambda_z=1000.0, mu_x=10.0, image_loss="l1",
                           latent_loss="l2", kl_reduction="mean"))]:
      old = flat_dict(name)
      config = config_lib.Config.from_dict(old)
      self.assertEqual(dataclasses.asdict(config.params), expected, name)
      # Every shared field keeps its value (fields added since take their defaults);
      # nothing else of the old file is lost but the other models' parameters.
      for section, values in config.to_dict().items():
        if section != "params":
          for key, value in values.items():
            if key in old[section]:
              self.assertEqual(old[section][key], value, f"{name} {section}.{key}")
      self.assertEqual(config.runtime.precision, "float32")
      self.assertEqual(config_lib.config_diff(config, config_lib.Config.from_json(
          config.to_json())), [])

  def test_config_of_runs_before_the_generator_statistics_rename(self):
    # --g_ema_statistics_draws (before 2026-12-06) is read as --g_statistics_draws.
    d = config_lib.Config().to_dict()
    del d["runtime"]["g_statistics_draws"]
    d["runtime"]["g_ema_statistics_draws"] = 123
    config = config_lib.Config.from_dict(d)
    self.assertEqual(config.runtime.g_statistics_draws, 123)
    self.assertFalse(config.runtime.g_recalibrate)

  def test_flat_config_of_an_unknown_model_is_refused(self):
    old = flat_dict("infogan_mnist")
    old["model"]["model"] = "vae"
    with self.assertRaisesRegex(ValueError, "Unknown model 'vae'"):
      config_lib.Config.from_dict(old)

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
    del d["data"]["direction"]  # a config.json written before the field existed
    self.assertEqual(config_lib.Config.from_dict(d).data.direction, "AtoB")

  def test_every_field_is_documented(self):
    sections = [cls for _, cls, _ in config_lib.SECTIONS] + [
        e.params_cls for e in registry.entries()]
    for cls in sections:
      for f in dataclasses.fields(cls):
        self.assertTrue(config_lib.P.meta(f)["help"], f"{cls.__name__}.{f.name}")


if __name__ == "__main__":
  tf.test.main()
