"""Request payloads of TF Serving's predict API: input checks, example inputs, REST bodies
(both formats, and decoding them as TF Serving does), REST replies and gRPC requests.

The checks are pure NumPy and run before anything is sent; NumPy, TensorFlow and
tensorflow_serving are imported by the functions that need them.
"""

import json

from tfgan_info.serving import specs as specs_lib

# The REST body formats: the row format ("instances") and the columnar one ("inputs").
FORMATS = ("instances", "inputs")


def _describe_all(specs) -> str:
  return ", ".join(f"{name} ({specs_lib.describe(s)})" for name, s in specs.items())


def _check_shape(where: str, spec: specs_lib.Spec, array, dtype_name: str):
  if len(array.shape) != len(spec.shape) or any(
      d is not None and d != a for d, a in zip(spec.shape, array.shape)):
    raise ValueError(f"{where}, got {dtype_name} {specs_lib.format_shape(array.shape)}")


def _as_string_array(where: str, spec: specs_lib.Spec, value):
  """value (str, or nested lists of str) as an object array of str of the spec's shape
  (bytes are decoded as UTF-8, as TF Serving's JSON carries text); ValueError otherwise."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  array = np.asarray(value, dtype=object)
  flat = array.reshape(-1) if array.ndim else array.reshape(1)
  for item in flat:
    if isinstance(item, bytes):
      continue
    if not isinstance(item, str):
      raise ValueError(f"{where}, got {type(item).__name__} {item!r} where a string "
                       "belongs (every row needs the same length)")
  _check_shape(where, spec, array, "string")
  return np.vectorize(lambda t: t.decode("utf-8") if isinstance(t, bytes) else t,
                      otypes=[object])(array) if array.size else array


def _as_spec_array(endpoint: str, name: str, spec: specs_lib.Spec, value):
  """value as an array of the spec's dtype and shape; ValueError (one line) otherwise."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  where = f"input {name!r} of signature {endpoint!r} must be {specs_lib.describe(spec)}"
  if spec.dtype == "string":
    return _as_string_array(where, spec, value)
  want = np.dtype(spec.dtype)
  try:
    array = np.asarray(value)
  except ValueError:
    array = None
  if array is None or array.dtype == object:
    raise ValueError(f"{where}, got a ragged nested list or non-numbers (every row needs the "
                     "same length)")
  kind = array.dtype.kind
  accepted = {"f": "fiu", "i": "iu", "u": "iu", "b": "b"}.get(want.kind, want.kind)
  if kind not in accepted:
    hint = " (integer values needed, e.g. 3 not 3.0)" if want.kind in "iu" and kind == "f" else ""
    raise ValueError(f"{where}, got {array.dtype.name} "
                     f"{specs_lib.format_shape(array.shape)}{hint}")
  if want.kind in "iu" and array.size:
    info = np.iinfo(want)
    if array.min() < info.min or array.max() > info.max:
      raise ValueError(f"{where}, got values in [{array.min()}, {array.max()}] that do not fit "
                       f"in {want.name}")
  if kind == "f" and array.size and not np.isfinite(array).all():
    bad = array[~np.isfinite(array)].ravel()[0]
    raise ValueError(f"{where}, got {bad} (NaN and infinities are not valid inputs; TF "
                     "Serving's JSON has no such numbers either)")
  array = array.astype(want)
  _check_shape(where, spec, array, want.name)
  return array


def validate_inputs(endpoint: str, specs, inputs):
  """Checks inputs against a signature's input specs before anything is sent.

  Args:
    endpoint: the signature name, for the messages.
    specs: {name: Spec} of the signature's inputs (see `signature_specs`).
    inputs: {name: array or nested list}.

  Returns:
    {name: np.ndarray} in the order of ``specs``, cast to the spec dtypes (ints are accepted
    for float inputs, as TF Serving's JSON parser does; floats are refused for int inputs).

  Raises:
    ValueError: one line naming the input, the expected dtype and shape and what was given,
      e.g. "input 'noise' of signature 'generate' must be float32 [N, 62], got float32
      [2, 10]"; also for unknown or missing inputs and batched inputs of different N.
  """
  unknown = [name for name in inputs if name not in specs]
  if unknown:
    raise ValueError(f"input {unknown[0]!r} is not an input of signature {endpoint!r}: its "
                     f"inputs are {_describe_all(specs)}")
  missing = [name for name in specs if name not in inputs]
  if missing:
    raise ValueError(f"input {missing[0]!r} of signature {endpoint!r} is missing: give "
                     f"{specs_lib.describe(specs[missing[0]])} "
                     f"(inputs: {_describe_all(specs)})")
  arrays = {name: _as_spec_array(endpoint, name, spec, inputs[name])
            for name, spec in specs.items()}
  rows = {name: a.shape[0] for name, a in arrays.items() if specs[name].shape
          and specs[name].shape[0] is None}
  if len(set(rows.values())) > 1:
    sizes = ", ".join(f"{name} has {n}" for name, n in rows.items())
    raise ValueError(f"inputs of signature {endpoint!r} must share the batch size N "
                     f"(dimension 0): {sizes}")
  return arrays


