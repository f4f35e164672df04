"""In-graph input checks and specs for SavedModel signatures (docs/design.md, "Exports").

A model's ``serving_signatures`` (`models.base.TwoPlayerModel`) builds its endpoints from
these, so every endpoint checks its inputs the same way: TF Serving feeds a signature's
placeholders directly, without the Python-side TensorSpec check of
``loaded.signatures[...]``, and without a check a wrong width fails deep in the graph
("Matrix size-incompatible: In[0]: [2,22], In[1]: [74,1024]"). Input dtypes are checked by
the runtime before the graph runs ("Expects arg[0] to be int32 but float is provided"); note
that ``loaded.signatures[...]`` itself casts a NumPy array to the spec dtype (float labels
2.7 -> 2), so a client should check dtypes first (`tfgan_info.serving` does).
"""

import tensorflow as tf


def images_spec(image_shape) -> tf.TensorSpec:
  """The float32 [None, H, W, C] input "images" of an endpoint, in [-1, 1]."""
  return tf.TensorSpec((None,) + tuple(image_shape), tf.float32, name="images")


def encoder_signatures(encode, reconstruct, image_shape):
  """The endpoints of a model with an encoder (AGE's e, ALI's E), checked with `checked`.

  Args:
    encode: images [N, H, W, C] in [-1, 1], training=False -> codes [N, M].
    reconstruct: images, training=False -> G(E(x)) [N, H, W, C].
    image_shape: (H, W, C).

  Returns:
    {"encode": images -> {"codes"}, "reconstruct": images -> {"images"}}, tf.functions with
    an input signature.
  """
  spec = images_spec(image_shape)

  @tf.function(input_signature=[spec])
  def encode_images(images):
    return {"codes": encode(checked("encode", images=images)["images"], training=False)}

  @tf.function(input_signature=[spec])
  def reconstruct_images(images):
    return {"images": reconstruct(checked("reconstruct", images=images)["images"],
                                  training=False)}
  return {"encode": encode_images, "reconstruct": reconstruct_images}


def count_and_seed_specs():
  """The inputs of a ``sample`` endpoint: count (int32 scalar) and seed (int64 scalar)."""
  return [tf.TensorSpec([], tf.int32, name="count"), tf.TensorSpec([], tf.int64, name="seed")]


def checked(endpoint: str, **inputs):
  """The inputs of an endpoint, checked in the graph before they are used.

  Each input must have the shape of its TensorSpec, checked at run time by `tf.ensure_shape`
  (a kernel check that the graph optimizer keeps; its error names the fed tensor, e.g. "Shape of
  tensor _arg_generate_noise_0_1 [2,10] is not compatible with expected shape [?,62]" when a
  TF1 graph run feeds the placeholder generate_noise:0, as TF Serving does), and the inputs with a
  batch dimension must agree on N ("assertion failed: [inputs noise, codes of signature generate
  must have the same batch size N (dimension 0); got sizes] [2 3]"; no quotes in the messages:
  the Assert kernel escapes them). A few small ops per input; the values are unchanged.

  Args:
    endpoint: the endpoint name, for the error message.
    **inputs: the endpoint's input tensors by name, in signature order.

  Returns:
    A dict with the same keys: the checked tensors (use these, not the arguments, so the
    checks run before the computation).
  """
  out = {name: tf.ensure_shape(x, x.shape) for name, x in inputs.items()}
  batched = [name for name, x in out.items() if x.shape.rank]
  if len(batched) > 1:
    sizes = tf.stack([tf.shape(out[name])[0] for name in batched])
    same = tf.reduce_all(tf.equal(sizes, sizes[0]))
    message = (f"inputs {', '.join(batched)} of signature {endpoint} must have the same batch "
               "size N (dimension 0); got sizes")
    with tf.control_dependencies([tf.debugging.Assert(same, [message, sizes])]):
      out = {name: tf.identity(x) for name, x in out.items()}
  return out


def checked_labels(endpoint: str, labels, num_classes: int):
  """labels [N] after an in-graph check that they lie in [0, num_classes).

  Without it the CPU gather fails with "indices[1] = 11 is not in [0, 10)" and a GPU gather
  returns zeros (a silently wrong image).
  """
  valid = tf.reduce_all((labels >= 0) & (labels < num_classes))
  message = (f"input labels of signature {endpoint} must be class indices in "
             f"[0, {num_classes}); got")
  with tf.control_dependencies([tf.debugging.Assert(valid, [message, labels])]):
    return tf.identity(labels)


def checked_count(endpoint: str, count, seed):
  """(count, seed) scalars, with an in-graph check that count >= 0."""
  inputs = checked(endpoint, count=count, seed=seed)
  message = f"input count of signature {endpoint} must be >= 0; got"
  with tf.control_dependencies([tf.debugging.Assert(inputs["count"] >= 0,
                                                    [message, inputs["count"]])]):
    return tf.identity(inputs["count"]), inputs["seed"]


def stateless_seed(seed):
  """An int64 scalar seed as the [2] int32 stateless seed of `LatentSpec.sample` (both words,
  so distinct seeds give distinct streams)."""
  return tf.stack([seed // 2**32, seed % 2**32])
