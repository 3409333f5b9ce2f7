"""Catalog entries of products: products, prices, groups, units, external and supplier products,
inventory locations, logistics settings, and the suppliers and inventories they refer to."""

from __future__ import annotations

from .build import (
    ALL_KINDS,
    PAGED,
    batch,
    boolean,
    changed_since,
    crud,
    date,
    ids,
    number_range,
    singleton,
    text,
)
from .types import Kind, Operation, Param

K = Kind
WHOLESALERS = (
    "AHLSELL", "BROEDRENE_DAHL", "ELEKTROSKANDIA", "HEIDENREICH", "ONNINEN", "SONEPAR", "SOLAR",
    "BERGAARD_AMUNDSEN", "BERGAARD_AMUNDSEN_STAVANGER", "SORLANDET_ELEKTRO", "ETMAN_DISTRIBUSJON", "ETM_OST",
    "CENIKA", "EP_ENGROS", "BETEK", "DGROUP", "FAGERHULT", "GLAMOX", "SCHNEIDER", "STOKKAN", "WURTH",
    "ELEKTROIMPORTOEREN", "THERMOFLOOR", "LYSKOMPONENTER", "NORDESIGN",
)
LOGISTICS = "Only available with the logistics module (Logistics Basic)."


def _price_range(base: str) -> tuple[Param, Param]:
    return (
        number_range(f"{base}From", base, upper=False),
        number_range(f"{base}To", base, upper=True),
    )


PRODUCTS = crud(
    key="product", resource="products", group="Products", path="/product", model="Product",
    noun="Product", plural="Products", kinds=ALL_KINDS,
    search_params=(
        text("number", "DEPRECATED. List of product numbers (Integer only)", match="in"),
        ids("ids", field="id"),
        Param("productNumber", "strings", help="List of valid product numbers", field="number", match="in"),
        text("name", "Containing", match="contains"),
        text("ean", "Equals", match="eq"),
        boolean("isInactive", "Equals"),
        boolean("isStockItem", "Equals"),
        boolean("isSupplierProduct", "Equals", field="hasSupplierProductConnected"),
        ids("supplierId", "Equals"),
        ids("currencyId", "Equals"),
        ids("vatTypeId", "Equals"),
        ids("productUnitId", "Equals"),
        ids("departmentId", "Equals"),
        ids("accountId", "Equals"),
        *_price_range("costExcludingVatCurrency"),
        *_price_range("priceExcludingVatCurrency"),
        *_price_range("priceIncludingVatCurrency"),
    ),
)

PRODUCT_BATCH = batch(
    key="product", resource="products", group="Products", path="/product", model="Product", plural="Products",
    kinds=(K.CREATE, K.UPDATE),
)

PRODUCT_PRICES = [
    Operation(
        key="product_price.search", group="Product Prices", title="Search Product Prices", kind=K.SEARCH,
        method="GET", path="/product/productPrice", resource="product_prices", name="search",
        summary="Find the price history of a product. " + LOGISTICS,
        params=(
            Param("productId", "ids", required=True, help="Equals", field="product.id", match="in"),
            date("fromDate", "From and including", field="fromDate", match="from"),
            date("toDate", "To and excluding", field="fromDate", match="to"),
            Param("showOnlyLastPrice", "boolean", help="Only the current price (fromDate and toDate are ignored)",
                  field="showOnlyLastPrice", match="rule"),
            *PAGED,
        ),
        response="ProductPrice", envelope="list",
    )
]

PRODUCT_GROUPS = crud(
    key="product_group", resource="product_groups", group="Product Groups", path="/product/group",
    model="ProductGroup", noun="Product Group", plural="Product Groups", kinds=ALL_KINDS,
    search_params=(
        ids("id"),
        text("name", "Containing", match="contains"),
        text("query", "Containing", field="name", match="contains"),
    ),
    summaries={K.SEARCH: "Find product groups. " + LOGISTICS},
)

PRODUCT_GROUP_RELATIONS = crud(
    key="product_group_relation", resource="product_group_relations", group="Product Groups Relations",
    path="/product/groupRelation", model="ProductGroupRelation", noun="Product Group Relation",
    plural="Product Group Relations", kinds=(K.CREATE, K.GET, K.SEARCH, K.DELETE),
    search_params=(ids("id"), ids("productId"), ids("productGroupId")),
)

PRODUCT_UNITS = crud(
    key="product_unit", resource="product_units", group="Product Units", path="/product/unit",
    model="ProductUnit", noun="Product Unit", plural="Product Units", kinds=ALL_KINDS,
    search_params=(
        ids("id"),
        text("name", "Names", match="in"),
        text("nameShort", "Short names", match="in"),
        text("commonCode", "Common codes", match="in"),
    ),
)

PRODUCT_UNIT_MASTERS = crud(
    key="product_unit_master", resource="product_unit_masters", group="Product Unit Masters",
    path="/product/unit/master", model="ProductUnitMaster", noun="Product Unit Master",
    plural="Product Unit Masters", kinds=(K.GET, K.SEARCH),
    search_params=(
        ids("id"),
        text("name", "Names", match="in"),
        text("nameShort", "Short names", match="in"),
        text("commonCode", "Common codes", match="in"),
        text("peppolName", "Peppol names", match="in"),
        text("peppolSymbol", "Peppol symbols", match="in"),
        boolean("isInactive", "Inactive units"),
    ),
    search_count=Param("count", "integer", help="Number of elements to return", default=2400),
)

