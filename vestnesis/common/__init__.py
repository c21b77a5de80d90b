"""Small pure helpers every part of Vēstnesis may use: the clock, reader-facing dates,
durations from the config, structured logs with secrets masked, and the health record.

May import: the standard library, third-party libraries, and `storage` records. Never another
`vestnesis` package, so that anything can lean on it without a cycle.
"""
