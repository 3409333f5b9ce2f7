"""The demo data of `--seed demo`: customers, categories, products, projects, orders, hours, vouchers and a
registered bank account."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .accounts import account_id
from .vat import vat_ids

# The demo data is written as of this day; a company seeded on another day gets every date moved by the
# difference, so its hours, orders and vouchers are always recent and never fall in a closed year.
WRITTEN_FOR = dt.date(2026, 11, 25)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

BANK_ACCOUNT = "15030100007"  # passes the mod-11 check

# name, organisation number, email, street, postal code, city, category id
CUSTOMERS = (
    ("Nordlys Eiendom AS", "918273645", "post@nordlys-eiendom.no", "Karl Johans gate 12", "0154", "Oslo", 1),
    ("Bergen Bryggeri AS", "927364518", "faktura@bergenbryggeri.no", "Bryggen 4", "5003", "Bergen", 2),
    ("Trondheim Tannklinikk AS", "936451827", "post@tktannklinikk.no", "Munkegata 20", "7011", "Trondheim", 3),
    ("Stavanger Marine Service AS", "945182736", "service@stavmarine.no", "Strandkaien 30", "4005", "Stavanger", 2),
    ("Tromsø Turistsenter AS", "954627381", "booking@tromsoturist.no", "Storgata 88", "9008", "Tromsø", 1),
    ("Kristiansand Kafé og Bakeri AS", "963718254", "hei@krsbakeri.no", "Markens gate 5", "4611", "Kristiansand", 3),
    ("Drammen Bygg og Anlegg AS", "972815463", "post@drammenbygg.no", "Bragernes torg 2", "3017", "Drammen", 1),
    ("Ola Hansen", "", "ola.hansen@example.no", "Fjellveien 3", "1470", "Lørenskog", 3),
)
CATEGORIES = (("Nøkkelkunder", "1"), ("Bedriftskunder", "2"), ("Privatkunder", "3"))
# number, name, price excluding VAT, VAT type number, unit id
PRODUCTS = (
    ("1001", "Konsulenttime", 1250.0, "3", 2),
    ("1002", "Prosjektledelse, time", 1450.0, "3", 2),
    ("1003", "Reisetid, time", 650.0, "3", 2),
    ("2001", "Serveroppsett", 8900.0, "3", 1),
    ("2002", "Programvarelisens, måned", 490.0, "3", 1),
    ("3001", "Kaffe, 1 kg", 189.0, "31", 3),
    ("3002", "Lunsjbuffet per person", 245.0, "31", 1),
    ("4001", "Persontransport, tur", 420.0, "33", 1),
    ("5001", "Kurs: Regnskap for ledere", 3900.0, "6", 8),
    ("5002", "Lærebok regnskap", 599.0, "5", 1),
)
VAT_RATE = {"3": 25.0, "31": 15.0, "33": 12.0, "5": 0.0, "6": 0.0}
# customer id, order date, project id or None, lines of (product id, count, discount %)
ORDERS = (
    (1, "2026-10-05", 1, ((1, 37.5, 0.0), (2, 6.0, 0.0))),
    (2, "2026-10-20", 2, ((6, 40.0, 10.0), (7, 120.0, 0.0))),
    (3, "2026-11-02", 3, ((4, 1.0, 0.0), (5, 12.0, 5.0))),
    (7, "2026-11-18", None, ((9, 4.0, 0.0), (10, 4.0, 0.0))),
)
# project id, activity id (2 project work, 6 meetings), date, hours, comment
HOURS = (
    (1, 2, "2026-11-16", 7.5, "Skisser og romprogram"), (1, 6, "2026-11-17", 1.5, "Byggemøte"),
    (1, 2, "2026-11-17", 6.0, "Tegninger"), (2, 2, "2026-11-18", 7.5, "Leverandøravtaler"),
    (3, 2, "2026-11-19", 7.5, "Datamodell"), (3, 6, "2026-11-20", 2.0, "Statusmøte med klinikken"),
)
# date, description, voucher type, postings as (account number, amount): each voucher balances
VOUCHERS = (
    ("2026-01-02", "Innskutt aksjekapital", "Manuelt bilag", ((1920, 100000.0), (2000, -100000.0))),
    ("2026-11-01", "Husleie november", "Utbetaling", ((6300, 18000.0), (1920, -18000.0))),
    ("2026-11-10", "Kontorrekvisita", "Utbetaling", ((6800, 1600.0), (2710, 400.0), (1920, -2000.0))),
)


def _customers() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    addresses, customers = [], []
    for i, (name, org, email, street, code, city, category) in enumerate(CUSTOMERS, start=1):
        addresses.append({"id": i, "addressLine1": street, "postalCode": code, "city": city, "country": {"id": 1}})
        customer: dict[str, Any] = {
            "id": i, "name": name, "customerNumber": 10000 + i, "email": email, "invoiceEmail": email,
            "isCustomer": True, "isInactive": False, "isPrivateIndividual": not org, "language": "NO",
            "invoicesDueIn": 14, "invoicesDueInType": "DAYS", "invoiceSendMethod": "EMAIL",
            "postalAddress": {"id": i}, "category1": {"id": category}, "currency": {"id": 1},
        }
        if org:
            customer["organizationNumber"] = org
        customers.append(customer)
    return addresses, customers


def _products() -> list[dict[str, Any]]:
    ids = vat_ids()
    return [
        {"id": i, "number": number, "name": name, "priceExcludingVatCurrency": price,
         "priceIncludingVatCurrency": round(price * (1 + VAT_RATE[vat] / 100), 2), "costExcludingVatCurrency": 0.0,
         "vatType": {"id": ids[vat]}, "productUnit": {"id": unit}, "currency": {"id": 1}, "isInactive": False,
         "isStockItem": False, "account": {"id": account_id(3000 if vat == "3" else 3100)}}
        for i, (number, name, price, vat, unit) in enumerate(PRODUCTS, start=1)
    ]


def _orders() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Open orders and their lines; the sandbox prices the lines from their products as it seeds them."""
    orders, lines = [], []
    for i, (customer, date, project, order_lines) in enumerate(ORDERS, start=1):
        order: dict[str, Any] = {"id": i, "number": str(i), "customer": {"id": customer}, "orderDate": date,
                                 "deliveryDate": date, "currency": {"id": 1}, "isClosed": False}
        if project:
            order["project"] = {"id": project}
        orders.append(order)
        lines += [{"order": {"id": i}, "product": {"id": product}, "count": count, "discount": discount}
                  for product, count, discount in order_lines]
    return orders, lines


