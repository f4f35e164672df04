"""The package's import layers (docs/design.md, "Layout"): dependencies point downward.

Parsed from the source (no import runs), so a change that breaks a layer fails here:

- the foundations (data/, metrics/, networks/, losses.py, latents.py, console.py,
  distribute.py, timing.py) import nothing from models/ nor from the modules that drive
  training (train, train_lib, callbacks, export, evaluate, benchmarks);
- models/ imports nothing from the modules that drive training;
- serving/ (the TF Serving client) imports none of them either, except export (for the latest
  export of a run);
- the shared modules (every module outside models/) contain no model name as a string and
  no ``hasattr`` (networks/ may ask an architecture module whether it has an encoder);
- nothing in the package imports tools/; no tool imports another tool (shared code lives in
  the package), nor edits sys.path (the package is installed: ``pip install -e .``).
"""

import ast
import os

import tensorflow as tf

from tests import testutil

PACKAGE = os.path.join(testutil.ROOT, "tfgan_info")
TOOLS = os.path.join(testutil.ROOT, "tools")
DRIVERS = ("tfgan_info.train", "tfgan_info.train_lib", "tfgan_info.callbacks",
           "tfgan_info.export", "tfgan_info.served", "tfgan_info.evaluate",
           "tfgan_info.benchmarks", "tfgan_info.config")
FOUNDATIONS = ("data", "metrics", "networks", "losses.py", "latents.py", "console.py",
               "distribute.py", "timing.py", "params.py", "grids.py", "posterior.py",
               "signatures.py", "precision.py", "augment.py", "optimizers.py", "locks.py",
               "disk.py", "checkpoints.py")
# The modules every model goes through: they may loop over the registry and over what a
# model declares, but never name a model nor probe one with hasattr (docs/design.md,
# convention 13).
SHARED = ("train.py", "train_lib.py", "callbacks.py", "export.py", "served.py", "evaluate.py",
          "config.py",
          "benchmarks.py", "serving") + FOUNDATIONS


def imports(path: str):
  """[(line, absolute module names)] of a Python file's import statements
  (``from a import b`` names a and a.b)."""
  with open(path) as f:
    tree = ast.parse(f.read(), path)
  out = []
  for node in ast.walk(tree):
    if isinstance(node, ast.Import):
      out.append((node.lineno, [alias.name for alias in node.names]))
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
      out.append((node.lineno, [node.module] + [f"{node.module}.{a.name}" for a in node.names]))
  return out


def tool_files():
  return sorted(os.path.join(TOOLS, f) for f in os.listdir(TOOLS) if f.endswith(".py"))


def tool_modules():
  """The module names a tool would import another tool by: ``benchmark``, ``tools.benchmark``,
  and the ``tools`` package itself."""
  names = [os.path.basename(p)[:-3] for p in tool_files()]
  return ("tools",) + tuple(names)


def python_files(*parts):
  root = os.path.join(PACKAGE, *parts)
  if root.endswith(".py"):
    return [root]
  return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files
          if f.endswith(".py")]


class LayeringTest(tf.test.TestCase):

  def violations(self, files, forbidden):
    out = []
    for path in files:
      for line, names in imports(path):
        bad = [n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden)]
        if bad:
          out.append(f"{os.path.relpath(path, testutil.ROOT)}:{line} imports {bad[0]}")
    return out

  def test_foundations_import_no_model_and_no_driver(self):
    files = [p for part in FOUNDATIONS for p in python_files(part)]
    self.assertGreater(len(files), 20)
    self.assertEqual(self.violations(files, ("tfgan_info.models",) + DRIVERS), [])

  def test_models_import_no_driver(self):
    self.assertEqual(self.violations(python_files("models"), DRIVERS), [])

  def test_serving_imports_no_driver_but_export(self):
    files = python_files("serving")
    self.assertGreaterEqual(len(files), 5)
    drivers = tuple(d for d in DRIVERS if d != "tfgan_info.export")
    self.assertEqual(self.violations(files, drivers), [])

  def test_the_package_imports_no_tool(self):
    self.assertEqual(self.violations(python_files(), tool_modules()), [])

  def test_no_tool_imports_a_tool(self):
    files = tool_files()
    self.assertGreaterEqual(len(files), 6)
    self.assertEqual(self.violations(files, tool_modules()), [])

  def test_no_tool_edits_sys_path(self):
    bad = []
    for path in tool_files():
      with open(path) as f:
        bad += [f"{os.path.relpath(path, testutil.ROOT)}:{i}" for i, line in enumerate(f, 1)
                if "sys.path" in line]
    self.assertEqual(bad, [])

  def model_names_and_probes(self, files):
    from tfgan_info.models import registry  # pylint: disable=g-import-not-at-top
    names = set(registry.names())
    out = []
    for path in files:
      with open(path) as f:
        tree = ast.parse(f.read(), path)
      where = os.path.relpath(path, testutil.ROOT)
      for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in names:
          out.append(f"{where}:{node.lineno} names model {node.value!r}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "hasattr" and "networks" not in where.split(os.sep)):
          out.append(f"{where}:{node.lineno} calls hasattr")
    return out

  def test_shared_modules_name_no_model(self):
    files = [p for part in SHARED for p in python_files(part)]
    self.assertGreater(len(files), 40)
    self.assertEqual(self.model_names_and_probes(files), [])
    path = os.path.join(self.get_temp_dir(), "named.py")
    with open(path, "w") as f:
      f.write("def f(config, model):\n  return config.model == 'age' or hasattr(model, 'x')\n")
    where = os.path.relpath(path, testutil.ROOT)
    self.assertCountEqual(self.model_names_and_probes([path]),
                          [f"{where}:2 names model 'age'", f"{where}:2 calls hasattr"])

  def test_the_checker_sees_a_violation(self):
    path = os.path.join(self.get_temp_dir(), "bad.py")
    with open(path, "w") as f:
      f.write("from tfgan_info.models import gan\nimport tfgan_info.train_lib as t\n")
    self.assertEqual(self.violations([path], ("tfgan_info.models",) + DRIVERS),
                     [f"{os.path.relpath(path, testutil.ROOT)}:1 imports tfgan_info.models",
                      f"{os.path.relpath(path, testutil.ROOT)}:2 imports tfgan_info.train_lib"])
    with open(path, "w") as f:
      f.write("import os\n\n\ndef main():\n  import benchmark\n  from tools import render\n")
    self.assertEqual(self.violations([path], tool_modules()),
                     [f"{os.path.relpath(path, testutil.ROOT)}:5 imports benchmark",
                      f"{os.path.relpath(path, testutil.ROOT)}:6 imports tools"])


if __name__ == "__main__":
  tf.test.main()
