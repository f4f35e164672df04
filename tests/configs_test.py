"""One-step smoke test of every shipped config, parsed exactly as the CLI parses it."""

import contextlib
import glob
import os
import re

import tensorflow as tf
import tensorflow_datasets as tfds
from absl import flags
from absl.testing import parameterized

from tests import testutil
from tests.data.image_folder_test import make_folder
from tfgan_info import data
from tfgan_info import evaluate
from tfgan_info import restarts
from tfgan_info import train
from tfgan_info import train_lib
from tfgan_info.models import registry

# Datasets the tests read without a download: the MNIST-format files, procedural dSprites and
# the pairs built from them.
OFFLINE = (("mnist", "fashion_mnist") + data.RENDERED + data.PAIRED_DATASETS
           + data.captioned.EMBEDDED)
# Configs of offline data that no run measured: evaluated in `test_one_step` (noisy
# dSprites shares colour dSprites' path but for the rendering, tests/data checks that).
UNMEASURED = ("infogan_color_dsprites",)
CONFIGS = sorted(os.path.basename(p)[:-4] for p in glob.glob(
    os.path.join(testutil.ROOT, "configs", "*.cfg")) if not p.endswith("base.cfg"))


@contextlib.contextmanager
def working_dir(path):
  old = os.getcwd()
  os.chdir(path)
  try:
    yield
  finally:
    os.chdir(old)


def parse(name, *extra):
  with working_dir(testutil.ROOT):  # flagfile includes are relative to the repo root
    return train.parse_config(["train", f"--flagfile=configs/{name}.cfg", *extra])


