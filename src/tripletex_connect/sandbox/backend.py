"""The sandbox without HTTP: a request (method, path, query, headers, body) in, a reply out."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..catalog import Kind, Operation
from . import changes, defaults, routes, webhooks
from .context import Ctx
from .delivery import Mode, WebhookQueue
from .engine import Engine, model_of
from .errors import SandboxError, invalid, not_found
from .faults import Faults, When
from .query import check_param_types, sqlite_int
from .ratelimit import MAX_BUCKETS, RateLimit, RateLimiter, Scope, bucket, parse_rate_limit, parse_scope, session_bucket
from .render import Tree, check_fields, parse_fields
from .reply import Reply
from .rules.batch import is_list_operation, run_list
from .rules.modules import SWITCHABLE, check_modules, module_fields, set_module
from .setup import new_client_company, new_company
from .spec_paths import SPEC_VERSION
from .store import INT64, Store, Tx
from .tenancy import OSLO, CompanyInfo, Tenancy
from .uploads import parse_multipart
from .validate import bad_text, may_hold_surrogate, printable

LOG = logging.getLogger("tripletex_connect.sandbox")
Action = Callable[["Backend", Tx, Ctx, Operation, dict[str, str], dict[str, str], Any], Any]


def _actions() -> dict[str, Action]:
    from .rules.historical import ACTIONS as historical
    from .rules.invoicing import ACTIONS as invoicing
    from .rules.ledger import ACTIONS as ledger
    from .rules.periods import ACTIONS as periods
    from .rules.timesheet import ACTIONS as timesheet
    from .rules.vouchers import ACTIONS as vouchers
    from .webhooks import ACTIONS as webhooks

    return {**invoicing, **ledger, **vouchers, **historical, **timesheet, **periods, **webhooks}


@dataclass
class Request:
    """A request as the backend sees it; `path` is relative to /v2."""

    method: str
    path: str
    query: Sequence[tuple[str, str]] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def params(self) -> dict[str, str]:
        """Query parameters, the last value of each name."""
        return dict(self.query)

    def lists(self) -> dict[str, list[str]]:
        """Query parameters with every value of each name."""
        out: dict[str, list[str]] = {}
        for k, v in self.query:
            out.setdefault(k, []).append(v)
        return out


def oslo_now() -> dt.datetime:
    """The default clock of the sandbox."""
    return dt.datetime.now(OSLO)


class Backend:
    """The whole sandbox behind one `handle` call; the clock is injectable."""

    def __init__(
        self, store: Store, *, base_url: str = "http://127.0.0.1/v2", consumer_token: str = defaults.CONSUMER_TOKEN,
        clock: Callable[[], dt.datetime] = oslo_now, rate_limit: int | str | RateLimit = defaults.RATE_LIMIT,
        rate_period: float | None = None, monotonic: Callable[[], float] = time.monotonic,
        rate_limit_scope: Scope = "credential", modules_off: Iterable[str] = (), webhook_delivery: Mode = "background",
    ) -> None:
        self.store = store
        changes.install(store)
        self.webhooks = WebhookQueue(store, mode=webhook_delivery)  # replaceable: tests inject a clock
        self.modules_off = module_fields(modules_off)
        self.engine = Engine(store, base_url)
        self.tenancy = Tenancy(consumer_token, clock)
        rate = parse_rate_limit(rate_limit)
        self.rate_limit_scope: Scope = parse_scope(rate_limit_scope)
        self.limiter = RateLimiter(rate.limit, rate_period or rate.period, monotonic)
        # (scope, consumer token, Authorization header) -> the bucket of its session
        self._session_buckets: dict[tuple[str, str, str], str] = {}
        self.actions = _actions()
        self.faults = Faults()

    @property
    def base_url(self) -> str:
        """The API base URL objects' `url`s point to."""
        return self.engine.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self.engine.base_url = value

    def new_company(
        self, *, employee_token: str | None = None, seed: str | None = None, modules_off: Iterable[str] | None = None
    ) -> CompanyInfo:
        """A fresh company with reference data (and a client company) without the modules named (default: ours)."""
        off = self.modules_off if modules_off is None else module_fields(modules_off)
        with self.store.transaction() as tx:
            info = new_company(tx, self.tenancy, employee_token=employee_token, seed=seed)
            now, _ = self.tenancy.context_time()
            for company_id in (c for c in (info.company_id, info.client_company_id) if c is not None):
                for key in off:
                    set_module(tx, company_id, key, False, now)
            return info

    def new_client_company(self, owner_id: int, name: str) -> int:
        """Another client company of the accountant company `owner_id` (with this sandbox's modules); its id."""
        with self.store.transaction() as tx:
            client_id = new_client_company(tx, self.tenancy, owner_id, name)
            now, _ = self.tenancy.context_time()
            for key in self.modules_off:
                set_module(tx, client_id, key, False, now)
            return client_id

    def match_modules(self, company_id: int) -> None:
        """Switch a stored company's modules to this sandbox's: off when in `modules_off`, on otherwise."""
        with self.store.transaction() as tx:
            now, _ = self.tenancy.context_time()
            for key in SWITCHABLE.values():
                set_module(tx, company_id, key, key not in self.modules_off, now)

    def handle(self, request: Request, *, outside_api: bool = False, outside_status: int = 404) -> Reply:
        """Answer one request; every reply carries a request id and the rate-limit headers.

        `outside_api`: the request went to a path outside /v2, which answers `outside_status` (404, or 405 for
        a method a page does not take) in the envelope all the same.
        """
        request_id = os.urandom(16).hex()  # as random as uuid4().hex, at a fraction of its cost
        allowed, limits = self.limiter.hit(self._bucket(request))
        try:
            if not allowed:
                raise SandboxError(429, 429, "For mange forespørsler. Vent til neste periode.")
            if outside_api and outside_status == 405:
                raise SandboxError(405, 4000, f"Metoden {request.method} er ikke tillatt på {printable(request.path)}.")
            if outside_api:
                raise SandboxError(404, 6000, f"Fant ikke {printable(request.path)}.",
                                   developer_message="the Tripletex API is served under /v2")
            reply = self._dispatch(request)
        except SandboxError as error:
            reply = Reply(error.status, error.envelope(request_id), dict(error.headers))
        except Exception:
            LOG.exception("sandbox failure on %s %s (request id %s)", request.method, request.path, request_id)
            reply = Reply(500, SandboxError(500, 1000, "Intern feil i sandkassen.").envelope(request_id))
        reply.headers = {**limits, **reply.headers}  # an injected 429 says its own reset
        reply.headers["x-tlx-request-id"] = request_id
        return reply

    def _bucket(self, request: Request) -> str:
        authorization = request.headers.get("authorization")
        scope, consumer = self.rate_limit_scope, self.tenancy.consumer_token
        key = (scope, consumer, authorization or "")
        known = self._session_buckets.get(key)
        if known is not None:
            return known
        with self.store.read() as tx:
            if authorization:
                known = session_bucket(tx, scope, consumer, authorization)
                if known is not None:
                    if len(self._session_buckets) >= MAX_BUCKETS:
                        self._session_buckets.clear()
                    self._session_buckets[key] = known
                    return known
            return bucket(tx, scope, consumer, authorization, request.params())

    def _dispatch(self, request: Request) -> Reply:
        op, values = _route(request)
        company_id: int | None = None
        deliveries: list[webhooks.Delivery] = []
        # A GET of one stored object writes nothing: it reads without taking the write lock (BEGIN IMMEDIATE).
        with self.store.read() if self._reads_one(op) else self.store.transaction() as tx:
            if op.key == "session.create":
                self._inject(request, None, "before")
                params = request.params()
                value = self.tenancy.create_session(
                    tx, params.get("consumerToken"), params.get("employeeToken"), params.get("expirationDate")
                )
                reply = Reply(200, {"value": self._session_urls(value)})
            elif op.key == "event.list":  # the one read the real API answers without authentication
                reply = Reply(200, {"value": webhooks.event_list()})
            else:
                ctx = self.tenancy.authenticate(tx, request.headers.get("authorization"))
                company_id = ctx.company_id
                self._inject(request, company_id, "before")
                reply = self._operation(tx, ctx, op, values, request)
                if tx.writes:
                    changes.record(tx, ctx.employee_id, ctx.now)
                    deliveries = webhooks.deliveries(tx, ctx, self.engine)
        self.webhooks.enqueue(deliveries)  # committed: only now may the world hear of it
        self._inject(request, company_id, "after")  # committed: the write stands, its answer is lost
        return reply

    def _reads_one(self, op: Operation) -> bool:
        """Whether an operation is a plain GET of one stored object by its id (no handler of its own)."""
        return (op.kind is Kind.GET and op.envelope != "first" and op.key not in SPECIAL
                and op.key not in self.actions and not is_list_operation(op)
                and any(p.name in ("id", "invoiceId") and p.type == "integer" for p in op.path_params))

    def _session_urls(self, value: dict[str, Any]) -> dict[str, Any]:
        """A new session as the real API shows it: itself and its two tokens with their `url`s."""
        base = self.base_url
        consumer, employee = value["consumerToken"]["id"], value["employeeToken"]["id"]
        return {"id": value["id"], "version": value["version"], "url": f"{base}/token/session/{value['id']}",
                **value,
                "consumerToken": {"id": consumer, "url": f"{base}/token/consumer/{consumer}"},
                "employeeToken": {"id": employee, "url": f"{base}/token/employee/{employee}"}}

    def _inject(self, request: Request, company_id: int | None, when: When) -> None:
        fault = self.faults.take(request.method, request.path, company_id, when)
        if fault is not None:
            raise fault.error()

    def _operation(self, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str], request: Request) -> Reply:
        check_modules(tx, ctx, op)
        params = request.params()
        ids = _path_ints(op, values)
        tree = parse_fields(params.get("fields"))
        # The real API filters every answer by `fields`, the answers of writes and actions too.
        shaped = op.kind in (Kind.GET, Kind.SEARCH) or bool(params.get("fields", "").strip())
        if shaped and op.response:
            check_fields(op.response, tree)
        handler = SPECIAL.get(op.key)
        if handler is not None:
            return handler(self, tx, ctx, values, params, tree)
        if op.kind is Kind.SEARCH or op.envelope == "first":  # a Get offered only as a search answers a list
            envelope = self.engine.search(tx, ctx, op, params, request.lists(), tree)
            answer = changes.conditional(envelope, request.headers.get("if-none-match"))
            return Reply(304) if answer is None else Reply(200, answer)
        params = check_param_types(op, params)
        if is_list_operation(op) and op.key not in self.actions:
            written = run_list(self, tx, ctx, op, params, _json(request, op), tree)
            if written is None:
                return Reply(204)
            return Reply(201 if op.method == "POST" else 200, {
                "fullResultSize": len(written), "from": 0, "count": len(written), "versionDigest": None,
                "values": written})
        action = self.actions.get(op.key)
        if action is not None:
            result = action(self, tx, ctx, op, values, params, _payload(request, op))
            if isinstance(result, bytes):
                return Reply(200, content=result, headers={"content-type": "application/pdf"})
            if shaped and op.response and result is not None:  # actions answer all fields; narrow them
                render = self.engine.renderer(tx, ctx).render
                assert op.response is not None
                result = ([render(op.response, r, tree) for r in result] if isinstance(result, list)
                          else render(op.response, result, tree))
            status = 201 if op.method == "POST" else 200  # a POST creates; a PUT command changes
            if isinstance(result, list):
                return Reply(status, {"fullResultSize": len(result), "from": 0, "count": len(result),
                                      "versionDigest": None, "values": result})
            return Reply(204) if result is None else Reply(status, {"value": result})
        model = model_of(op)
        if op.kind is Kind.GET:
            return Reply(200, {"value": self._get(tx, ctx, model, ids, tree)})
        if op.kind is Kind.DELETE and "id" in ids:
            self.engine.delete(tx, ctx, model, ids["id"])
            return Reply(204)
        if op.kind is Kind.CREATE and op.body:
            return self._create(tx, ctx, op, model, _json(request, op), tree)
        if op.kind is Kind.UPDATE and op.body:
            return self._update(tx, ctx, op, model, ids, _json(request, op), tree)
        raise SandboxError(501, 1000, f"{op.method} {op.path} is not supported by the local sandbox yet.")

    def _get(self, tx: Tx, ctx: Ctx, model: str, ids: dict[str, int], tree: Any) -> dict[str, Any]:
        if "id" in ids:
            return self.engine.get(tx, ctx, model, ids["id"], tree)
        return self.engine.renderer(tx, ctx).render(model, self._singleton(tx, ctx, model).full(), tree)

    def _singleton(self, tx: Tx, ctx: Ctx, model: str) -> Any:
        _, rows = tx.search(ctx.company_id, model, [], [], [], 0, 1)
        return rows[0] if rows else tx.insert(ctx.company_id, model, {}, ctx.now)

    def _create(self, tx: Tx, ctx: Ctx, op: Operation, model: str, body: Any, tree: Tree) -> Reply:
        render = self.engine.renderer(tx, ctx).render
        row = self.engine.create(tx, ctx, model, body)
        return Reply(201, {"value": render(model, row.full(), tree)})

    def _update(
        self, tx: Tx, ctx: Ctx, op: Operation, model: str, ids: dict[str, int], body: Any, tree: Tree
    ) -> Reply:
        render = self.engine.renderer(tx, ctx).render
        if "id" in ids:
            target = ids["id"]
        elif isinstance(body, dict) and "id" in body:
            target = _body_id(body)
        else:
            target = self._singleton(tx, ctx, model).id
        row = self.engine.update(tx, ctx, model, target, body)
        return Reply(200, {"value": render(model, row.full(), tree)})


