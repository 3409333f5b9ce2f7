"""Catalog entries of orders and invoicing: orders, order groups and lines, invoices, invoice details
and invoice payment types."""

from __future__ import annotations

from .build import FIELDS, action, batch, boolean, choice, crud, date, date_range, ids, integer, path_id, text
from .types import Kind, Operation, Param

K = Kind
SEND_TYPES = ("EMAIL", "EHF", "AVTALEGIRO", "EFAKTURA", "VIPPS", "PAPER", "MANUAL")
CREDIT_NOTE_SEND_TYPES = (
    "EMAIL", "EHF", "EFAKTURA", "AVTALEGIRO", "VIPPS", "PAPER", "MANUAL", "DIRECT",
    "AUTOINVOICE_EHF_OUTBOUND", "AUTOINVOICE_EHF_INCOMING", "PEPPOL_EHF_INCOMING",
)


def _number(name: str, help: str = "", *, required: bool = False, default: float | None = None) -> Param:
    return Param(name, "number", help=help, required=required, default=default)


ORDERS = crud(
    key="order", resource="orders", group="Orders", path="/order", model="Order", noun="Order", plural="Orders",
    kinds=(K.CREATE, K.UPDATE, K.GET, K.SEARCH),
    search_params=(
        ids("id"),
        text("number", "Equals", match="eq"),
        ids("customerId"),
        *date_range("orderDate", required=True),
        text("deliveryComment", "Containing", match="contains"),
        boolean("isClosed", "Equals"),
        boolean("isSubscription", "Equals"),
    ),
    extra_params={
        K.UPDATE: (
            Param("updateLinesAndGroups", "boolean", default=False,
                  help="Also update the order lines and groups in the body (replacing the existing ones)"),
        )
    },
    summaries={K.CREATE: "Create an order; its order lines may be included inline."},
)

ORDER_ACTIONS = [
    action(
        key="order.invoice", resource="orders", name="invoice", group="Orders", title="Invoice an Order",
        method="PUT", path="/order/{id}/:invoice",
        summary="Create an invoice from an order, optionally registering a payment at once.",
        params=(
            path_id("id", "ID of the order to invoice"),
            date("invoiceDate", "The invoice date", required=True),
            Param("sendToCustomer", "boolean", default=True, help="Send the invoice to the customer"),
            choice("sendType", SEND_TYPES, "How to send the invoice"),
            integer("paymentTypeId", "Payment type of a payment registered at once"),
            _number("paidAmount", "Amount paid at once, in the payment type's currency"),
            _number("paidAmountAccountCurrency", "Amount paid in the account's currency"),
            integer("paymentTypeIdRestAmount", "Payment type of the rest amount"),
            _number("paidAmountAccountCurrencyRest", "Rest amount paid in the account's currency"),
            choice("createOnAccount", ("NONE", "WITH_VAT", "WITHOUT_VAT"), "Create an on-account invoice"),
            _number("amountOnAccount", "Amount on account", default=0),
            text("onAccountComment", "Comment on the on-account invoice"),
            Param("createBackorder", "boolean", default=False, help="Create a backorder of undelivered lines"),
            Param("invoiceIdIfIsCreditNote", "integer", default=0, help="Invoice to credit, when a credit note"),
            text("overrideEmailAddress", "Send to this address instead of the customer's"),
        ),
        response="Invoice",
    ),
    action(
        key="order.invoice_multiple", resource="orders", name="invoice_multiple", group="Orders",
        title="Invoice Several Orders", method="PUT", path="/order/:invoiceMultipleOrders", beta=True,
        summary="Create one invoice for several orders of the same customer.",
        params=(
            Param("id", "ids", required=True, help="IDs of the orders to invoice"),
            date("invoiceDate", "The invoice date", required=True),
            Param("sendToCustomer", "boolean", default=True, help="Send the invoice to the customer"),
            Param("createBackorders", "boolean", default=False, help="Create backorders of undelivered lines"),
        ),
        response="Invoice",
    ),
]

ORDER_GROUPS = [
    action(
        key="order_group.create", resource="order_groups", name="create", group="Order Groups",
        title="Create an Order Group", kind=K.CREATE, method="POST", path="/order/orderGroup", make_module=True,
        summary="Create an order group, optionally moving order lines into it.", beta=True,
        params=(Param("orderLineIds", "ids", help="Order lines to put in the group"),),
        body="OrderGroup", response="OrderGroup",
    ),
    action(
        key="order_group.update", resource="order_groups", name="update", group="Order Groups",
        title="Update an Order Group", kind=K.UPDATE, method="PUT", path="/order/orderGroup", make_module=True,
        summary="Update an order group: the id (and version) go in the body.", beta=True,
        params=(
            Param("OrderLineIds", "ids", help="Deprecated: order lines to put in the group"),
            Param("removeExistingOrderLines", "boolean", default=False,
                  help="Deprecated: remove the group's existing order lines"),
        ),
        body="OrderGroup", response="OrderGroup",
    ),
    *crud(
        key="order_group", resource="order_groups", group="Order Groups", path="/order/orderGroup",
        model="OrderGroup", noun="Order Group", plural="Order Groups", kinds=(K.GET, K.SEARCH, K.DELETE),
        search_params=(ids("ids", field="id"), ids("orderIds", field="order.id")),
    ),
]

