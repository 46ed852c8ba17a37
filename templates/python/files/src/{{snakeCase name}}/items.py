"""The example resource: items kept in memory. Replace with your own domain."""

import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Annotated

from fastapi import FastAPI, HTTPException, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ItemIn(BaseModel):
    """What a client sends. Unknown fields are rejected rather than silently dropped."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, Field(min_length=1, max_length=100)]
    description: Annotated[str | None, Field(max_length=1000)] = None


class Item(ItemIn):
    """What the service returns: the input plus server-assigned fields (camelCase in JSON)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    created_at: datetime


class ItemStore:
    """Items in memory, so the example runs with no infrastructure. Bounded (the oldest goes
    first) so clients cannot grow the process without limit: an OrderedDict drops its oldest
    entry in O(1), where a plain dict's first key is found by walking past deleted slots."""

    def __init__(self, capacity: int = 10_000) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1 (got {capacity})")
        self._capacity = capacity
        self._items: OrderedDict[str, Item] = OrderedDict()

    def add(self, item_in: ItemIn) -> Item:
        item = Item(id=str(uuid.uuid4()), created_at=datetime.now(UTC), **item_in.model_dump())
        if len(self._items) >= self._capacity:
            self._items.popitem(last=False)
        self._items[item.id] = item
        return item

    def get(self, item_id: str) -> Item | None:
        return self._items.get(item_id)


PREFIX = "/v1/items"


def _store(request: Request) -> ItemStore:
    store = request.app.state.items
    assert isinstance(store, ItemStore)  # noqa: S101 - set by create_app
    return store


async def create_item(item_in: ItemIn, request: Request, response: Response) -> Item:
    item = _store(request).add(item_in)
    response.headers["location"] = f"{PREFIX}/{item.id}"
    return item


async def get_item(
    request: Request, item_id: Annotated[str, Path(alias="id", max_length=64)]
) -> Item:
    item = _store(request).get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail=f"Item {item_id!r} does not exist.")
    return item


def add_routes(app: FastAPI) -> None:
    """Registers the routes on the app itself, not through an APIRouter and include_router:
    see create_app for why."""
    app.add_api_route(
        PREFIX,
        create_item,
        methods=["POST"],
        status_code=201,
        response_model=Item,
        tags=["items"],
    )
    app.add_api_route(
        f"{PREFIX}/{{id}}", get_item, methods=["GET"], response_model=Item, tags=["items"]
    )
