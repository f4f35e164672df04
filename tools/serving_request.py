"""Builds, checks and sends TF Serving predict requests for a SavedModel export.

  # Example inputs for `generate`, run on the SavedModel here (no server needed):
  python tools/serving_request.py --model_dir=runs/infogan_mnist --endpoint=generate
  # The same request against TF Serving, over REST and over gRPC:
  python tools/serving_request.py --model_dir=runs/infogan_mnist --endpoint=generate \
      --format=instances --target=http://localhost:8501
  python tools/serving_request.py --model_dir=runs/infogan_mnist --endpoint=sample \
      --target=grpc://localhost:8500
  # Own inputs (a JSON object {"noise": [[62 numbers], ...], "codes": [[12 numbers], ...]}),
  # and the payloads written for curl:
  python tools/serving_request.py --export_dir=runs/infogan_mnist/export/infogan/1200 \
      --endpoint=generate --inputs_json=@inputs.json --write_payloads=/tmp/req

Reads the signature's input specs (names, dtypes, shapes) from the SavedModel, builds the
inputs (``--inputs_json``, or example inputs: the export's own ``sample`` signature draws noise,
codes, labels and images from the model's priors), checks them against the specs before
anything is sent, and builds both request forms of TF Serving's predict API:

- REST (``POST /v1/models/<model_name>[/versions/<v>]:predict``), in the row format
  ``{"signature_name": ..., "instances": [{"noise": [...], "codes": [...]}, ...]}`` or the
  columnar format ``{"signature_name": ..., "inputs": {"noise": [[...]], ...}}``. The row
  format stacks the named inputs of every instance along a new dimension 0, so TF Serving
  requires all inputs to share the batch size: a signature with scalar inputs (``sample``:
  count, seed) can only be called with ``--format=inputs``.
- gRPC: a ``tensorflow_serving.apis.predict_pb2.PredictRequest`` with ``model_spec.name``,
  ``model_spec.signature_name`` and one TensorProto of the signature's dtype per input.

``--format`` defaults to ``inputs``, which every signature accepts.

``--target=local`` (default) loads the SavedModel and runs the signature on the tensors decoded
back from the REST JSON (as TF Serving decodes it), so the payload itself is exercised;
``http://host:8501`` posts the REST body, ``grpc://host:8500`` calls
``PredictionService.Predict``. Every target reads the specs from the export on this machine
(the served copy must be the same version). Prints each output's name, shape and dtype; an
invalid input or a refused request exits with status 1 and a one-line ``Error: ...``.
"""

import collections
import json
import os
import re
import shlex
import sys
import urllib.error
import urllib.request

from absl import app
from absl import flags

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FLAGS = flags.FLAGS

FORMATS = ("instances", "inputs")

# One input or output of a signature: a NumPy dtype name ("float32") and a shape tuple with
# None for a dimension of any size (the batch dimension N).
Spec = collections.namedtuple("Spec", ["dtype", "shape"])


class ServingError(RuntimeError):
  """TF Serving (or the local SavedModel) refused a request that passed our checks."""


def define_flags():
  flags.DEFINE_string("export_dir", "", "A SavedModel version folder, export/<name>/<version>.")
  flags.DEFINE_string("model_dir", "", "Experiment directory: its latest export is used.")
  flags.DEFINE_string("export_name", "", "Model name under model_dir/export (default: the only "
                      "one).")
  flags.DEFINE_string("endpoint", "serving_default", "Signature name, e.g. generate, sample, "
                      "infer_codes, encode.")
  flags.DEFINE_enum("format", "inputs", FORMATS, "REST body format: instances (row) or inputs "
                    "(columnar; the only one for signatures with scalar inputs such as sample).")
  flags.DEFINE_string("inputs_json", "", "Inputs as a JSON object name -> nested list, or "
                      "@path of a file holding one (default: example inputs).")
  flags.DEFINE_integer("batch_size", 2, "Rows of the example inputs (count for sample).",
                       lower_bound=1)
  flags.DEFINE_integer("seed", 0, "Seed of the example inputs (seed input of sample).")
  flags.DEFINE_string("target", "local", "local, http://host:port (REST) or grpc://host:port.")
  flags.DEFINE_string("model_name", "", "Served model name (default: the export's folder name, "
                      "e.g. infogan).")
  flags.DEFINE_integer("model_version", 0, "Served version to ask for (0: the latest).",
                       lower_bound=0)
  flags.DEFINE_string("write_payloads", "", "Folder for rest_<format>.json, grpc_request.pb "
                      "and curl.sh.")
  flags.DEFINE_string("output", "", "Optional JSON file for the outputs' names, shapes, dtypes.")
  flags.DEFINE_float("timeout", 30.0, "Seconds to wait for a server.")