def _hours() -> list[dict[str, Any]]:
    return [
        {"employee": {"id": 1}, "project": {"id": project}, "activity": {"id": activity}, "date": date,
         "hours": hours, "chargeableHours": hours, "chargeable": True, "comment": comment, "locked": False}
        for project, activity, date, hours, comment in HOURS
    ]


def shift_dates(data: Any, today: str) -> Any:
    """The demo data moved in time so that it ends where it ended on WRITTEN_FOR, counted from `today`."""
    days = (dt.date.fromisoformat(today) - WRITTEN_FOR).days
    if isinstance(data, str) and _DATE.match(data):
        return (dt.date.fromisoformat(data) + dt.timedelta(days=days)).isoformat()
    if isinstance(data, dict):
        return {key: shift_dates(value, today) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(shift_dates(item, today) for item in data)
    return data


def demo_vouchers(today: str) -> list[tuple[str, str, str, list[dict[str, Any]]]]:
    """Balanced vouchers of the demo as (date, description, voucher type, postings), dated relative to today."""
    return [
        (shift_dates(date, today), text, kind, [{"account": {"id": account_id(number)}, "amountGross": amount}
                                                for number, amount in postings])
        for date, text, kind, postings in VOUCHERS
    ]


def demo_seed(today: str) -> dict[str, list[dict[str, Any]]]:
    """Realistic demo data in the API's shape, dated relative to today; reference objects (1920) are updated."""
    return shift_dates(_seed_as_written(), today)  # type: ignore[no-any-return]


def _seed_as_written() -> dict[str, list[dict[str, Any]]]:
    addresses, customers = _customers()
    orders, lines = _orders()
    return {
        "Address": addresses,
        "CustomerCategory": [
            {"id": i, "name": name, "number": number, "type": 1, "description": f"Kategori {number}"}
            for i, (name, number) in enumerate(CATEGORIES, start=1)
        ],
        "Customer": customers,
        "Product": _products(),
        "Project": [
            {"id": 1, "name": "Nytt kontorbygg Bjørvika", "number": "1", "customer": {"id": 1},
             "startDate": "2026-01-15", "isClosed": False, "isFixedPrice": False, "projectManager": {"id": 1}},
            {"id": 2, "name": "Ølfestival 2026", "number": "2", "customer": {"id": 2},
             "startDate": "2026-05-01", "endDate": "2026-12-31", "isClosed": False, "isFixedPrice": True,
             "projectManager": {"id": 1}},
            {"id": 3, "name": "Journalsystem", "number": "3", "customer": {"id": 3}, "startDate": "2026-03-01",
             "isClosed": False, "isFixedPrice": False, "projectManager": {"id": 1}},
        ],
        "Account": [{"id": account_id(1920), "bankAccountNumber": BANK_ACCOUNT, "bankName": "DNB"}],
        # The activities the demo hours use, linked to their projects (hours need the link).
        "ProjectActivity": [{"project": {"id": project}, "activity": {"id": activity}}
                            for project, activity in sorted({(p, a) for p, a, *_ in HOURS})],
        "Order": orders,
        "OrderLine": lines,
        "TimesheetEntry": _hours(),
    }
