"""ARCHITECTURE.md cannot rot: every `module:function` it names imports, every `tuijin.module` it
names exists, and its list of layers is the contract tests/core/test_layers.py runs."""

import importlib
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "ARCHITECTURE.md").read_text()
REFERENCE = re.compile(r"`(tuijin(?:\.\w+)+):(\w+(?:\.\w+)*)`")
MODULE = re.compile(r"`(tuijin(?:\.\w+)+)`")


def _resolve(module: str, name: str):
    target = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


@pytest.mark.parametrize(("module", "name"), sorted(set(REFERENCE.findall(DOC))))
def test_every_named_function_exists(module, name):
    assert callable(_resolve(module, name)), f"{module}:{name} is not a function"


@pytest.mark.parametrize("module", sorted(set(MODULE.findall(DOC))))
def test_every_named_module_exists(module):
    importlib.import_module(module)


def test_the_doc_names_enough_to_be_worth_checking():
    assert len(set(REFERENCE.findall(DOC))) > 50


def test_the_layers_in_the_doc_are_the_contracts_layers():
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    block = DOC.split("## Layers", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    documented = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert documented == contract["layers"]
