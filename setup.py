"""Package layout that pyproject.toml cannot express on its own.

The top-level ``resources/`` folder (fonts, icons and their licences) is installed as the
package ``csdesk.resources`` so that a plain ``pip install`` ships it beside the code.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["csdesk", "csdesk.*"])
    + ["csdesk.resources", "csdesk.resources.fonts", "csdesk.resources.icons"],
    package_dir={"csdesk.resources": "resources"},
)