ORDER_LINES = [
    *crud(
        key="order_line", resource="order_lines", group="Order Lines", path="/order/orderline", model="OrderLine",
        noun="Order Line", plural="Order Lines", kinds=(K.CREATE, K.UPDATE, K.GET, K.DELETE),
    ),
    *batch(key="order_line", resource="order_lines", group="Order Lines", path="/order/orderline",
           model="OrderLine", plural="Order Lines", kinds=(K.CREATE,)),
]

INVOICES = [
    *crud(
        key="invoice", resource="invoices", group="Invoices", path="/invoice", model="Invoice", noun="Invoice",
        plural="Invoices", kinds=(K.CREATE, K.GET, K.SEARCH), make_module=False,
        search_params=(
            ids("id"),
            *date_range("invoiceDate", required=True),
            text("invoiceNumber", "Equals", match="eq"),
            text("kid", "Equals", match="eq"),
            ids("voucherId"),
            ids("customerId", "Equals"),
        ),
        extra_params={
            K.CREATE: (
                Param("sendToCustomer", "boolean", default=True, help="Send the invoice to the customer"),
                Param("paymentTypeId", "integer", help="Payment type of a payment registered at once"),
                _number("paidAmount", "Amount paid at once"),
            )
        },
        summaries={K.CREATE: "Create an invoice; its orders and order lines may be included inline."},
    ),
    action(
        key="invoice.send", resource="invoices", name="send", group="Invoices", title="Send an Invoice",
        method="PUT", path="/invoice/{id}/:send", summary="Send an invoice to the customer.",
        params=(
            path_id("id", "Invoice ID"),
            choice("sendType", SEND_TYPES, "How to send the invoice", required=True),
            text("overrideEmailAddress", "Send to this address instead of the customer's"),
        ),
        envelope="none",
    ),
    action(
        key="invoice.payment", resource="invoices", name="payment", group="Invoices",
        title="Register an Invoice Payment", method="PUT", path="/invoice/{id}/:payment",
        summary="Register a payment on an invoice; a negative amount reverses one.",
        params=(
            path_id("id", "Invoice ID"),
            date("paymentDate", "Payment date", required=True),
            Param("paymentTypeId", "integer", required=True, help="Payment type (see invoice payment types)"),
            _number("paidAmount", "Amount paid, in the payment type's currency", required=True),
            _number("paidAmountCurrency", "Amount paid in the invoice's currency"),
        ),
        response="Invoice",
    ),
    action(
        key="invoice.credit_note", resource="invoices", name="credit_note", group="Invoices",
        title="Create a Credit Note", method="PUT", path="/invoice/{id}/:createCreditNote",
        summary="Create a credit note that reverses the invoice.",
        params=(
            path_id("id", "Invoice ID"),
            date("date", "Credit note date", required=True),
            text("comment", "Comment"),
            text("creditNoteEmail", "Send the credit note to this address"),
            Param("sendToCustomer", "boolean", default=True, help="Send the credit note to the customer"),
            choice("sendType", CREDIT_NOTE_SEND_TYPES, "How to send the credit note"),
        ),
        response="Invoice",
    ),
    action(
        key="invoice.pdf", resource="invoices", name="pdf", group="Invoices", title="Download an Invoice PDF",
        method="GET", path="/invoice/{invoiceId}/pdf", summary="The invoice document as PDF bytes.",
        params=(
            path_id("invoiceId", "Invoice ID"),
            Param("download", "boolean", default=True, help="Serve as an attachment"),
        ),
        envelope="binary", kind=K.GET,
    ),
]

INVOICE_DETAILS = crud(
    key="invoice_details", resource="invoice_details", group="Invoice Details", path="/invoice/details",
    model="ProjectInvoiceDetails", noun="Invoice Details", plural="Invoice Details", kinds=(K.GET, K.SEARCH),
    search_params=(
        ids("id"),
        # The sandbox keeps a private copy of the invoice's date on its details (`_invoiceDate`).
        *date_range("_invoiceDate", required=True, base="invoiceDate"),
    ),
)

INVOICE_PAYMENT_TYPES = crud(
    key="invoice_payment_type", resource="invoice_payment_types", group="Invoice Payment Types",
    path="/invoice/paymentType", model="PaymentType", noun="Invoice Payment Type", plural="Invoice Payment Types",
    kinds=(K.GET, K.SEARCH),
    search_params=(
        ids("id"),
        text("description", "Containing", match="contains"),
        text("query", "Containing", field="description", match="contains"),
    ),
)

BATCHES = [
    *batch(key="order", resource="orders", group="Orders", path="/order", model="Order", plural="Orders",
           kinds=(K.CREATE,), beta=True),
    *batch(key="invoice", resource="invoices", group="Invoices", path="/invoice", model="Invoice", plural="Invoices",
           kinds=(K.CREATE,), beta=True, params={K.CREATE: (
               Param("sendToCustomer", "boolean", default=True, help="Send the invoices to the customers"), FIELDS)}),
]

OPERATIONS: list[Operation] = [
    *ORDERS,
    *BATCHES,
    *ORDER_ACTIONS,
    *ORDER_GROUPS,
    *ORDER_LINES,
    *INVOICES,
    *INVOICE_DETAILS,
    *INVOICE_PAYMENT_TYPES,
]

