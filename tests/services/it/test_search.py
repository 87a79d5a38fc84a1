"""The global search finds devices, licences and contracts, only for who may read them."""
from tests.factories_it import make_asset, make_contract, make_licence


def _hits(client, term):
    return client.get("/search", query_string={"q": term}).get_data(as_text=True)


def test_devices_by_tag_or_serial_licences_by_product_contracts_by_number(client, login, app):
    make_asset(asset_tag="IT-4242", manufacturer="Lenovo", serial_number="PF3XYZ")
    make_licence(product="Zeichenprogramm")
    make_contract(number="V-2026-077", subject="Wartung Aufzug")
    login("admin")
    assert "IT-4242" in _hits(client, "it-42")
    assert "IT-4242" in _hits(client, "PF3XYZ") and "IT-4242" not in _hits(client, "PF3")
    assert "Zeichenprogramm" in _hits(client, "zeich")
    assert "Wartung Aufzug" in _hits(client, "v-2026-07")


def test_roles_without_the_page_get_no_hits(client, login, app):
    make_asset(asset_tag="IT-4243", serial_number="QQ1")
    make_contract(number="V-2026-078", subject="Leasing Stapler")
    login("support")
    assert "IT-4243" in _hits(client, "IT-42") and "Leasing Stapler" not in _hits(client, "V-2026")
    login("finance")
    assert "IT-4243" not in _hits(client, "IT-42") and "Leasing Stapler" in _hits(client, "V-2026")