# --- Specs and validation (pure NumPy) ----------------------------------------------------


def format_shape(shape) -> str:
  """"[N, 62]" (None: N at dimension 0, ? elsewhere), "[2, 10]", or "scalar" for ()."""
  if not shape:
    return "scalar"
  dims = [("N" if i == 0 else "?") if d is None else str(d) for i, d in enumerate(shape)]
  return "[" + ", ".join(dims) + "]"


def describe(spec: Spec) -> str:
  """E.g. "float32 [N, 62]" or "int32 scalar"."""
  return f"{spec.dtype} {format_shape(spec.shape)}"


def _describe_all(specs) -> str:
  return ", ".join(f"{name} ({describe(s)})" for name, s in specs.items())


def _as_spec_array(endpoint: str, name: str, spec: Spec, value):
  """value as an array of the spec's dtype and shape; ValueError (one line) otherwise."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  want = np.dtype(spec.dtype)
  where = f"input {name!r} of signature {endpoint!r} must be {describe(spec)}"
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
    raise ValueError(f"{where}, got {array.dtype.name} {format_shape(array.shape)}{hint}")
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
  if len(array.shape) != len(spec.shape) or any(
      d is not None and d != a for d, a in zip(spec.shape, array.shape)):
    raise ValueError(f"{where}, got {want.name} {format_shape(array.shape)}")
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
                     f"{describe(specs[missing[0]])} (inputs: {_describe_all(specs)})")
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
  range). Others: float N(0, 1) (uniform [-1, 1] for images of rank >= 3), int zeros.

  Args:
    specs: {name: Spec} of the signature's inputs.
    batch_size: N.
    seed: NumPy seed of the generic values.
    prior: optional {name: np.ndarray} of at least ``batch_size`` rows.

  Returns:
    {name: np.ndarray}.

  Raises:
    ValueError: if an input has a free dimension other than N (give --inputs_json).
  """
  import numpy as np  # pylint: disable=g-import-not-at-top
  rng = np.random.default_rng(seed)
  prior = dict(prior or {})
  out = {}
  for name, spec in specs.items():
    dtype = np.dtype(spec.dtype)
    if not spec.shape:
      value = {"count": batch_size, "seed": seed}.get(name, 0)
      out[name] = np.asarray(value, dtype)
      continue
    shape = (batch_size,) + tuple(spec.shape[1:])
    if None in shape:
      raise ValueError(f"cannot make an example for input {name!r} ({describe(spec)}): give "
                       "--inputs_json")
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


