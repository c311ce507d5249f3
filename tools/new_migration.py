"""Write a new Alembic revision for the difference between the models and the migrations.

Usage: python tools/new_migration.py REV_ID "message" [--down REV]

It builds a scratch database at the current heads, compares it with the ORM models and writes
``csdesk/models/migrations/versions/<REV_ID>_<slug>.py``. Read the result before committing.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command

from csdesk.models import database
from csdesk.models.dialect import make_engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rev_id")
    parser.add_argument("message")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scratch.db"
        engine = make_engine(path)
        config = database._alembic_config()
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            if database.known_revisions():
                command.upgrade(config, "heads")
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.revision(config, message=args.message, autogenerate=True, rev_id=args.rev_id)
        engine.dispose()


if __name__ == "__main__":
    main()
