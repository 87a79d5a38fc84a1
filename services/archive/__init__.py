"""The document archive: upload checks, storage, retention rules, legal holds and the purge."""
