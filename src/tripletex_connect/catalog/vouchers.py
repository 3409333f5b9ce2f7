"""Catalog entries of the ledger's own bookkeeping: vouchers (with the `:reverse` action), payment types for
outgoing payments, and historical vouchers (created from a JSON list, then given their scanned attachment)."""

from __future__ import annotations

from .build import ALL_KINDS, action, batch, boolean, crud, date, date_range, ids, number_range, path_id, text
from .types import Kind, Operation, Param

K = Kind
SEND_TO_LEDGER = Param(
    "sendToLedger", "boolean", default=True,
    help="Send the voucher to the ledger (numbered, in the books); false keeps it as a draft",
)

VOUCHERS = [
    *crud(
        key="voucher", resource="vouchers", group="Ledger Vouchers", path="/ledger/voucher", model="Voucher",
        noun="Ledger Voucher", plural="Ledger Vouchers", kinds=ALL_KINDS,
        search_params=(
            ids("id"),
            ids("number", "List of voucher numbers", field="number"),
            number_range("numberFrom", "number", upper=False, kind="integer"),
            number_range("numberTo", "number", upper=True, kind="integer"),
            ids("typeId", "List of voucher type IDs", field="voucherType.id"),
            *date_range("date", required=True),
        ),
        extra_params={K.CREATE: (SEND_TO_LEDGER,), K.UPDATE: (SEND_TO_LEDGER,)},
        summaries={
            K.CREATE: "Create a voucher with its postings, entered gross: the VAT of a posting with a VAT type is "
                      "split out to the VAT account; the postings must sum to zero.",
            K.UPDATE: "Update a voucher; postings in the body replace the voucher's postings (VAT split again).",
            K.DELETE: "Delete a voucher and its postings (not a voucher of an invoice, nor in a closed period).",
        },
    ),
    action(
        key="voucher.reverse", resource="vouchers", name="reverse", group="Ledger Vouchers",
        title="Reverse a Ledger Voucher", method="PUT", path="/ledger/voucher/{id}/:reverse",
        summary="Reverse a voucher: a new voucher with every posting negated; returns the reversing voucher.",
        params=(path_id("id", "ID of voucher that should be reversed"), date("date", "Reverse voucher date",
                                                                              required=True)),
        response="Voucher",
    ),
]

PAYMENT_TYPES_OUT = crud(
    key="payment_type_out", resource="payment_types_out", group="Ledger Payment Types Out",
    path="/ledger/paymentTypeOut", model="PaymentTypeOut", noun="Ledger Payment Type Out",
    plural="Ledger Payment Types Out", kinds=ALL_KINDS, beta=ALL_KINDS,
    search_params=(ids("id"), text("description", "Containing", match="contains"), boolean("isInactive", "Equals")),
    summaries={K.SEARCH: "Find payment types for outgoing payments (supplier invoices, VAT returns, salaries)."},
)

HISTORICAL_VOUCHERS = [
    action(
        key="historical_voucher.create", resource="historical_vouchers", name="create", group="Historical Vouchers",
        title="Create Historical Vouchers", kind=K.CREATE, method="POST", path="/ledger/voucher/historical/historical",
        summary="Import vouchers kept outside Tripletex (max 500 per request), postings as given: no VAT split.",
        params=(
            text("comment", "Import comment: the name and version of the source system"),
            Param("useCustomNumberSeries", "boolean", help="Use a custom number series instead of the default one"),
        ),
        body="HistoricalVoucher", response="HistoricalVoucher", envelope="list", batch=True,
    ),
    action(
        key="historical_voucher.upload", resource="historical_vouchers", name="upload", group="Historical Vouchers",
        title="Upload a Historical Voucher", kind=K.UPLOAD, method="POST",
        path="/ledger/voucher/historical/{voucherId}/attachment", make_module=True,
        summary="Attach a scanned document (PDF, PNG, JPEG or TIFF) to a historical voucher; a second upload is "
                "appended as new pages.",
        params=(path_id("voucherId", "Voucher ID to upload attachment to"),),
        response="HistoricalVoucher",
    ),
]

BATCHES = [
    *batch(key="voucher", resource="vouchers", group="Ledger Vouchers", path="/ledger/voucher", model="Voucher",
           plural="Ledger Vouchers", kinds=(K.UPDATE,), params={K.UPDATE: (SEND_TO_LEDGER,)}),
    *batch(key="payment_type_out", resource="payment_types_out", group="Ledger Payment Types Out",
           path="/ledger/paymentTypeOut", model="PaymentTypeOut", plural="Payment Types Out",
           kinds=(K.CREATE, K.UPDATE), beta=True),
]

OPERATIONS: list[Operation] = [*VOUCHERS, *PAYMENT_TYPES_OUT, *HISTORICAL_VOUCHERS, *BATCHES]
