"""The package list: setup.cfg's, plus the top-level templates/ folder as xlscorecard.templates
(real files at the top of the repository, shipped inside the package)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["xlscorecard*"]), "xlscorecard.templates"],
      package_dir={"xlscorecard.templates": "templates"})
