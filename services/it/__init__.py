"""IT hardware inventory, handovers to employees and software licences with their seats."""
