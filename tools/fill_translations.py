"""Fill a catalog's empty translations from a tab-separated glossary (msgid<TAB>msgstr).

Used by `make translations`; keeps the English texts in one reviewable file.
"""
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path: str, tsv_path: str) -> None:
    with open(tsv_path, encoding="utf-8") as fh:
        glossary = dict(line.rstrip("\n").split("\t", 1) for line in fh if "\t" in line)
    with open(po_path, "rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if message.id and message.id in glossary:
            message.string = glossary[message.id]
            message.flags.discard("fuzzy")
    with open(po_path, "wb") as fh:
        write_po(fh, catalog, omit_header=False, sort_output=True, no_location=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