# --- Payloads ----------------------------------------------------------------------------


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
          "instances": [{name: a[i].tolist() for name, a in arrays.items()}
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
  give the dtypes (JSON numbers carry none).

  Raises:
    ServingError: for an {"error": ...} reply or one without predictions/outputs.
  """
  import numpy as np  # pylint: disable=g-import-not-at-top
  if "error" in reply:
    raise ServingError(f"the server answered: {reply['error']}")
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
    raise ServingError(f"the reply has neither 'predictions' nor 'outputs': {sorted(reply)}")
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


def rest_url(base: str, model_name: str, version: int = 0) -> str:
  """http://host:port/v1/models/<model_name>[/versions/<version>]:predict."""
  path = f"/v1/models/{model_name}" + (f"/versions/{int(version)}" if version else "")
  return base.rstrip("/") + path + ":predict"


def curl_command(url: str, body_path: str) -> str:
  return (f"curl -sS -X POST -H 'Content-Type: application/json' "
          f"-d @{shlex.quote(body_path)} {shlex.quote(url)}")


def write_payloads(folder: str, body, fmt: str, request, url: str):
  """Writes rest_<fmt>.json, grpc_request.pb (serialized) and curl.sh; returns the paths."""
  os.makedirs(folder, exist_ok=True)
  body_path = os.path.join(folder, f"rest_{fmt}.json")
  with open(body_path, "w") as f:
    json.dump(body, f)
  pb_path = os.path.join(folder, "grpc_request.pb")
  with open(pb_path, "wb") as f:
    f.write(request.SerializeToString())
  curl_path = os.path.join(folder, "curl.sh")
  with open(curl_path, "w") as f:
    f.write("#!/bin/sh\n" + curl_command(url, os.path.abspath(body_path)) + "\n")
  return [body_path, pb_path, curl_path]


# --- SavedModel and targets ---------------------------------------------------------------


def _spec_of(tensor_spec) -> Spec:
  return Spec(tensor_spec.dtype.name, tuple(tensor_spec.shape.as_list()))


def signature_specs(loaded, endpoint: str):
  """({name: Spec} inputs, {name: Spec} outputs) of a loaded SavedModel's signature.

  Raises:
    ValueError: if the SavedModel has no such signature.
  """
  if endpoint not in loaded.signatures:
    raise ValueError(f"signature {endpoint!r} is not in the export: use one of "
                     f"{', '.join(sorted(loaded.signatures))}")
  fn = loaded.signatures[endpoint]
  _, kwargs = fn.structured_input_signature
  inputs = {name: _spec_of(kwargs[name]) for name in sorted(kwargs)}
  outputs = {name: _spec_of(s) for name, s in sorted(fn.structured_outputs.items())}
  return inputs, outputs


def prior_sample(loaded, batch_size: int, seed: int):
  """Outputs of the export's ``sample`` signature (draws from the model's priors), or None."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if "sample" not in loaded.signatures:
    return None
  out = loaded.signatures["sample"](count=tf.constant(batch_size, tf.int32),
                                    seed=tf.constant(seed, tf.int64))
  return {name: t.numpy() for name, t in out.items()}


def run_local(loaded, body, specs):
  """Runs a REST body on a loaded SavedModel the way TF Serving would: the JSON text is parsed
  and decoded into tensors of the signature's dtypes, then the signature runs.

  Raises:
    ValueError: if the decoded inputs do not match the signature.
    ServingError: if the SavedModel refuses them (e.g. an in-graph check).
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  endpoint, inputs = decode_rest_body(json.loads(json.dumps(body)), specs)
  arrays = validate_inputs(endpoint, specs, inputs)
  try:
    out = loaded.signatures[endpoint](**{n: tf.constant(a) for n, a in arrays.items()})
  except tf.errors.OpError as e:
    raise ServingError(_first_line(e.message)) from None
  return {name: t.numpy() for name, t in out.items()}


def run_http(url: str, body, output_specs, timeout: float = 30.0):
  """POSTs a REST body to TF Serving; {name: np.ndarray} of the reply.

  Raises:
    ServingError: for an HTTP error status (with TF Serving's "error" text).
    OSError: if the server cannot be reached.
  """
  request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                   headers={"Content-Type": "application/json"})
  try:
    with urllib.request.urlopen(request, timeout=timeout) as response:
      reply = json.loads(response.read())
  except urllib.error.HTTPError as e:
    text = e.read().decode(errors="replace")
    try:
      text = json.loads(text).get("error", text)
    except (ValueError, AttributeError):
      pass
    raise ServingError(f"{url} answered HTTP {e.code}: {_first_line(text)}") from None
  except urllib.error.URLError as e:
    raise OSError(f"cannot reach {url}: {e.reason}") from None
  return rest_outputs(reply, output_specs)


def run_grpc(address: str, request, timeout: float = 30.0):
  """Calls PredictionService.Predict at host:port; {name: np.ndarray} of the response.

  Raises:
    ServingError: with the gRPC status code and details.
  """
  # pylint: disable=g-import-not-at-top
  import grpc
  import tensorflow as tf
  from tensorflow_serving.apis import prediction_service_pb2_grpc
  # pylint: enable=g-import-not-at-top
  with grpc.insecure_channel(address) as channel:
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    try:
      response = stub.Predict(request, timeout=timeout)
    except grpc.RpcError as e:
      raise ServingError(f"grpc://{address} answered {e.code().name}: "
                         f"{_first_line(e.details() or '')}") from None
  return {name: tf.make_ndarray(proto) for name, proto in sorted(response.outputs.items())}


def _first_line(message: str) -> str:
  """The informative line of a TF error text (which may carry a graph stack trace)."""
  lines = [text.strip() for text in str(message).splitlines() if text.strip()]
  for line in reversed(lines):
    if not re.match(r"^(\[\[|File |Detected at node|Graph execution error|Stack trace)", line):
      return line
  return lines[-1] if lines else str(message)


def parse_target(target: str):
  """("local", None), ("http", "http://host:port") or ("grpc", "host:port").

  Raises:
    ValueError: for any other form.
  """
  if target == "local":
    return "local", None
  if re.fullmatch(r"https?://[^/\s]+/?", target):
    return "http", target.rstrip("/")
  match = re.fullmatch(r"grpc://([^/\s]+)/?", target)
  if match:
    return "grpc", match.group(1)
  raise ValueError(f"--target must be local, http://host:port or grpc://host:port, got "
                   f"{target!r}")


def resolve_export(export_dir: str = "", model_dir: str = "", export_name: str = "") -> str:
  """--export_dir, or the latest export of --model_dir.

  Raises:
    ValueError: if neither or both are given.
    FileNotFoundError: if there is no SavedModel there.
  """
  from tfgan_info import export  # pylint: disable=g-import-not-at-top
  if bool(export_dir) == bool(model_dir):
    raise ValueError("give one of --export_dir (a SavedModel folder) or --model_dir (its "
                     "latest export)")
  folder = export_dir or model_dir
  if not os.path.isdir(folder):
    flag = "--export_dir" if export_dir else "--model_dir"
    raise FileNotFoundError(f"{flag} {folder}: no such folder")
  path = export_dir or export.latest_export(model_dir, export_name)
  if not os.path.exists(os.path.join(path, "saved_model.pb")):
    raise FileNotFoundError(f"No SavedModel in {path}: expected {path}/saved_model.pb")
  return path


