"""Small pure helpers every part of Vēstnesis may use: the clock, reader-facing dates,
durations from the config, structured logs with secrets masked, the health record, and the
`Gettext` protocol (`catalog`) that wording code takes.

May import: the standard library, third-party libraries, and `storage` records. Never another
`vestnesis` package, so that anything can lean on it without a cycle.
"""
