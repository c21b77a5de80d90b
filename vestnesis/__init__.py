"""Vēstnesis: the member-communication assistant of a library association."""
