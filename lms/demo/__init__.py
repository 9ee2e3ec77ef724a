"""Builders for the demo site that ``manage.py seed_demo`` runs in order. Each is safe to run twice."""

from dataclasses import dataclass

DEMO_PASSWORD = "lis-commons-demo"  # noqa: S105 -- printed for people to log in to the demo


@dataclass(frozen=True)
class Login:
    """A demo account the command prints at the end, so people can log in straight away."""

    email: str
    password: str
    role: str
