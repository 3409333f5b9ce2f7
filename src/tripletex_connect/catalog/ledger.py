"""Catalog entries of the ledger: accounts, VAT types and postings (what invoicing books), the general
ledger per account, and the read-only reference data of bookkeeping (voucher types, periods, close groups)."""

from __future__ import annotations

from .build import (
    ALL_KINDS,
    COUNT,
    FIELDS,
    FROM,
    SORTING,
    action,
    batch,
    boolean,
    crud,
    date,
    date_range,
    equals_id,
    ids,
    number_range,
    text,
)
from .types import Kind, Operation, Param

K = Kind
LEDGER_TYPES = ("GENERAL", "CUSTOMER", "VENDOR", "EMPLOYEE", "ASSET")
VAT_KINDS = ("OUTGOING", "INCOMING", "INCOMING_INVOICE", "PROJECT", "LEDGER")
POSTING_TYPES = (
    "INCOMING_PAYMENT", "INCOMING_PAYMENT_OPPOSITE", "INCOMING_INVOICE_CUSTOMER_POSTING", "INVOICE_EXPENSE",
    "OUTGOING_INVOICE_CUSTOMER_POSTING", "WAGE",
)

ACCOUNTS = crud(
    key="ledger_account", resource="ledger_accounts", group="Ledger Accounts", path="/ledger/account",
    model="Account", noun="Ledger Account", plural="Ledger Account",
    kinds=ALL_KINDS,
    search_params=(
        ids("id"),
        ids("number", "List of account numbers", field="number"),
        boolean("isBankAccount", "Equals"),
        boolean("isInactive", "Equals"),
        boolean("isApplicableForSupplierInvoice", "Equals"),
        Param("ledgerType", "string", help="Ledger type", enum=LEDGER_TYPES, field="ledgerType", match="eq"),
        Param("isBalanceAccount", "boolean", help="Balance account (numbers below 3000)", field="isBalanceAccount",
              match="rule"),
        text("saftCode", "SAF-T code", match="eq"),
    ),
    summaries={K.UPDATE: "Update a ledger account, e.g. register the bank account number of 1920."},
)

VAT_TYPES = [
    action(
        key="vat_type.create_relative", resource="vat_types", name="create_relative", group="Ledger VAT Types",
        title="Create a Relative VAT Type", kind=K.CREATE, method="PUT",
        path="/ledger/vatType/createRelativeVatType", make_module=True,
        summary="Create a VAT type that is a percentage of an existing one (e.g. partial deduction).",
        params=(
            text("name", "VAT type name, max 8 characters", required=True),
            Param("vatTypeId", "integer", required=True, help="The VAT type it is relative to"),
            Param("percentage", "number", required=True, help="Share of the VAT type's rate, in percent"),
        ),
        response="VatType",
    ),
    *crud(
        key="vat_type", resource="vat_types", group="Ledger VAT Types", path="/ledger/vatType", model="VatType",
        noun="Ledger VAT Type", plural="Ledger VAT Types", kinds=(K.GET, K.SEARCH),
        search_params=(
            ids("id"),
            ids("number", "List of VAT type numbers", field="number"),
            Param("typeOfVat", "string", help="Type of VAT", enum=VAT_KINDS, field="typeOfVat", match="rule"),
            date("vatDate", "Date the VAT types must be valid on (default today)", field="vatDate", match="rule"),
            Param("shouldIncludeSpecificationTypes", "boolean", help="Include specification types",
                  field="shouldIncludeSpecificationTypes", match="rule"),
        ),
    ),
]

# What both the postings search and the general ledger filter on.
POSTING_FILTERS = (
    *date_range("date", required=True),
    Param("openPostings", "string", help="Deprecated", field="openPostings", match="rule"),
    *(equals_id(f"{name}Id") for name in ("account", "supplier", "customer", "employee", "department", "project",
                                         "product")),
)

POSTINGS = crud(
    key="posting", resource="postings", group="Ledger Postings", path="/ledger/posting", model="Posting",
    noun="Ledger Posting", plural="Ledger Postings", kinds=(K.GET, K.SEARCH),
    search_params=(
        *POSTING_FILTERS,
        number_range("accountNumberFrom", "account.number", upper=False, kind="integer"),
        number_range("accountNumberTo", "account.number", upper=True, kind="integer"),
        Param("type", "string", help="Posting type", enum=POSTING_TYPES, field="type", match="eq"),
    ),
)


def _int_range(base: str, field: str) -> tuple[Param, Param]:
    return (
        number_range(f"{base}From", field, upper=False, kind="integer"),
        number_range(f"{base}To", field, upper=True, kind="integer"),
    )


LEDGER = [
    Operation(
        key="ledger.search", group="Ledgers", title="Search Ledgers", kind=K.SEARCH, method="GET", path="/ledger",
        resource="ledgers", name="search",
        summary="The general ledger (hovedbok): per account, the opening balance, the sum of the postings in the "
                "date range and the closing balance.",
        params=(
            *POSTING_FILTERS,
            FROM, COUNT, SORTING, FIELDS,
        ),
        response="LedgerAccount", envelope="list",
    )
]

VOUCHER_TYPES = crud(
    key="voucher_type", resource="voucher_types", group="Ledger Voucher Types", path="/ledger/voucherType",
    model="VoucherType", noun="Ledger Voucher Type", plural="Ledger Voucher Types", kinds=(K.GET, K.SEARCH),
    search_params=(text("name", "Containing", match="contains"),),
)

ACCOUNTING_PERIODS = crud(
    key="accounting_period", resource="accounting_periods", group="Ledger Accounting Periods",
    path="/ledger/accountingPeriod", model="AccountingPeriod", noun="Ledger Accounting Period",
    plural="Ledger Accounting Periods", kinds=(K.GET, K.SEARCH),
    search_params=(
        ids("id"), *_int_range("number", "number"), *date_range("start"),
        *date_range("end"),
    ),
    search_count=Param("count", "integer", help="Number of elements to return", default=1400),
)

ANNUAL_ACCOUNTS = crud(
    key="annual_account", resource="annual_accounts", group="Ledger Annual Accounts", path="/ledger/annualAccount",
    model="AnnualAccount", noun="Ledger Annual Account", plural="Ledger Annual Accounts", kinds=(K.GET, K.SEARCH),
    search_params=(ids("id"), *_int_range("year", "year")),
)

CLOSE_GROUPS = crud(
    key="close_group", resource="close_groups", group="Ledger Close Groups", path="/ledger/closeGroup",
    model="CloseGroup", noun="Ledger Close Group", plural="Ledger Close Groups", kinds=(K.GET, K.SEARCH),
    search_params=(ids("id"), *date_range("date", required=True)),
    summaries={K.SEARCH: "Find close groups: postings closed against each other (an invoice and its payment)."},
)

ACCOUNT_BATCH = batch(
    key="ledger_account", resource="ledger_accounts", group="Ledger Accounts", path="/ledger/account",
    model="Account", plural="Ledger Accounts", kinds=(K.CREATE, K.UPDATE, K.DELETE),
)

OPERATIONS: list[Operation] = [
    *ACCOUNTS, *ACCOUNT_BATCH, *VAT_TYPES, *POSTINGS, *LEDGER, *VOUCHER_TYPES, *ACCOUNTING_PERIODS,
    *ANNUAL_ACCOUNTS, *CLOSE_GROUPS,
]
