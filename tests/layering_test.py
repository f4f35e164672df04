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
- the modules that drive training and the GAN base (models/gan.py, base.py, objective.py)
  name no model in an identifier either (a function, class, argument, attribute or
  variable), and the GAN base's text names no model's idea (InfoGAN's Q and codes, a
  conditional GAN's labels, InfoGAN-CR's pair classifier, ss-InfoGAN's labelled subset);
  networks/ and metrics/ may name an architecture or a metric's protocol after its paper;
- nothing in the package imports tools/; no tool imports another tool (shared code lives in
  the package), nor edits sys.path (the package is installed: ``pip install -e .``).
"""

import ast
import os
import re

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
# Modules whose identifiers name no model: the drivers, the serving client and the GAN base.
MODEL_FREE = ("train.py", "train_lib.py", "callbacks.py", "export.py", "served.py",
              "evaluate.py", "config.py", "benchmarks.py", "restarts.py", "serving",
              os.path.join("models", "gan.py"), os.path.join("models", "base.py"),
              os.path.join("models", "objective.py"))
# The GAN base's text (code, docstrings, comments) names none of these ideas.
GAN_BASE = tuple(os.path.join("models", f) for f in ("gan.py", "base.py", "objective.py"))
MODEL_IDEAS = r"InfoGAN|ss-InfoGAN|cGAN|[Cc]onditional GAN|\bQ\b|q_dim|Q head|mutual.information|" \
              r"\blabels?\b|num_classes|pair classifier|contrastive|labelled"


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

  def parsed(self, files):
    """(path relative to the repository, AST node) of every node of each file."""
    for path in files:
      with open(path) as f:
        tree = ast.parse(f.read(), path)
      where = os.path.relpath(path, testutil.ROOT)
      for node in ast.walk(tree):
        yield where, node

  def temp_module(self, text):
    """A Python file holding ``text`` in the test's temporary folder: (path, its name
    relative to the repository)."""
    path = os.path.join(self.get_temp_dir(), "named.py")
    with open(path, "w") as f:
      f.write(text)
    return path, os.path.relpath(path, testutil.ROOT)

  def model_names_and_probes(self, files):
    from tfgan_info.models import registry  # pylint: disable=g-import-not-at-top
    names = set(registry.names())
    out = []
    for where, node in self.parsed(files):
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
    path, where = self.temp_module(
        "def f(config, model):\n  return config.model == 'age' or hasattr(model, 'x')\n")
    self.assertCountEqual(self.model_names_and_probes([path]),
                          [f"{where}:2 names model 'age'", f"{where}:2 calls hasattr"])

  def model_identifiers(self, files):
    """"<file>:<line> names model <name> in <identifier>" for identifiers with a registered
    model's name (other than the family's "gan") as a run of their underscore-separated
    words."""
    from tfgan_info.models import registry  # pylint: disable=g-import-not-at-top
    names = [n.split("_") for n in registry.names() if n != "gan"]
    out = []
    for where, node in self.parsed(files):
      ident = {ast.Name: "id", ast.Attribute: "attr", ast.arg: "arg", ast.keyword: "arg",
               ast.FunctionDef: "name", ast.ClassDef: "name"}.get(type(node))
      value = getattr(node, ident, None) if ident else None
      if not value:
        continue
      words = value.lower().split("_")
      for name in names:
        if any(words[i:i + len(name)] == name for i in range(len(words))):
          out.append(f"{where}:{node.lineno} names model {'_'.join(name)} in {value}")
    return out

  def test_drivers_and_the_gan_base_name_no_model_in_identifiers(self):
    files = [p for part in MODEL_FREE for p in python_files(part)]
    self.assertGreater(len(files), 15)
    self.assertEqual(self.model_identifiers(files), [])
    path, where = self.temp_module(
        "def age_metrics(loaded, q_ss):\n  return loaded.infogan_cr_score\n")
    self.assertCountEqual(self.model_identifiers([path]),
                          [f"{where}:1 names model age in age_metrics",
                           f"{where}:2 names model infogan in infogan_cr_score",
                           f"{where}:2 names model infogan_cr in infogan_cr_score"])

  def test_the_gan_base_names_no_models_idea(self):
    found = []
    for part in GAN_BASE:
      path = python_files(part)[0]
      with open(path) as f:
        for i, line in enumerate(f, 1):
          match = re.search(MODEL_IDEAS, line)
          if match:
            found.append(f"{part}:{i} {match.group(0)!r}")
    self.assertEqual(found, [])

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
