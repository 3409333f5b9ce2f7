"""What `ttx serve --engine temporal` hands to Temporal instead of running it in the service's own process.

The service keeps loading files, receiving webhooks and serving the dashboard; schedules go to Temporal
Schedules (synced whenever the folder changes) and each webhook delivery is signalled to the company's watch
workflow. Workers run them, resolving the connection's profile name to credentials on their machine.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..core.errors import ConfigurationError
from .temporal import connect, connection_of, scenario_ref, targets_of
from .temporal_jobs import DEFAULT_TASK_QUEUE, Target, Timeouts
from .temporal_schedules import schedule_id, schedule_of_scenario, signal_event, sync_schedules

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario import Scenario

log = logging.getLogger("tripletex_connect.runtime")


class TemporalRemote:
    """The Temporal side of a service: schedules synced as Temporal Schedules, webhook events as signals."""

    def __init__(self, target: str, task_queue: str = DEFAULT_TASK_QUEUE, *, namespace: str = "default",
                 timeouts: Timeouts | None = None) -> None:
        self.target = target
        self.task_queue = task_queue
        self.namespace = namespace
        self.timeouts = timeouts or Timeouts()

    def targets(self, scenario: Scenario, client: Tripletex) -> list[Target]:
        """The companies a scenario runs for: its `companies:`, else the connection's own company."""
        from ..scenario.companies import resolve_companies

        connection = connection_of(client, None)
        if scenario.companies is None:
            return [Target(connection, client.settings.company_id)]
        return targets_of(resolve_companies(client, scenario.companies), connection)

    def sync(self, scenarios: Iterable[tuple[Scenario, Tripletex]]) -> list[str]:
        """Make Temporal's schedules those of these scenarios (others of the engine are deleted); their ids."""
        wanted = {}
        for scenario, client in scenarios:
            if scenario.trigger.type != "schedule":
                continue
            try:
                wanted[schedule_id(scenario.name)] = schedule_of_scenario(
                    scenario, scenario_ref(scenario), self.targets(scenario, client), self.task_queue,
                    timeouts=self.timeouts)
            except ConfigurationError as exc:
                log.warning("%s: not scheduled on Temporal: %s", scenario.name, exc)

        async def run() -> list[str]:
            return await sync_schedules(await connect(self.target, self.namespace), wanted)

        return asyncio.run(run())

    def event(self, scenario: Scenario, client: Tripletex, company_id: int, key: str, item: Any) -> str:
        """Signal one webhook event (the object as it is now) to the company's watch workflow; its id."""
        target = Target(connection_of(client, None), company_id)

        async def run() -> str:
            return await signal_event(await connect(self.target, self.namespace), self.task_queue,
                                      scenario_ref(scenario), target, key=key, item=item, timeouts=self.timeouts)

        return asyncio.run(run())
