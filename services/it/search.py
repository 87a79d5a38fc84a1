"""Search sources of IT: devices by asset tag (prefix) or serial number (exact), licences by product."""
from models.it_asset import Asset, Licence
from services.core.messages import N_
from services.core.search import Hit, name_prefixes, prefix_range, register_search_source


def find_assets(term: str, limit: int):
    """Devices whose asset tag starts with the term or whose serial number is the term."""
    seen = {}
    for query in ({"asset_tag": prefix_range(term.upper())}, {"asset_tag": prefix_range(term)},
                  {"serial_number": term.strip()}, {"serial_number": term.strip().upper()}):
        for asset in Asset.objects(__raw__=query).only("asset_tag", "manufacturer", "model",
                                                       "serial_number").limit(limit):
            seen.setdefault(asset.pk, asset)
    for asset in list(seen.values())[:limit]:
        yield Hit(N_("Gerät"), f"{asset.asset_tag} {asset.manufacturer} {asset.model or ''} "
                               f"({asset.serial_number})", f"/admin/assets/details/?id={asset.pk}")


def find_licences(term: str, limit: int):
    """Licences whose product name starts with the term."""
    seen = {}
    for prefix in name_prefixes(term):
        for lic in Licence.objects(__raw__={"product": prefix_range(prefix)}).only(
                "product").limit(limit):
            seen.setdefault(lic.pk, lic)
    for lic in list(seen.values())[:limit]:
        yield Hit(N_("Lizenz"), lic.product, f"/admin/licences/details/?id={lic.pk}")


register_search_source("it.assets", "assets", find_assets)
register_search_source("it.licences", "licences", find_licences)
