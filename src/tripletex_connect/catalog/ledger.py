"""Catalog entries of the ledger: accounts, VAT types and postings (what invoicing books)."""

from __future__ import annotations

from .build import action, boolean, crud, date, equals_id, ids, number_range, text
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
    kinds=(K.CREATE, K.UPDATE, K.GET, K.SEARCH, K.DELETE),
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

POSTINGS = crud(
    key="posting", resource="postings", group="Ledger Postings", path="/ledger/posting", model="Posting",
    noun="Ledger Posting", plural="Ledger Postings", kinds=(K.GET, K.SEARCH),
    search_params=(
        date("dateFrom", "Format is yyyy-MM-dd (from and incl.)", required=True, field="date", match="from"),
        date("dateTo", "Format is yyyy-MM-dd (to and excl.)", required=True, field="date", match="to"),
        Param("openPostings", "string", help="Deprecated", field="openPostings", match="rule"),
        equals_id("accountId"),
        equals_id("supplierId"),
        equals_id("customerId"),
        equals_id("employeeId"),
        equals_id("departmentId"),
        equals_id("projectId"),
        equals_id("productId"),
        number_range("accountNumberFrom", "account.number", upper=False, kind="integer"),
        number_range("accountNumberTo", "account.number", upper=True, kind="integer"),
        Param("type", "string", help="Posting type", enum=POSTING_TYPES, field="type", match="eq"),
    ),
)

OPERATIONS: list[Operation] = [*ACCOUNTS, *VAT_TYPES, *POSTINGS]
