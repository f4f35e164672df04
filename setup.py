"""tfgan_info: InfoGAN-family GANs for TensorFlow 2 / Keras 3."""

import re

from setuptools import find_packages, setup

with open("tfgan_info/__init__.py") as f:
  VERSION = re.search(r'__version__ = "([^"]+)"', f.read()).group(1)

setup(
    name="tfgan_info",
    version=VERSION,
    description="GANs that learn interpretable representations (InfoGAN family), TF2/Keras 3",
    packages=find_packages(include=["tfgan_info", "tfgan_info.*"]),
    python_requires=">=3.10",
    install_requires=[
        "tensorflow==2.21.*",
        "keras>=3.15,<4",
        "tensorflow-probability==0.25.*",
        "tf-keras==2.21.*",              # tensorflow-probability refuses to import without it
        "tensorflow-datasets>=4.9.10",
        "importlib_resources",           # tfds 4.9.10 needs it to build datasets
        "absl-py",
        "tensorboard",
        "scipy",                         # linear_sum_assignment for matched accuracy
        "scikit-learn",                  # AGE's linear probe; the disentanglement metrics
        "Pillow",                        # reads every file of an image folder once, to
                                         # name a bad one (data/image_files.py)
        # tfgan_info.serving (tools/serving_request.py): PredictRequest protos and the
        # PredictionService stub. Pinned to TF's minor version: 2.21.0 requires
        # tensorflow>=2.21,<3 and protobuf>=6.31.1,<8, so it leaves tensorflow, keras and
        # protobuf as they are (a later minor would need a later tensorflow).
        "tensorflow-serving-api==2.21.*",
        "grpcio",                        # imported directly by the gRPC client (also a TF dep)
    ],
    extras_require={
        # ruff: .ci/run lints with .ci/ruff.toml; pytest-xdist: README's test command runs the
        # suite in two processes (-n 2).
        "test": ["pytest", "pytest-xdist", "ruff"],
        # tools/benchmark.py --peers: the PyTorch step of the same networks
        # (tools/peers/torch_infogan.py); any recent CPU or CUDA build.
        "peers": ["torch>=2.4"],
    },
)
