"""Datasets: tfds pipelines -> {"image", "label"}; offline builds from raw files; procedural
dSprites (rendered on the fly, or as the tfds dataset "procedural_dsprites"); any tfds image
dataset (tfds:NAME) and a folder of images (folder:PATH); captioned images (mnist_captions,
fashion_mnist_captions, a folder with caption files: `captioned`); paired datasets of A|B
images for image-to-image translation (`paired`)."""

from tfgan_info.data import captioned
from tfgan_info.data import dsprites
from tfgan_info.data import image_folder
from tfgan_info.data import paired
from tfgan_info.data import tfds_source
from tfgan_info.data.datasets import (DATASETS, FOLDER_PREFIX, GROUND_TRUTH, IMAGE_SHAPES,
                                     NUM_CLASSES, PAIRED_DATASETS, PAIRED_PREFIX, RENDERED,
                                     TFDS_PREFIX, Source, check_dataset, file_name, image_shape,
                                     image_shape_of, is_open, load, num_classes,
                                     num_classes_of, output_domain, pipeline, scale_images,
                                     source_of, train_split)
from tfgan_info.data.captioned import CaptionDataError
from tfgan_info.data.image_folder import FolderDataError
from tfgan_info.data.paired import PairedDataError
from tfgan_info.data.tfds_source import TfdsDataError
from tfgan_info.data.raw import RawDataError, prepare_from_raw, verify_raw_files
from tfgan_info.data.semi_supervised import labeled_indices, semi_supervised_pipeline
