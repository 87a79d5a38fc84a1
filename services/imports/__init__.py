"""Reading German CSV files and importing them into the collections."""