def _route(request: Request) -> tuple[Operation, dict[str, str]]:
    """The served operation of a request, or the error that says why there is none."""
    found = routes.resolve(request.method, request.path)
    if isinstance(found, routes.Served):
        return found.op, found.values
    shown = printable(request.path)
    if isinstance(found, routes.NotServed):
        raise SandboxError(501, 1000, f"{found.method} {found.path} is not served by the local sandbox.",
                           developer_message="The real Tripletex API has this operation; the sandbox does not "
                           "model it. See the README's Local sandbox section for what it serves.")
    if isinstance(found, routes.WrongMethod):
        raise SandboxError(405, 4000, f"Metoden {request.method} er ikke tillatt på {shown}.",
                           developer_message=f"{found.path} takes {', '.join(found.allowed)}",
                           headers={"Allow": ", ".join(found.allowed)})
    raise SandboxError(404, 6000, f"Fant ikke {shown}.",
                       developer_message=f"{shown} is not a path of the Tripletex API {SPEC_VERSION}")


def _body_id(body: Any) -> int:
    value = body.get("id") if isinstance(body, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or value not in INT64:
        raise invalid([("id", "Kan ikke være null.")])
    return value


def _path_ints(op: Operation, values: dict[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for param in op.path_params:
        if param.type != "integer":
            continue
        try:
            out["id" if param.name in ("id", "invoiceId") else param.name] = sqlite_int(values[param.name])
        except ValueError:
            raise not_found() from None
    return out


def _payload(request: Request, op: Operation) -> Any:
    """An action's input: the files of an upload, else the JSON body."""
    if op.kind is Kind.UPLOAD:
        return parse_multipart(request.headers.get("content-type", ""), request.body)
    return _json(request, op)


def _json(request: Request, op: Operation) -> Any:
    if op.body is None:
        return None
    if not request.body.strip():
        raise invalid([(None, "Forespørselen mangler innhold.")])
    try:
        body = json.loads(request.body, parse_constant=_no_constant)
    except ValueError as error:
        raise SandboxError(422, 22000, "Ugyldig JSON.", developer_message=str(error)) from None
    except RecursionError:
        raise SandboxError(422, 22000, "Ugyldig JSON.", developer_message="nested too deeply") from None
    problems = bad_text(body) if may_hold_surrogate(request.body) else []
    if problems:
        raise invalid(problems)
    return body


def _no_constant(name: str) -> Any:
    # Python reads NaN and Infinity; JSON has no such numbers and neither has Tripletex.
    raise ValueError(f"{name} is not a JSON number")


def _whoami(backend: Backend, tx: Tx, ctx: Ctx, values: dict[str, str], params: dict[str, str], tree: Any) -> Reply:
    render = backend.engine.renderer(tx, ctx)
    employee = tx.get(ctx.own_company_id, "Employee", ctx.employee_id)
    company = tx.get(ctx.company_id, "Company", ctx.company_id)
    value = {
        "employeeId": ctx.employee_id, "actualEmployeeId": ctx.employee_id, "companyId": ctx.company_id,
        "language": "no", "loggedInWithConnect": False, "employeeIsProxy": False,
        "employee": employee.full() if employee else None,
        "company": company.full() if company else None,
    }
    return Reply(200, {"value": render.render("LoggedInUserInfo", value, tree)})


def _delete_session(
    backend: Backend, tx: Tx, ctx: Ctx, values: dict[str, str], params: dict[str, str], tree: Any
) -> Reply:
    backend.tenancy.delete_session(tx, ctx, values["token"])
    return Reply(204)


def _login_access(
    backend: Backend, tx: Tx, ctx: Ctx, values: dict[str, str], params: dict[str, str], tree: Any
) -> Reply:
    render = backend.engine.renderer(tx, ctx)
    values_out = []
    for company_id in backend.tenancy.client_ids(tx, ctx.own_company_id):
        row = tx.get(company_id, "Company", company_id)
        if row is not None:
            data = {k: v for k, v in row.full().items() if k in ("id", "version", "name", "organizationNumber", "type")}
            values_out.append(render.render("Client", data, tree))
    return Reply(200, {"fullResultSize": len(values_out), "from": 0, "count": len(values_out),
                       "versionDigest": None, "values": values_out})


def _id(values: dict[str, str]) -> int:
    try:
        return sqlite_int(values["id"])
    except ValueError:
        raise not_found() from None


def _company(backend: Backend, tx: Tx, ctx: Ctx, values: dict[str, str], params: dict[str, str], tree: Any) -> Reply:
    """`GET /company/{id}`: the caller's company or one of its clients (the `url` of a company or client)."""
    company_id = _id(values)
    allowed = {ctx.company_id, ctx.own_company_id, *backend.tenancy.client_ids(tx, ctx.own_company_id)}
    row = tx.get(company_id, "Company", company_id) if company_id in allowed else None
    if row is None:
        raise not_found()
    return Reply(200, {"value": backend.engine.renderer(tx, ctx).render("Company", row.full(), tree)})


def _address(backend: Backend, tx: Tx, ctx: Ctx, values: dict[str, str], params: dict[str, str], tree: Any) -> Reply:
    """`GET /deliveryAddress/{id}`: an address (a customer's postal address is one) as the API reads it."""
    address_id = _id(values)
    row = tx.get(ctx.company_id, "Address", address_id) or tx.get(ctx.company_id, "DeliveryAddress", address_id)
    if row is None:
        raise not_found()
    return Reply(200, {"value": backend.engine.renderer(tx, ctx).render("DeliveryAddress", row.full(), tree)})


SPECIAL = {"session.whoami": _whoami, "session.delete": _delete_session, "company.with_login_access": _login_access,
           "company.get": _company, "delivery_address.get": _address, "event.get": webhooks.event_info}
