"""The books page of `ttx sandbox serve`, read in headless Chromium: each company's customers, products,
orders, invoices with their PDFs, vouchers with postings, hours and a trial balance that balances."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tripletex_connect import Tripletex
from tripletex_connect.sandbox import Backend, SandboxCompany, Store
from tripletex_connect.sandbox.app import create_app
from tripletex_connect.sandbox.reference import BANK_ACCOUNT


def books_url(company: SandboxCompany, section: str = "") -> str:
    return company.base_url.removesuffix("/v2") + f"/books/{company.company_id}/{section}"


@pytest.fixture
def books(tripletex_sandbox: SandboxCompany) -> dict[str, Any]:
    """A company that has sold (product, order, invoice), booked a voucher and logged hours."""
    tx: Tripletex = tripletex_sandbox.client
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})
    customer = tx.customers.create({"name": "Fjord & Fjell <AS>", "email": "post@fjord.no"})
    product = tx.products.create({"name": "Konsulenttime", "number": "1001", "priceExcludingVatCurrency": 1250})
    order = tx.orders.create({"customer": {"id": customer.id}, "orderDate": "2026-11-20", "deliveryDate": "2026-11-20",
                              "orderLines": [{"product": {"id": product.id}, "count": 8}]})
    invoice = tx.orders.invoice(order.id, invoice_date="2026-11-20")
    tx.vouchers.create({"date": "2026-11-21", "description": "Kontorrekvisita", "postings": [
        {"account": {"number": 6800}, "amountGross": 500, "row": 1},
        {"account": {"number": 1920}, "amountGross": -500, "row": 2}]})
    me = tx.whoami().employee
    project = tx.projects.create({"name": "Nytt lager", "projectManager": {"id": me.id}, "startDate": "2026-11-01",
                                  "projectActivities": [{"activity": {"id": 2}}]})
    tx.timesheet_entries.create({"employee": {"id": me.id}, "project": {"id": project.id}, "activity": {"id": 2},
                                 "date": "2026-11-20", "hours": 7.5, "comment": "Befaring"})
    return {"invoice": invoice, "customer": customer}


def cells(driver: Any, table: str) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")
    return [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def test_the_books_of_a_company_read_in_a_browser(
    chromium: Any, tripletex_sandbox: SandboxCompany, books: dict[str, Any], tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By

    chromium.get(tripletex_sandbox.base_url.removesuffix("/v2") + "/books/")
    assert chromium.find_element(By.TAG_NAME, "h1").text == "Companies"
    chromium.find_element(By.CSS_SELECTOR, f"a[href='/books/{tripletex_sandbox.company_id}/customers']").click()
    assert chromium.find_element(By.TAG_NAME, "h1").text == "Customers"
    assert cells(chromium, "customers")[0][1:3] == ["Fjord & Fjell <AS>", "post@fjord.no"]  # escaped, shown as typed

    chromium.find_element(By.LINK_TEXT, "Products").click()
    assert cells(chromium, "products")[0][:4] == ["1001", "Konsulenttime", "1 250,00", "1 562,50"]

    chromium.find_element(By.LINK_TEXT, "Orders").click()
    [order] = cells(chromium, "orders")
    assert order[2] == "Fjord & Fjell <AS>" and "8" in order[3] and order[4] == "10 000,00"

    chromium.find_element(By.LINK_TEXT, "Invoices").click()
    [invoice] = cells(chromium, "invoices")
    assert invoice[3:6] == ["Fjord & Fjell <AS>", "12 500,00", "12 500,00"]
    pdf = httpx.get(chromium.find_element(By.CSS_SELECTOR, "#invoices a.pdf").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    chromium.find_element(By.LINK_TEXT, "Vouchers").click()
    vouchers = chromium.find_elements(By.CSS_SELECTOR, "section.voucher")
    office = next(v for v in vouchers if "Kontorrekvisita" in v.text)
    assert "6800" in office.text and "-500,00" in office.text
    assert len(vouchers) == 2  # the invoice's voucher too
    chromium.save_screenshot(str(tmp_path / "vouchers.png"))

    chromium.find_element(By.LINK_TEXT, "Hours").click()
    [entry] = cells(chromium, "hours")
    assert (entry[2], entry[4], entry[5]) == ("Nytt lager", "7,50", "Befaring")

    chromium.find_element(By.LINK_TEXT, "Trial balance").click()
    accounts = {row[0]: row[4] for row in cells(chromium, "trial-balance")}
    assert accounts["1500"] == "12 500,00" and accounts["3000"] == "-10 000,00" and accounts["2700"] == "-2 500,00"
    assert chromium.find_element(By.ID, "total-balance").text == "0,00"
    chromium.save_screenshot(str(tmp_path / "trial-balance.png"))


def test_the_pdf_of_a_missing_invoice_and_an_unknown_company_are_404(tripletex_sandbox: SandboxCompany) -> None:
    assert httpx.get(books_url(tripletex_sandbox, "invoices/999999.pdf")).status_code == 404
    assert httpx.get(books_url(tripletex_sandbox, "nothing")).status_code == 404
    unknown = tripletex_sandbox.base_url.removesuffix("/v2") + "/books/1/customers"
    assert httpx.get(unknown).status_code == 404


def test_the_books_page_is_read_only(tripletex_sandbox: SandboxCompany) -> None:
    assert httpx.post(books_url(tripletex_sandbox, "customers")).status_code in (404, 405)


def test_the_books_page_is_refused_to_other_machines() -> None:
    backend = Backend(Store())
    backend.new_company()
    with TestClient(create_app(backend), client=("192.0.2.10", 50000)) as http:
        assert http.get("/books/").status_code == 403
    with TestClient(create_app(backend)) as http:  # an in-process caller
        assert http.get("/books/").status_code == 200


def test_serve_prints_where_the_books_page_is(tripletex_sandbox_server: Any) -> None:
    from tripletex_connect.cli.sandbox_cmd import banner

    lines = banner(tripletex_sandbox_server)
    assert f"  books page:     {tripletex_sandbox_server.base_url.removesuffix('/v2')}/books/" in lines
