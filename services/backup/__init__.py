"""Backups that restore: a consistent snapshot, a compressed dump with manifest, verify, restore, retention."""
