"""One predict request, end to end: read the signature's specs from the SavedModel, build (or
take) the inputs, check them, build both request forms, optionally write them, and send."""

from tfgan_info.serving import payload
from tfgan_info.serving import specs as specs_lib
from tfgan_info.serving import transport


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
    inputs: {name: nested list or array} (e.g. noise [N, 62] and codes [N, 12] for an
      InfoGAN's ``generate``), or None for `example_inputs`.
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
  kind, address = transport.parse_target(target)
  if fmt not in payload.FORMATS:
    raise ValueError(f"unknown REST format {fmt!r}: use one of {', '.join(payload.FORMATS)}")
  loaded = loaded if loaded is not None else tf.saved_model.load(export_dir)
  specs, output_specs = specs_lib.signature_specs(loaded, endpoint)
  if inputs is None:
    prior = None
    if any(s.shape for s in specs.values()):
      prior = payload.prior_sample(loaded, batch_size, seed)
    inputs = payload.example_inputs(specs, batch_size, seed, prior)
  model_name = model_name or specs_lib.default_model_name(export_dir)
  body = payload.rest_body(endpoint, specs, inputs, fmt)
  request = payload.grpc_request(model_name, endpoint, specs, inputs, version)
  url = transport.rest_url(address if kind == "http" else "http://localhost:8501", model_name,
                           version)
  payloads = (transport.write_payloads(payload_dir, body, fmt, request, url) if payload_dir
              else [])
  if kind == "local":
    outputs = transport.run_local(loaded, body, specs)
  elif kind == "http":
    outputs = transport.run_http(url, body, output_specs, timeout)
  else:
    outputs = transport.run_grpc(address, request, timeout)
  return {"export_dir": export_dir, "signature_name": endpoint, "target": target,
          "model_name": model_name, "url": url, "payloads": payloads, "outputs": outputs}
