"""DeepMind's 3D Shapes (Burgess & Kim 2018), read from tensorflow-datasets (``shapes3d``), as
ground-truth data for the disentanglement metrics.

Six factors, every combination once (480,000 images of 64x64x3):

  ====== ============ ======
  index  factor       values
  ====== ============ ======
  0      floor_hue    10
  1      wall_hue     10
  2      object_hue   10
  3      scale        8
  4      shape        4
  5      orientation  15
  ====== ============ ======

`Shapes3D` loads the images into memory once, indexed by their factor classes (5.9 GB for the
whole set, as disentanglement_lib holds it), so that the metrics can ask for any combination.
As a training dataset (``--dataset=shapes3d``) the label is the shape.
"""

from typing import Iterable, Optional

import numpy as np

from tfgan_info.data import ground_truth

FACTOR_NAMES = ("floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation")
FACTOR_SIZES = (10, 10, 10, 8, 4, 15)
IMAGE_SHAPE = (64, 64, 3)


class Shapes3D(ground_truth.GroundTruthData):
  """Ground truth of 3D Shapes: uniform independent factors; an observation is the dataset's
  image of the factor combination, uint8 [64, 64, 3].

  Args:
    examples: the dataset's examples (dicts with "image" and "label_<factor>"); None: the
      train split of tfds' ``shapes3d`` in ``data_dir`` (tfds downloads it once).
    data_dir: tfds' data folder (None: its default).
  """

  factor_names = FACTOR_NAMES
  factors_num_values = FACTOR_SIZES
  observation_shape = IMAGE_SHAPE

  def __init__(self, examples: Optional[Iterable] = None, data_dir: Optional[str] = None):
    super().__init__(data_dir)
    if examples is None:
      import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
      from tfgan_info.data import tfds_source  # pylint: disable=g-import-not-at-top
      builder = tfds_source.prepared_builder("shapes3d", data_dir)
      examples = tfds.as_numpy(builder.as_dataset(split="train"))
    self._images = np.zeros((int(np.prod(FACTOR_SIZES)),) + IMAGE_SHAPE, np.uint8)
    self._present = np.zeros(len(self._images), bool)
    for ex in examples:
      index = np.ravel_multi_index(tuple(int(ex[f"label_{f}"]) for f in FACTOR_NAMES),
                                   FACTOR_SIZES)
      self._images[index] = ex["image"]
      self._present[index] = True

  @property
  def num_present(self) -> int:
    """How many factor combinations the examples held (480,000 for the whole dataset)."""
    return int(self._present.sum())

  def sample_observations_from_factors(self, factors, random_state) -> np.ndarray:
    """Images uint8 [N, 64, 64, 3] of factor classes int [N, 6].

    Raises:
      ValueError: for a combination the examples did not hold (a partial dataset).
    """
    del random_state  # one image per factor combination
    index = np.ravel_multi_index(tuple(np.asarray(factors, np.int64).T), FACTOR_SIZES)
    if not self._present[index].all():
      missing = np.asarray(factors)[~self._present[index]][0]
      raise ValueError(f"3D Shapes holds no image of the factor classes {missing.tolist()} "
                       f"(of {list(FACTOR_NAMES)}): the examples given were partial")
    return self._images[index]
