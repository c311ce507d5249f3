"""Files csdesk ships beside its code: fonts (with their licences) and icons.

Installed as the package ``csdesk.resources``; read them with
``importlib.resources.files("csdesk.resources")``.
"""
