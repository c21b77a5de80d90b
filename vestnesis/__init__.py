"""Vēstnesis: the member-communication assistant of a library association."""

import structlog

from vestnesis.common.logs import route_to_stdlib

# Events go to the standard `logging` module from the first import on (structlog would print
# them to stdout otherwise), so a library, a test or a bench that never calls
# `setup_logging` still has them where `logging` sends everything else.
if not structlog.is_configured():
    route_to_stdlib()