EXTERNAL_PRODUCTS = crud(
    key="external_product", resource="external_products", group="External Products", path="/product/external",
    model="ExternalProduct", noun="External Product", plural="External Products", kinds=(K.GET, K.SEARCH),
    search_params=(
        text("name", "Containing", match="contains"),
        Param("wholesaler", "string", help="Wholesaler", enum=WHOLESALERS, field="wholesaler", match="rule"),
        text("organizationNumber", "Wholesaler organization number", field="organizationNumber", match="rule"),
        text("elNumber", "List of valid el numbers", match="in"),
        text("nrfNumber", "List of valid nrf numbers", match="in"),
        boolean("isInactive", "Equals"),
    ),
    beta=(K.SEARCH, K.GET),
)

SUPPLIER_PRODUCTS = crud(
    key="supplier_product", resource="supplier_products", group="Supplier Products",
    path="/product/supplierProduct", model="SupplierProduct", noun="Supplier Product",
    plural="Supplier Products", kinds=ALL_KINDS,
    search_params=(
        Param("productId", "integer", help="Id of the product to find supplier products for",
              field="resaleProduct.id", match="eq"),
        ids("resaleIds", field="resaleProduct.id"),
        ids("vendorId", "Id of the vendor (supplier)", field="supplier.id"),
        text("query", "Containing", field="name", match="contains"),
        boolean("isInactive", "Equals"),
        ids("productGroupId", field="productGroup.id"),
        Param("targetCurrencyId", "integer", help="The target currency ID for price conversion",
              field="targetCurrencyId", match="rule"),
    ),
    search_count=Param("count", "integer", help="Number of elements to return"),
)

PRODUCT_INVENTORY_LOCATIONS = crud(
    key="product_inventory_location", resource="product_inventory_locations",
    group="Product Inventories Locations", path="/product/inventoryLocation", model="ProductInventoryLocation",
    noun="Product Inventory Location", plural="Product Inventory Locations", kinds=ALL_KINDS,
    search_params=(ids("productId"), ids("inventoryId"), boolean("isMainLocation", "Equals")),
)

LOGISTICS_SETTINGS = singleton(
    key="logistics_settings", resource="logistics_settings", group="Logistics Settings",
    path="/product/logisticsSettings", model="LogisticsSettings", noun="Logistics Settings",
    titles={K.GET: "Get Logistics Settings", K.UPDATE: "Update a Logistic Setting"},
)

SUPPLIERS = crud(
    key="supplier", resource="suppliers", group="Suppliers", path="/supplier", model="Supplier",
    noun="Supplier", plural="Suppliers", kinds=ALL_KINDS, make_module=False,
    search_params=(
        ids("id"),
        ids("supplierNumber", "List of supplier numbers", field="supplierNumber"),
        text("organizationNumber", "Equals", match="eq"),
        text("email", "Equals", match="eq"),
        text("invoiceEmail", "Equals", match="eq"),
        boolean("isInactive", "Equals", default=False),
        ids("accountManagerId"),
        changed_since(),
        boolean("isWholesaler", "Equals"),
        Param("showProducts", "boolean", help="Include the supplier's products", field="showProducts",
              match="rule"),
    ),
)

INVENTORIES = crud(
    key="inventory", resource="inventories", group="Inventories", path="/inventory", model="Inventory",
    noun="Inventory", plural="Inventories", kinds=(K.GET, K.SEARCH), make_module=False,
    search_params=(
        ids("id"),
        text("name", "Containing", match="contains"),
        boolean("isMainInventory", "Equals"),
        boolean("isInactive", "Equals"),
        text("query", "Containing", field="name", match="contains"),
    ),
)


# The `/list` forms of the other product resources (group relations: create only; the spec's delete takes a
# body of ids, unlike every other `/list` delete).
OTHER_BATCHES = [
    *batch(key="product_group", resource="product_groups", group="Product Groups", path="/product/group",
           model="ProductGroup", plural="Product Groups", kinds=(K.CREATE, K.UPDATE, K.DELETE)),
    *batch(key="product_group_relation", resource="product_group_relations", group="Product Groups Relations",
           path="/product/groupRelation", model="ProductGroupRelation", plural="Product Group Relations",
           kinds=(K.CREATE,)),
    *batch(key="product_unit", resource="product_units", group="Product Units", path="/product/unit",
           model="ProductUnit", plural="Product Units", kinds=(K.CREATE, K.UPDATE)),
    *batch(key="supplier_product", resource="supplier_products", group="Supplier Products",
           path="/product/supplierProduct", model="SupplierProduct", plural="Supplier Products",
           kinds=(K.CREATE, K.UPDATE)),
    *batch(key="product_inventory_location", resource="product_inventory_locations",
           group="Product Inventories Locations", path="/product/inventoryLocation",
           model="ProductInventoryLocation", plural="Product Inventory Locations", kinds=(K.CREATE, K.UPDATE)),
    *batch(key="supplier", resource="suppliers", group="Suppliers", path="/supplier", model="Supplier",
           plural="Suppliers", kinds=(K.CREATE, K.UPDATE)),
]

OPERATIONS: list[Operation] = [
    *PRODUCTS,
    *PRODUCT_BATCH,
    *OTHER_BATCHES,
    *PRODUCT_PRICES,
    *PRODUCT_GROUPS,
    *PRODUCT_GROUP_RELATIONS,
    *PRODUCT_UNITS,
    *PRODUCT_UNIT_MASTERS,
    *EXTERNAL_PRODUCTS,
    *SUPPLIER_PRODUCTS,
    *PRODUCT_INVENTORY_LOCATIONS,
    *LOGISTICS_SETTINGS,
    *SUPPLIERS,
    *INVENTORIES,
]
