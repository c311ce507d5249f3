"""Qt item models (not ORM models): plain rows from the services, shown in views."""
