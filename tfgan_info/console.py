"""What the command-line entry points print: quiet TensorFlow start-up logs by default.

Import this module, and call `quiet_tensorflow`, before anything imports TensorFlow (it
imports nothing heavy itself): TensorFlow reads TF_CPP_MIN_LOG_LEVEL once, when its C++
library loads. By default the entry points then show no C++ start-up lines (CUDA probing on
a machine without a GPU, CPU feature notes, XLA service lines, oneDNN notes: none of them
errors of the run) and only warnings from Python logging; errors still end the program with a
one-line message. The user gets TensorFlow's usual output back with TF_CPP_MIN_LOG_LEVEL=0
and absl's ``--verbosity=0`` (or ``-v 0``).
"""

import json
import logging
import os
import sys


def _asked_for_logs(argv) -> bool:
  return any(a.startswith(("--verbosity", "-v=")) or a == "-v" for a in argv[1:])


def quiet_tensorflow(argv=None):
  """Imports TensorFlow (and the libraries that load its C++ parts) quietly.

  Unless TF_CPP_MIN_LOG_LEVEL is set or the command line passes --verbosity: sets
  TF_CPP_MIN_LOG_LEVEL=3, and sends file descriptor 2 to /dev/null while the libraries load
  (their CUDA stubs print before TensorFlow's log level applies). An exception raised by an
  import is raised after stderr is back.
  """
  argv = sys.argv if argv is None else argv
  if "TF_CPP_MIN_LOG_LEVEL" in os.environ or _asked_for_logs(argv):
    return
  os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
  sys.stderr.flush()
  saved = os.dup(2)
  devnull = os.open(os.devnull, os.O_WRONLY)
  try:
    os.dup2(devnull, 2)
    import tensorflow  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
    import tensorflow_probability  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
    import tensorflow_datasets  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
  finally:
    os.dup2(saved, 2)
    os.close(saved)
    os.close(devnull)


def quiet_python_logs(argv=None):
  """After absl has parsed the flags: absl and TensorFlow Python logs at WARNING unless the
  command line passes --verbosity (absl's INFO default lists every export signature, tfds
  dataset construction and checkpoint sharding call)."""
  argv = sys.argv if argv is None else argv
  if _asked_for_logs(argv):
    return
  from absl import logging as absl_logging  # pylint: disable=g-import-not-at-top
  absl_logging.set_verbosity(absl_logging.WARNING)
  logging.getLogger("tensorflow").setLevel(logging.WARNING)


def print_json(out, output: str = "", sort_keys: bool = False) -> str:
  """Prints ``out`` as indented JSON and, when ``output`` is set, also writes it there
  (creating its folder); returns the text. The result step of the JSON-reporting tools."""
  text = json.dumps(out, indent=2, sort_keys=sort_keys)
  if output:
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w") as f:
      f.write(text)
  print(text)
  return text


def first_line(error: BaseException) -> str:
  """The first line of an error's message (its type's name when the message is empty), for
  one-line errors that quote what a library said (TensorFlow's can run to many lines)."""
  text = str(error).strip()
  return text.splitlines()[0] if text else type(error).__name__
