"""Vēstnesis: the member-communication assistant of a library association."""

from vestnesis.common import quiet_imports

quiet_imports.install()