def example_inputs(specs, batch_size: int, seed: int, prior=None):
  """Valid inputs for a signature.

  Scalars named count and seed get ``batch_size`` and ``seed`` (the ``sample`` signature). An
  input found in ``prior`` (the outputs of the export's ``sample`` signature: noise, codes,
  labels, images; ``z`` takes the noise) takes its first ``batch_size`` rows, so the values
  follow the model's priors (one-hot categorical codes, uniform continuous codes, labels in
  range). Others: float N(0, 1) (uniform [-1, 1] for images of rank >= 3), int zeros;
  a string input (a caption) has no generic value.

  Args:
    specs: {name: Spec} of the signature's inputs.
    batch_size: N.
    seed: NumPy seed of the generic values.
    prior: optional {name: np.ndarray} of at least ``batch_size`` rows.

  Returns:
    {name: np.ndarray}.

  Raises:
    ValueError: if an input has a free dimension other than N, or is a string (give
      --inputs_json).
  """
  import numpy as np  # pylint: disable=g-import-not-at-top
  rng = np.random.default_rng(seed)
  prior = dict(prior or {})
  out = {}
  for name, spec in specs.items():
    if spec.dtype == "string":
      raise ValueError(f"no example for the text input {name!r} ({specs_lib.describe(spec)}): "
                       "give --inputs_json, e.g. '{\"" + name + "\": [\"a thick seven leaning "
                       "right\"], \"seed\": 0}'")
    dtype = np.dtype(spec.dtype)
    if not spec.shape:
      value = {"count": batch_size, "seed": seed}.get(name, 0)
      out[name] = np.asarray(value, dtype)
      continue
    shape = (batch_size,) + tuple(spec.shape[1:])
    if None in shape:
      raise ValueError(f"cannot make an example for input {name!r} "
                       f"({specs_lib.describe(spec)}): give --inputs_json")
    candidate = prior.get(name)
    if candidate is not None and tuple(np.shape(candidate))[1:] == shape[1:] and len(
        candidate) >= batch_size:
      out[name] = np.asarray(candidate[:batch_size]).astype(dtype)
    elif dtype.kind == "f":
      values = (rng.uniform(-1.0, 1.0, shape) if len(shape) >= 3
                else rng.standard_normal(shape))
      out[name] = values.astype(dtype)
    else:
      out[name] = np.zeros(shape, dtype)
  return out


