"""The tensorflow-datasets builder "procedural_dsprites": `dsprites` rendered into a tfds dataset.

Same features as tfds' ``dsprites`` (image uint8 [64, 64, 1] in {0, 1}, label_* classes,
value_* values) and the same single "train" split of all 737,280 examples, with key = example
index; nothing is downloaded. Usage::

  from tfgan_info.data import procedural_dsprites  # registers the builder
  builder = procedural_dsprites.ProceduralDsprites(data_dir=...)
  builder.download_and_prepare()
  ds = builder.as_dataset(split="train")   # or tfds.load("procedural_dsprites")

The "every_<n>" configs keep every n-th example (a quick build for tests and previews).
Training does not need the build: `datasets.load("dsprites")` renders the same examples on the
fly.
"""

import dataclasses

import numpy as np
import tensorflow_datasets as tfds

from tfgan_info.data import dsprites


@dataclasses.dataclass
class ProceduralDspritesConfig(tfds.core.BuilderConfig):
  every: int = 1  # keep examples 0, every, 2 every, ...


class ProceduralDsprites(tfds.core.GeneratorBasedBuilder):
  """dSprites re-created by rendering (see `tfgan_info.data.dsprites`)."""

  VERSION = tfds.core.Version("1.0.0")
  RELEASE_NOTES = {"1.0.0": "Procedural re-creation of dSprites' 737,280 factor combinations."}
  BUILDER_CONFIGS = [
      ProceduralDspritesConfig(name="full", description="All 737,280 examples."),
      ProceduralDspritesConfig(name="every_2880", every=2880,
                               description="Every 2880-th example (256 examples)."),
  ]
  CHUNK = 4096  # examples rendered per step of the generator

  def _info(self) -> tfds.core.DatasetInfo:
    features = {"image": tfds.features.Image(shape=dsprites.IMAGE_SHAPE)}
    for name, size in zip(dsprites.FACTOR_NAMES, dsprites.FACTOR_SIZES):
      features[f"label_{name}"] = tfds.features.ClassLabel(num_classes=size)
      features[f"value_{name}"] = tfds.features.Tensor(shape=[], dtype=np.float32)
    return self.dataset_info_from_configs(
        description=__doc__.split("\n\n")[0],
        features=tfds.features.FeaturesDict(features),
        homepage="https://github.com/deepmind/dsprites-dataset")

  def _split_generators(self, dl_manager):
    del dl_manager  # rendered, nothing to download
    return {"train": self._generate_examples()}

  def example_indices(self) -> np.ndarray:
    """The dsprites example indices this config holds (all, or every n-th)."""
    return np.arange(0, dsprites.NUM_EXAMPLES, self.builder_config.every)

  def _generate_examples(self):
    indices = self.example_indices()
    for start in range(0, len(indices), self.CHUNK):
      chunk = indices[start:start + self.CHUNK]
      out = dsprites.examples(chunk)
      for row, index in enumerate(chunk):
        yield int(index), {k: v[row] for k, v in out.items()}
