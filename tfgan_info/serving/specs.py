"""The input and output specs of a SavedModel signature, and where the SavedModel is.

`signature_specs` reads a loaded signature's {name: Spec}; `resolve_export` finds the export
folder of a run and `default_model_name` the name TF Serving serves it under. TensorFlow is
not imported here (a loaded SavedModel is passed in).
"""

import collections
import os

# One input or output of a signature: a NumPy dtype name ("float32") and a shape tuple with
# None for a dimension of any size (the batch dimension N).
Spec = collections.namedtuple("Spec", ["dtype", "shape"])


class ServingError(RuntimeError):
  """TF Serving (or the local SavedModel) refused a request that passed our checks."""


def format_shape(shape) -> str:
  """"[N, 62]" (None: N at dimension 0, ? elsewhere), "[2, 10]", or "scalar" for ()."""
  if not shape:
    return "scalar"
  dims = [("N" if i == 0 else "?") if d is None else str(d) for i, d in enumerate(shape)]
  return "[" + ", ".join(dims) + "]"


def describe(spec: Spec) -> str:
  """E.g. "float32 [N, 62]" or "int32 scalar"."""
  return f"{spec.dtype} {format_shape(spec.shape)}"


def _spec_of(tensor_spec) -> Spec:
  return Spec(tensor_spec.dtype.name, tuple(tensor_spec.shape.as_list()))


def signature_specs(loaded, endpoint: str):
  """({name: Spec} inputs, {name: Spec} outputs) of a loaded SavedModel's signature.

  E.g. for an InfoGAN's ``generate``: ({"codes": Spec("float32", (None, 12)), "noise":
  Spec("float32", (None, 62))}, {"images": Spec("float32", (None, 28, 28, 1))}).

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
