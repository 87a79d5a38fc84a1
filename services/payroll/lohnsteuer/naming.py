"""Map PAP (Java) names to Python identifiers."""
import keyword


def python_name(name: str) -> str:
    """Return a safe Python identifier for a PAP name ('$' and keywords cannot be used as-is)."""
    safe = name.replace("$", "_S_")
    return safe + "_" if keyword.iskeyword(safe) else safe
