"""A small CNN classifier of the real data, the feature extractor of offline sample metrics.

conv32 3x3 - conv32 3x3 - maxpool - conv64 3x3 - conv64 3x3 - maxpool (ReLU, batch norm) -
FC128 ReLU ("features") - dropout 0.3 - FC num_classes ("logits"). Inputs are images in
[-1, 1], as the generators produce them. Its 128-d penultimate activations play the role of
Inception's pool3 features in classifier-FID, its softmax the role of p(y|x) in the
classifier score: domain-specific stand-ins that work offline, comparable between models
evaluated with the same classifier only.
"""

import keras
from keras import layers

FEATURES = "features"
LOGITS = "logits"


def build_classifier(image_shape=(28, 28, 1), num_classes: int = 10, name="classifier"):
  """images [batch, H, W, C] in [-1, 1] -> logits [batch, num_classes].

  The layer named "features" gives the [batch, 128] embedding (see `feature_model`).
  """
  inputs = keras.Input(tuple(image_shape), name="image")
  x = inputs
  for filters in (32, 64):
    for _ in range(2):
      x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
      x = layers.ReLU()(layers.BatchNormalization()(x))
    x = layers.MaxPooling2D()(x)
  x = layers.Flatten()(x)
  features = layers.Dense(128, activation="relu", name=FEATURES)(x)
  x = layers.Dropout(0.3)(features)
  logits = layers.Dense(num_classes, name=LOGITS, dtype="float32")(x)
  return keras.Model(inputs, logits, name=name)


def feature_model(classifier: keras.Model) -> keras.Model:
  """images -> {"features": [batch, 128], "logits": [batch, num_classes]} of a classifier."""
  return keras.Model(classifier.inputs,
                     {FEATURES: classifier.get_layer(FEATURES).output,
                      LOGITS: classifier.get_layer(LOGITS).output})
