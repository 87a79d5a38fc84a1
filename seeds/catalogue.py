"""The demo company's product catalogue: families of real articles with fitting units and prices.

Each family: (name pattern, variants, unit code, purchase price range in € per unit,
supplier category). A family's variants fill the pattern; the price grows with the
variant's position, so an M12 screw costs more than an M6 one. 200 articles in all.
"""
from decimal import Decimal

FAMILIES = (
    ("Sechskantschraube DIN 933 M{} (100 Stk.)",
     [f"{d}x{l}" for d in (6, 8, 10, 12) for l in (20, 30, 40, 50, 60)], "XPK", (4, 24), "Rohstoffe"),
    ("Sechskantmutter DIN 934 M{} (100 Stk.)", ["6", "8", "10", "12", "16"], "XPK", (2, 11), "Rohstoffe"),
    ("Unterlegscheibe DIN 125 {} mm (100 Stk.)", ["6,4", "8,4", "10,5", "13", "17"], "XPK", (1.5, 6), "Rohstoffe"),
    ("Spanplattenschraube {} (200 Stk.)", ["4x30", "4x40", "5x50", "5x60", "6x80", "6x100"], "XPK", (5, 16), "Rohstoffe"),
    ("Dübel {} mm (100 Stk.)", ["6", "8", "10", "12"], "XPK", (3, 9), "Rohstoffe"),
    ("Kabelbinder {} mm schwarz (100 Stk.)", ["100", "140", "200", "300", "370"], "XPK", (1.8, 7.5), "Rohstoffe"),
    ("Kabelschuh {} mm² (100 Stk.)", ["1,5", "2,5", "4", "6", "10"], "XPK", (6, 19), "Rohstoffe"),
    ("Mantelleitung NYM-J {} mm²", ["3x1,5", "5x1,5", "3x2,5", "5x2,5"], "MTR", (0.8, 2.9), "Rohstoffe"),
    ("Präzisionsstahlrohr {} mm", ["10x1", "12x1,5", "16x2", "20x2", "25x2,5", "30x3"], "MTR", (4, 14), "Rohstoffe"),
    ("PP-Granulat {}", ["natur", "schwarz"], "KGM", (1.6, 2.4), "Rohstoffe"),
    ("Kugellager {} 2RS", [str(n) for n in range(6200, 6211)], "H87", (3.2, 24), "Rohstoffe"),
    ("Dichtungsring NBR {} mm", [str(n) for n in range(20, 65, 5)], "H87", (0.3, 1.9), "Rohstoffe"),
    ("Zahnriemen HTD {}-5M-15", [str(n) for n in range(300, 800, 50)], "H87", (9, 26), "Rohstoffe"),
    ("Schweißdraht G3Si1 {} mm (15 kg)", ["0,8", "1,0", "1,2"], "H87", (42, 58), "Rohstoffe"),
    ("Schleifscheibe {}", [f"{d} mm K{k}" for d in (115, 125, 180, 230) for k in (40, 60, 80)], "H87", (0.9, 4.2), "Rohstoffe"),
    ("Hydrauliköl HLP {} (20-l-Kanister)", ["46", "68"], "H87", (62, 84), "Rohstoffe"),
    ("Schmierfett {}", ["Kartusche 400 g", "Dose 1 kg"], "H87", (4.5, 11), "Rohstoffe"),
    ("NH-Sicherung Gr. 00 {} A", ["16", "25", "35", "50", "63", "80", "100", "125"], "H87", (2.1, 4.8), "Rohstoffe"),
    ("Isolierband 19 mm x 20 m {}", ["schwarz", "rot", "blau", "gelb-grün", "weiß"], "XRO", (0.6, 0.9), "Rohstoffe"),
    ("Kontaktspray {}", ["400 ml"], "H87", (6.9, 6.9), "Rohstoffe"),
    ("Treibgasflasche Stapler {}", ["11 kg"], "H87", (24, 24), "Rohstoffe"),
    ("Druckerpapier {} 80 g/m² (Karton 2.500 Blatt)", ["A4", "A3"], "XBX", (19, 38), "Büromaterial"),
    ("Recyclingpapier {} 80 g/m² (Karton 2.500 Blatt)", ["A4"], "XBX", (21, 21), "Büromaterial"),
    ("Toner {}", ["TN-2420 schwarz", "TN-423 cyan", "TN-423 magenta", "TN-423 gelb",
                  "CF259A schwarz", "W2030A schwarz", "106R03942 schwarz", "TK-5240 schwarz"], "H87", (38, 118), "Büromaterial"),
    ("Ordner A4 {}", [f"{w} cm {c}" for w in (5, 8) for c in ("blau", "rot", "grau", "schwarz")], "H87", (1.4, 2.3), "Büromaterial"),
    ("Heftklammern {} (1.000 Stk.)", ["24/6"], "XPK", (0.9, 0.9), "Büromaterial"),
    ("Fineliner-Set {}", ["10 Farben"], "XPK", (7.5, 7.5), "Büromaterial"),
    ("Batterie {} (10 Stk.)", ["AA", "AAA", "9V-Block", "CR2032"], "XPK", (3.5, 14), "Büromaterial"),
    ("Etiketten {} mm (Rolle 1.000 Stk.)", ["100x50", "100x150", "57x32", "38x25"], "XRO", (6, 19), "Verpackung"),
    ("Klebeband {}", [f"{w} mm x 66 m {c}" for w in (38, 50, 75) for c in ("braun", "transparent", "bedruckt 'Vorsicht Glas'")], "XRO", (1.3, 4.6), "Verpackung"),
    ("Faltkarton {} mm", ["200x150x100", "300x200x150", "400x300x200", "500x300x300",
                           "600x400x300", "600x400x400", "800x600x400", "1200x800x600"], "H87", (0.45, 3.8), "Verpackung"),
    ("Europalette EPAL {}", ["neu"], "H87", (14.5, 14.5), "Verpackung"),
    ("Stretchfolie {} µm 500 mm (Rolle)", ["17", "20", "23"], "XRO", (11, 17), "Verpackung"),
    ("Netzwerkkabel Cat6 S/FTP {} m", ["0,5", "1", "2", "3", "5", "10"], "H87", (1.6, 8.9), "IT"),
    ("USB-C-Netzteil {} W", ["20", "45", "65"], "H87", (14, 39), "IT"),
    ("Schutzhandschuhe Nitril Gr. {} (100 Stk.)", ["7", "8", "9", "10", "11"], "XPK", (6.8, 9.9), "Dienstleistung"),
    ("Warnweste EN ISO 20471 Gr. {}", ["M", "L", "XL", "XXL"], "H87", (2.9, 3.9), "Dienstleistung"),
    ("Schutzbrille EN 166 {}", ["klar", "getönt"], "H87", (4.2, 5.6), "Dienstleistung"),
    ("Gehörschutzstöpsel {} (200 Paar)", ["SNR 37 dB"], "XPK", (24, 24), "Dienstleistung"),
    ("Reinigungstücher {}", ["Spenderbox 200 Stk.", "Rolle 500 Stk."], "XPK", (9, 17), "Dienstleistung"),
    ("Papierhandtücher {} (Karton 3.200 Stk.)", ["2-lagig"], "XBX", (29, 29), "Dienstleistung"),
)
CENT = Decimal("0.01")


def articles():
    """Yield (name, unit, purchase price, supplier category) for every article, in order."""
    for pattern, variants, unit, (low, high), category in FAMILIES:
        for i, variant in enumerate(variants):
            share = i / (len(variants) - 1) if len(variants) > 1 else 0
            price = Decimal(str(low)) + (Decimal(str(high)) - Decimal(str(low))) * Decimal(str(share))
            yield pattern.format(variant), unit, price.quantize(CENT), category


def sales_price(cost: Decimal) -> Decimal:
    """The list price: 60 % mark-up on the purchase price, rounded to 10 cents."""
    return (cost * Decimal("1.6")).quantize(Decimal("0.1")).quantize(CENT)
