"""Helpers for the emulator's tests: constants and a small Graph caller over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from b2blint.fakegraph.server import RunningFake

TENANT = "11111111-2222-4333-8444-555555555555"
PARTNER = "3d0f5dec-5d3d-455c-8016-e2af1ae4d31a"
PARTNER_2 = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551"
XTAP = "/policies/crossTenantAccessPolicy"
PARTNERS = XTAP + "/partners"
TIMEOUT = httpx.Timeout(10.0)


class Api:
    """Calls one API version of a fake with a token (all permissions unless told otherwise)."""

    def __init__(
        self,
        fake: RunningFake,
        version: str = "v1.0",
        token: str | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.fake = fake
        self.version = version
        self.token = token if token is not None else fake.token()
        self.client = client or httpx.Client(timeout=TIMEOUT)

    def url(self, path: str) -> str:
        return f"{self.fake.url}/{self.version}{path}"

    def request(self, method: str, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        if json is not None:
            kwargs["json"] = json
        return self.client.request(method, self.url(path), headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def as_version(self, version: str) -> Api:
        return Api(self.fake, version, self.token, self.client)

    def with_token(self, token: str) -> Api:
        return Api(self.fake, self.version, token, self.client)


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    """(status, error code, message) of a Graph error response."""
    error = response.json()["error"]
    return response.status_code, error["code"], error["message"]
