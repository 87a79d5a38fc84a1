"""Data protection (DSGVO): where each collection holds personal data, and subject access (Art. 15/20)."""