def default_model_name(path: str) -> str:
  """The model name of export/<name>/<version>: <name> (what TF Serving's MODEL_NAME is)."""
  path = os.path.normpath(path)
  if os.path.basename(path).isdigit():
    return os.path.basename(os.path.dirname(path))
  return os.path.basename(path)


def serving_request(export_dir: str, endpoint: str = "serving_default", target: str = "local",
                    fmt: str = "inputs", inputs=None, batch_size: int = 2, seed: int = 0,
                    model_name: str = "", version: int = 0, payload_dir: str = "",
                    timeout: float = 30.0, loaded=None):
  """Builds the requests for one signature, checks them, optionally writes them, and sends.

  Args:
    export_dir: SavedModel folder (export/<name>/<version>).
    endpoint: signature name.
    target: "local", "http://host:port" or "grpc://host:port".
    fmt: REST format, "instances" or "inputs".
    inputs: {name: nested list or array}, or None for `example_inputs`.
    batch_size, seed: of the example inputs.
    model_name: served name (default: the export's folder name).
    version: served version (0: latest).
    payload_dir: if set, where `write_payloads` writes.
    timeout: seconds for a server.
    loaded: the SavedModel of ``export_dir`` if already loaded with `tf.saved_model.load`.

  Returns:
    {"export_dir", "signature_name", "target", "model_name", "url", "payloads",
     "outputs": {name: np.ndarray}}.

  Raises:
    ValueError: for invalid inputs or arguments (before anything is sent).
    ServingError, OSError: from the target.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  kind, address = parse_target(target)
  if fmt not in FORMATS:
    raise ValueError(f"unknown REST format {fmt!r}: use one of {', '.join(FORMATS)}")
  loaded = loaded if loaded is not None else tf.saved_model.load(export_dir)
  specs, output_specs = signature_specs(loaded, endpoint)
  if inputs is None:
    prior = None
    if any(s.shape for s in specs.values()):
      prior = prior_sample(loaded, batch_size, seed)
    inputs = example_inputs(specs, batch_size, seed, prior)
  model_name = model_name or default_model_name(export_dir)
  body = rest_body(endpoint, specs, inputs, fmt)
  request = grpc_request(model_name, endpoint, specs, inputs, version)
  url = rest_url(address if kind == "http" else "http://localhost:8501", model_name, version)
  payloads = write_payloads(payload_dir, body, fmt, request, url) if payload_dir else []
  if kind == "local":
    outputs = run_local(loaded, body, specs)
  elif kind == "http":
    outputs = run_http(url, body, output_specs, timeout)
  else:
    outputs = run_grpc(address, request, timeout)
  return {"export_dir": export_dir, "signature_name": endpoint, "target": target,
          "model_name": model_name, "url": url, "payloads": payloads, "outputs": outputs}


def load_inputs_json(text: str):
  """{name: nested list} from a JSON object text or @path.

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


def main(argv):
  if len(argv) > 1:
    sys.exit(f"Error: unexpected arguments {argv[1:]}")
  try:
    inputs = load_inputs_json(FLAGS.inputs_json) if FLAGS.inputs_json else None
    path = resolve_export(FLAGS.export_dir, FLAGS.model_dir, FLAGS.export_name)
    result = serving_request(path, FLAGS.endpoint, FLAGS.target, FLAGS.format, inputs,
                             FLAGS.batch_size, FLAGS.seed, FLAGS.model_name,
                             FLAGS.model_version, FLAGS.write_payloads, FLAGS.timeout)
  except (ValueError, OSError, ServingError) as e:
    sys.exit(f"Error: {e}")
  for path in result["payloads"]:
    print(f"wrote {path}")
  summary = {name: {"shape": list(a.shape), "dtype": a.dtype.name}
             for name, a in result["outputs"].items()}
  print(f"{result['signature_name']} of {result['export_dir']} via {result['target']}:")
  for name, s in summary.items():
    print(f"  {name}: shape {tuple(s['shape'])} dtype {s['dtype']}")
  if FLAGS.output:
    with open(FLAGS.output, "w") as f:
      json.dump({"export_dir": result["export_dir"], "signature_name": result["signature_name"],
                 "target": result["target"], "model_name": result["model_name"],
                 "outputs": summary}, f, indent=2)


if __name__ == "__main__":
  define_flags()
  app.run(main)
