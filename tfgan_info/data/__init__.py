"""Datasets: tfds pipelines -> {"image", "label"}; offline builds from raw files; procedural
dSprites (rendered on the fly, or as the tfds dataset "procedural_dsprites"); paired datasets
of A|B images for image-to-image translation (`paired`)."""

from tfgan_info.data import dsprites
from tfgan_info.data import paired
from tfgan_info.data.datasets import (DATASETS, GROUND_TRUTH, IMAGE_SHAPES, NUM_CLASSES,
                                     PAIRED_DATASETS, PAIRED_PREFIX, RENDERED, check_dataset,
                                     load, pipeline, scale_images, train_split)
from tfgan_info.data.paired import PairedDataError
from tfgan_info.data.raw import RawDataError, prepare_from_raw, verify_raw_files
from tfgan_info.data.semi_supervised import labeled_indices, semi_supervised_pipeline
