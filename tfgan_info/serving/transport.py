"""Sending a predict request: to the SavedModel here (``local``), to TF Serving's REST API
(``http://host:port``) or to its gRPC PredictionService (``grpc://host:port``); the REST URL,
the curl command and the payload files.

TensorFlow, grpc and tensorflow_serving are imported by the functions that need them.
"""

import json
import os
import re
import shlex
import urllib.error
import urllib.request

from tfgan_info.serving import payload
from tfgan_info.serving import specs as specs_lib


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


def rest_url(base: str, model_name: str, version: int = 0) -> str:
  """http://host:port/v1/models/<model_name>[/versions/<version>]:predict."""
  path = f"/v1/models/{model_name}" + (f"/versions/{int(version)}" if version else "")
  return base.rstrip("/") + path + ":predict"


def curl_command(url: str, body_path: str) -> str:
  """The shell command that POSTs the JSON body in ``body_path`` to ``url`` with curl."""
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


def _first_line(message: str) -> str:
  """The informative line of a TF error text (which may carry a graph stack trace)."""
  lines = [text.strip() for text in str(message).splitlines() if text.strip()]
  for line in reversed(lines):
    if not re.match(r"^(\[\[|File |Detected at node|Graph execution error|Stack trace)", line):
      return line
  return lines[-1] if lines else str(message)


def run_local(loaded, body, specs):
  """Runs a REST body on a loaded SavedModel the way TF Serving would: the JSON text is parsed
  and decoded into tensors of the signature's dtypes, then the signature runs.

  Returns:
    {name: np.ndarray} of the signature's outputs (e.g. images [N, H, W, C]).

  Raises:
    ValueError: if the decoded inputs do not match the signature.
    ServingError: if the SavedModel refuses them (e.g. an in-graph check).
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  endpoint, inputs = payload.decode_rest_body(json.loads(json.dumps(body)), specs)
  arrays = payload.validate_inputs(endpoint, specs, inputs)
  try:
    out = loaded.signatures[endpoint](**{n: tf.constant(a, tf.as_dtype(specs[n].dtype))
                                         for n, a in arrays.items()})
  except tf.errors.OpError as e:
    raise specs_lib.ServingError(_first_line(e.message)) from None
  return {name: t.numpy() for name, t in out.items()}


def run_http(url: str, body, output_specs, timeout: float = 30.0):
  """POSTs a REST body to TF Serving; {name: np.ndarray} of the reply.

  The arrays have the output specs' dtypes and shapes [N, ...] (see `payload.rest_outputs`).

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
    raise specs_lib.ServingError(f"{url} answered HTTP {e.code}: {_first_line(text)}") from None
  except urllib.error.URLError as e:
    raise OSError(f"cannot reach {url}: {e.reason}") from None
  return payload.rest_outputs(reply, output_specs)


def run_grpc(address: str, request, timeout: float = 30.0):
  """Calls PredictionService.Predict at host:port; {name: np.ndarray} of the response.

  Each array has the dtype and shape of its TensorProto (e.g. images [N, H, W, C]).

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
      raise specs_lib.ServingError(f"grpc://{address} answered {e.code().name}: "
                                   f"{_first_line(e.details() or '')}") from None
  return {name: tf.make_ndarray(proto) for name, proto in sorted(response.outputs.items())}
