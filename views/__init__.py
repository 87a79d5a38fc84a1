"""Blueprints for what is not CRUD: login, downloads, health check, CLI groups."""
