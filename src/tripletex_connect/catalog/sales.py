"""Catalog entries of the sales side: customers and customer categories."""

from __future__ import annotations

from .build import ALL_KINDS, batch, boolean, changed_since, crud, ids, text
from .types import Kind, Operation

K = Kind

CUSTOMERS = crud(
    key="customer",
    resource="customers",
    group="Customers",
    path="/customer",
    model="Customer",
    noun="Customer",
    plural="Customers",
    kinds=ALL_KINDS,
    search_params=(
        ids("id"),
        ids("customerAccountNumber", "List of customer numbers", field="customerNumber"),
        text("organizationNumber", "Equals", match="eq"),
        text("email", "Equals", match="eq"),
        text("invoiceEmail", "Equals", match="eq"),
        text("customerName", "Name (containing)", field="name", match="contains"),
        text("phoneNumberMobile", "Phone number mobile", match="eq"),
        boolean("isInactive", "Equals", default=False),
        ids("accountManagerId"),
        changed_since(),
    ),
    summaries={
        K.CREATE: "Create a customer. Related customer addresses may also be created.",
        K.SEARCH: "Find customers matching the given filters.",
    },
    beta=(K.DELETE,),
)

CUSTOMER_CATEGORIES = crud(
    key="customer_category",
    resource="customer_categories",
    group="Customer Categories",
    path="/customer/category",
    model="CustomerCategory",
    noun="Customer Category",
    plural="Customer Categories",
    kinds=(K.CREATE, K.UPDATE, K.GET, K.SEARCH),
    search_params=(
        ids("id"),
        text("name", "Containing", match="contains"),
        text("number", "Equals", match="eq"),
        text("description", "Containing", match="contains"),
        ids("type", "List of category types (1, 2 or 3)"),
    ),
    summaries={K.SEARCH: "Find customer/supplier categories matching the given filters."},
)

CUSTOMER_BATCH = batch(
    key="customer", resource="customers", group="Customers", path="/customer", model="Customer",
    plural="Customers", kinds=(K.CREATE, K.UPDATE), beta=True,
)

OPERATIONS: list[Operation] = [*CUSTOMERS, *CUSTOMER_BATCH, *CUSTOMER_CATEGORIES]