def prior_sample(loaded, batch_size: int, seed: int):
  """Outputs of the export's ``sample`` signature (draws from the model's priors), or None.

  Returns:
    {name: np.ndarray} of ``batch_size`` rows each (images [N, H, W, C], noise [N, noise_dim],
    codes [N, code_dim], labels [N] for a conditional GAN), or None if the export has no
    ``sample`` signature.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if "sample" not in loaded.signatures:
    return None
  out = loaded.signatures["sample"](count=tf.constant(batch_size, tf.int32),
                                    seed=tf.constant(seed, tf.int64))
  return {name: t.numpy() for name, t in out.items()}


def _plain(value):
  """A JSON-ready value: a str as itself, an array (or NumPy scalar) as nested lists."""
  return value if isinstance(value, str) else value.tolist()


def rest_body(endpoint: str, specs, inputs, fmt: str = "inputs"):
  """The JSON body (a dict) of TF Serving's REST predict API for checked inputs.

  Args:
    endpoint: signature name.
    specs: {name: Spec} of its inputs.
    inputs: {name: array or nested list}, checked with `validate_inputs`.
    fmt: "instances" (row format: one object per row, every input split along dimension 0)
      or "inputs" (columnar: one nested list per input).

  Returns:
    {"signature_name": endpoint, "instances": [...]} or {"signature_name", "inputs": {...}}.

  Raises:
    ValueError: from `validate_inputs`; for an unknown format; for the row format with a
      scalar input (TF Serving requires all named inputs of ``instances`` to share the batch
      dimension, so use "inputs").
  """
  if fmt not in FORMATS:
    raise ValueError(f"unknown REST format {fmt!r}: use one of {', '.join(FORMATS)}")
  arrays = validate_inputs(endpoint, specs, inputs)
  if fmt == "inputs":
    return {"signature_name": endpoint,
            "inputs": {name: a.tolist() for name, a in arrays.items()}}
  scalars = [name for name, a in arrays.items() if not a.shape]
  if scalars:
    raise ValueError(
        f"signature {endpoint!r} has scalar inputs ({', '.join(scalars)}) that cannot be "
        "batched in the row format: TF Serving stacks every named input of 'instances' along "
        "a new dimension 0, so all inputs must share the batch size; use --format=inputs")
  rows = len(next(iter(arrays.values()))) if arrays else 0
  if not rows:
    raise ValueError(f"the row format needs at least one row, got N=0 for signature "
                     f"{endpoint!r}")
  return {"signature_name": endpoint,
          "instances": [{name: _plain(a[i]) for name, a in arrays.items()}
                        for i in range(rows)]}


def decode_rest_body(body, specs):
  """The signature name and the inputs of a REST predict body, as TF Serving reads them.

  Accepts both formats, with named inputs or (for a one-input signature) bare values; the
  instances of the row format are stacked along dimension 0.

  Args:
    body: the parsed JSON body (dict).
    specs: {name: Spec} of the signature's inputs.

  Returns:
    (signature name, {name: nested list}); check the inputs with `validate_inputs`.

  Raises:
    ValueError: for a body that TF Serving would refuse.
  """
  if not isinstance(body, dict) or ("instances" in body) == ("inputs" in body):
    raise ValueError("a predict body is a JSON object with exactly one of 'instances' or "
                     "'inputs'")
  endpoint = body.get("signature_name") or "serving_default"
  only = next(iter(specs)) if len(specs) == 1 else None
  if "inputs" in body:
    value = body["inputs"]
    if isinstance(value, dict):
      return endpoint, dict(value)
    if only is None:
      raise ValueError(f"'inputs' must name the inputs of signature {endpoint!r}: "
                       f"{', '.join(specs)}")
    return endpoint, {only: value}
  rows = body["instances"]
  if not isinstance(rows, list) or not rows:
    raise ValueError("'instances' must be a non-empty list")
  if all(isinstance(r, dict) for r in rows):
    names = list(rows[0])
    if any(set(r) != set(names) for r in rows):
      raise ValueError("every instance must name the same inputs")
    return endpoint, {name: [r[name] for r in rows] for name in names}
  if only is None:
    raise ValueError(f"instances of signature {endpoint!r} must be objects naming its "
                     f"inputs: {', '.join(specs)}")
  return endpoint, {only: rows}


def rest_outputs(reply, output_specs):
  """{name: np.ndarray} from a REST predict reply ("predictions" or "outputs").

  TF Serving omits the name when a signature has one output; the output specs name it and
  give the dtypes (JSON numbers carry none). The row format's "predictions" (one entry per
  row) are stacked along dimension 0, so each array has the output's shape [N, ...].

  Raises:
    ServingError: for an {"error": ...} reply or one without predictions/outputs.
  """
  import numpy as np  # pylint: disable=g-import-not-at-top
  if "error" in reply:
    raise specs_lib.ServingError(f"the server answered: {reply['error']}")
  if "outputs" in reply:
    value = reply["outputs"]
    named = value if isinstance(value, dict) else {next(iter(output_specs)): value}
  elif "predictions" in reply:
    rows = reply["predictions"]
    if rows and all(isinstance(r, dict) for r in rows):
      named = {name: [r[name] for r in rows] for name in rows[0]}
    else:
      named = {next(iter(output_specs)): rows}
  else:
    raise specs_lib.ServingError(
        f"the reply has neither 'predictions' nor 'outputs': {sorted(reply)}")
  return {name: np.asarray(v, output_specs[name].dtype if name in output_specs else None)
          for name, v in named.items()}


def grpc_request(model_name: str, endpoint: str, specs, inputs, version: int = 0):
  """A `predict_pb2.PredictRequest` for checked inputs.

  Args:
    model_name: the name TF Serving serves the model under (``MODEL_NAME``).
    endpoint: signature name.
    specs: {name: Spec} of its inputs.
    inputs: {name: array or nested list}, checked with `validate_inputs`.
    version: model version to ask for, 0 for the latest.

  Returns:
    The request, one TensorProto of the signature's dtype and the input's shape per input.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tensorflow_serving.apis import predict_pb2  # pylint: disable=g-import-not-at-top
  arrays = validate_inputs(endpoint, specs, inputs)
  request = predict_pb2.PredictRequest()
  request.model_spec.name = model_name
  request.model_spec.signature_name = endpoint
  if version:
    request.model_spec.version.value = int(version)
  for name, array in arrays.items():
    request.inputs[name].CopyFrom(
        tf.make_tensor_proto(array, dtype=tf.as_dtype(specs[name].dtype), shape=array.shape))
  return request


def load_inputs_json(text: str):
  """{name: nested list} from a JSON object text or @path.

  E.g. '{"noise": [[62 numbers], ...], "codes": [[12 numbers], ...]}' for ``generate``: one
  nested list of the input's shape [N, ...] per input (checked later, with `validate_inputs`).

  Raises:
    ValueError: if it is not a JSON object.
    OSError: if the @file cannot be read.
  """
  if text.startswith("@"):
    with open(text[1:]) as f:
      text = f.read()
  try:
    value = json.loads(text)
  except ValueError as e:
    raise ValueError(f"--inputs_json is not valid JSON: {e}") from None
  if not isinstance(value, dict):
    raise ValueError("--inputs_json must be a JSON object: input name -> nested list")
  return value