class ConfigsTest(tf.test.TestCase, parameterized.TestCase):

  def test_the_family_is_shipped(self):
    self.assertContainsSubset(
        ["gan_mnist", "dcgan_mnist", "dcgan_fashion_mnist", "cgan_mnist", "infogan_mnist",
         "ssinfogan_mnist", "age_mnist", "age_fashion_mnist", "infogan_dsprites"],
        CONFIGS)

  def test_configs_include_base(self):
    def includes(name):  # the configs a config includes, directly or through another
      with open(os.path.join(testutil.ROOT, "configs", f"{name}.cfg")) as f:
        names = re.findall(r"^--flagfile=configs/(\w+)\.cfg$", f.read(), re.MULTILINE)
      return set(names).union(*(includes(n) for n in names))

    for name in CONFIGS:
      with open(os.path.join(testutil.ROOT, "configs", f"{name}.cfg")) as f:
        text = f.read()
      self.assertIn("base", includes(name), name)
      config = parse(name)
      if "\n--batch_size=" not in text:  # a reference recipe may set its own
        self.assertEqual(config.data.batch_size, 64, name)  # from base.cfg
      self.assertEqual(config.runtime.model_dir, f"runs/{name}", name)

  def test_a_parameter_flag_defaults_to_the_models_own_default(self):
    # --q_step is one flag of two models with different defaults.
    self.assertEqual(parse("infogan_mnist").params.q_step, "d")  # the config sets it
    self.assertEqual(parse("infogan_mnist_openai").params.q_step, "d")
    self.assertEqual(parse("gan_mnist", "--model=infogan").params.q_step, "g")
    self.assertEqual(parse("gan_mnist", "--model=ssinfogan").params.q_step, "d")
    self.assertEqual(parse("ssinfogan_mnist", "--q_step=g").params.q_step, "g")
    self.assertEqual(parse("age_mnist", "--lambda_z=5").params.lambda_z, 5.0)

  def test_infogan_mnist_decays_its_learning_rates_and_recomputes_gs_statistics(self):
    # BUILD.md "Issue 17, sample quality": the last 2000 of 6000 steps at 0.3x, and the
    # export's G with statistics of prior draws; other configs keep the moving averages.
    config = parse("infogan_mnist")
    self.assertEqual((config.optimizer.lr_decay_steps, config.optimizer.lr_decay_rate,
                      config.runtime.train_steps), (4000, 0.3, 6000))
    self.assertTrue(config.runtime.g_recalibrate)
    self.assertFalse(parse("infogan_mnist_openai").runtime.g_recalibrate)
    self.assertEqual(parse("infogan_mnist_openai").optimizer.lr_decay_steps, 0)

  def test_a_flag_of_another_model_is_refused(self):
    with self.assertRaisesRegex(ValueError, r"--mismatch_weight is a parameter of "
                                r"--model=cgan\|text_cgan, not of --model=infogan \(its "
                                r"parameters: "
                                r"--augment_d, --discriminator_steps, "
                                r"--equivariant_codes, --generator_loss, "
                                r"--generator_steps, --lambda_cat, "
                                r"--lambda_cont, --lambda_equivariance, "
                                r"--lambda_iic, "
                                r"--q_step, "
                                r"--reuse_fakes\)"):
      parse("infogan_mnist", "--mismatch_weight=2")
    with self.assertRaisesRegex(ValueError, "--lambda_cat is a parameter of "
                                r"--model=infogan\|infogan_cr, not of --model=age"):
      parse("age_mnist", "--lambda_cat=1")

  def test_help_lists_each_models_parameters_with_its_defaults(self):
    flag_values = flags.FlagValues()
    train.define_flags(flag_values)
    page = train.help_page(flag_values)
    for entry in registry.entries():
      self.assertIn(f"--model={entry.name}: ", page)
    section = page[page.index("--model=ssinfogan:"):]
    self.assertIn("  --q_step=d\n", section)
    self.assertIn("  --num_labeled=132\n", section)
    self.assertIn("  --q_step=g\n", page[page.index("--model=infogan:"):])

  @parameterized.named_parameters(*((n, n) for n in CONFIGS))
  def test_one_step(self, name):
    config = parse(name)
    dataset, data_dir = config.data.dataset, testutil.TFDS_DIR
    # Data this host cannot download: tfds' mock data, or a generated folder of the layout.
    mocked = not data.image_folder.is_folder(dataset) and dataset not in OFFLINE
    if data.image_folder.is_folder(dataset):
      dataset = "folder:" + make_folder(os.path.join(self.get_temp_dir(), "images"),
                                        classes=("chair_a", "chair_b"), per_class=4,
                                        size=(config.data.crop_size or 64,) * 2)
    elif mocked:
      data_dir = os.path.join(self.get_temp_dir(), "tfds")
    config = config.replace(
        data=dict(dataset=dataset, batch_size=8,
                  raw_data_dir="" if mocked else testutil.RAW_DATA_DIR,
                  data_dir=data_dir, shuffle_buffer=64),
        # One batch of 16 for the export's batch-norm statistics, not 20,000 images / 10,000
        # draws (tests/train_lib_test.py checks what they compute).
        runtime=dict(model_dir=os.path.join(self.get_temp_dir(), name), train_steps=1,
                     steps_per_epoch=1, jit_compile=False, verbose=0,
                     bn_recalibration_images=16, g_statistics_draws=16))
    with tfds.testing.mock_data(num_examples=24) if mocked else contextlib.nullcontext():
      model, path = train_lib.run(config)
      self.assertEqual(int(model.global_step), 1)
      self.assertTrue(all(tf.math.is_finite(m.result()) for m in model.metrics))
      self.assertEqual(os.path.basename(path), "1")
      loaded = tf.saved_model.load(path)
      if "sample" in loaded.signatures:
        out = loaded.sample(count=tf.constant(2), seed=tf.constant(0, tf.int64))
      elif "generate_from_text" in loaded.signatures:  # a text-to-image model
        out = loaded.generate_from_text(captions=tf.constant(model.grid_captions[:2]),
                                        seed=tf.constant(0, tf.int64))
      else:  # an image-to-image model serves translate instead
        out = loaded.translate(tf.zeros((2,) + model.source_shape))
      self.assertEqual(out["images"].shape[0], 2)
      if data.is_open(dataset) or mocked or name in UNMEASURED:
        # Unmeasured here: evaluated end to end in the tests.
        metrics = evaluate.evaluate(config.runtime.model_dir, num_samples=16, batch_size=8,
                                    probe_labels=(8,), disentanglement_points=64,
                                    disentanglement_eval_points=32)
        self.assertEqual(metrics["dataset"], dataset)
        if dataset in data.GROUND_TRUTH:
          self.assertIn("factor_vae_infogan_cr", metrics["disentanglement"])
        if "cat:" in config.model.codes and data.num_classes_of(config.data):
          self.assertBetween(metrics["c1_matched_accuracy"], 0.0, 1.0)

  def test_restart_rules_score_a_scalar_the_model_reports(self):
    ruled = [name for name in CONFIGS if parse(name).runtime.restart_step]
    self.assertIn("infogan_mnist", ruled)
    for name in ruled:
      config = parse(name)
      model = train_lib.build_model(config)
      self.assertIn(config.runtime.restart_metric, model.tracked_names(), msg=name)
      rule = restarts.Rule.from_runtime(config.runtime)  # raises for a bad rule
      self.assertLessEqual(rule.step, config.runtime.train_steps)

  def test_pix2pix_configs(self):
    for name, dataset in (("pix2pix_edges2fashion_mnist", "edges2fashion_mnist"),
                          ("pix2pix_inpaint_mnist", "inpaint_mnist")):
      self.assertIn(name, CONFIGS)
      config = parse(name)
      self.assertEqual((config.model.model, config.model.architecture, config.data.dataset,
                        config.data.direction), ("pix2pix", "unet_patchgan", dataset, "AtoB"))
      self.assertEqual((config.params.lambda_l1, config.params.lambda_gan), (100.0, 1.0))
      self.assertEqual((config.optimizer.d_learning_rate, config.optimizer.g_learning_rate,
                        config.optimizer.beta_1), (2e-4, 2e-4, 0.5))  # the paper's Adam
      self.assertEqual(parse(name, "--lambda_gan=0").params.lambda_gan, 0.0)  # L1 baseline
      self.assertEqual(parse(name, "--direction=BtoA").data.direction, "BtoA")
      with self.assertRaisesRegex(ValueError, "--lambda_cat is a parameter of"):
        parse(name, "--lambda_cat=1")
    with self.assertRaisesRegex(ValueError, "--lambda_l1 is a parameter of --model=pix2pix"):
      parse("infogan_mnist", "--lambda_l1=10")
    with self.assertRaisesRegex(ValueError, "--direction=BtoA is for paired datasets"):
      parse("infogan_mnist", "--direction=BtoA")
    self.assertEqual(parse("pix2pix_inpaint_mnist", "--dataset=paired:/data/facades")
                     .data.dataset, "paired:/data/facades")


if __name__ == "__main__":
  tf.test.main()
