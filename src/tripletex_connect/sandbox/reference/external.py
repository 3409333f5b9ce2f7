"""A realistic set of wholesale (external) products, as Tripletex offers from the electrical wholesalers."""

from __future__ import annotations

from itertools import cycle
from typing import Any

# The wholesalers the catalogue comes from (names as the API's enum; organisation numbers are made up, mod-11 valid).
WHOLESALERS = (("AHLSELL", "910000012"), ("ONNINEN", "920000029"), ("SOLAR", "930000035"),
               ("ELEKTROSKANDIA", "940000041"))

# name, el number, NRF number, price excluding VAT
ITEMS = (
    ("Stikkontakt 2-veis jordet hvit", "1401234", "4810012", 89.0),
    ("Bryter 1-pol hvit", "1401240", "4810020", 74.5),
    ("Downlight LED 8W 3000K", "2802211", "4820031", 249.0),
    ("Installasjonskabel PFXP 3G2,5 100m", "1012345", "1000125", 1890.0),
    ("Kabel PR 3G1,5 50m", "1012346", "1000132", 745.0),
    ("Koblingsboks IP55", "1405511", "4830044", 59.9),
    ("Jordfeilbryter 2P 40A 30mA", "1602345", "5201100", 1125.0),
    ("Automatsikring C16 1P", "1602001", "5201011", 145.0),
    ("Sikringsskap 24 moduler", "1611224", "5210024", 1390.0),
    ("Varmekabel 10W/m 100m", "5701100", "6100100", 3590.0),
    ("Termostat gulvvarme hvit", "5701200", "6100200", 899.0),
    ("Lysrør LED T8 120cm", "2803120", "4820120", 129.0),
    ("Skjøteledning 5m 3-veis", "1412005", "4840005", 219.0),
    ("Røykvarsler optisk", "5412001", "6200001", 199.0),
    ("Komfyrvakt standard", "5413002", "6200102", 1690.0),
    ("Utelampe vegg sort IP44", "2804401", "4820441", 549.0),
    ("Trekkerør 20mm 50m", "1023020", "1001020", 329.0),
    ("Dimmer LED 400W", "1401450", "4810450", 689.0),
    ("Kabelklammer 10-pk", "1024010", "1001110", 29.9),
    ("Elbillader 22kW Type 2", "5501022", "6300022", 11990.0),
)


def external_products(vat_high: int, unit_piece: int) -> list[dict[str, Any]]:
    """The wholesale catalogue with 25 % VAT (`vat_high` is the id of VAT type 3)."""
    return [
        {"id": i, "name": name, "displayName": name, "elNumber": el, "nrfNumber": nrf,
         "priceExcludingVatCurrency": price, "priceIncludingVatCurrency": round(price * 1.25, 2),
         "isInactive": False, "isStockItem": False, "vatType": {"id": vat_high}, "productUnit": {"id": unit_piece},
         "currency": {"id": 1}}
        for i, (name, el, nrf, price) in enumerate(ITEMS, start=1)
    ]


def offered_by(wholesaler: str | None = None, organization_number: str | None = None) -> list[int]:
    """Ids of the external products a wholesaler offers, by its name or organisation number."""
    return [
        i for i, (name, org) in zip(range(1, len(ITEMS) + 1), cycle(WHOLESALERS), strict=False)
        if wholesaler in (None, name) and organization_number in (None, org)
    ]
