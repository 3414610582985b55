"""Send GraphQL over the app's HTTP endpoint, as a client would."""

from typing import Any

import httpx

ACCEPT = "application/graphql-response+json, application/json;q=0.9"


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
    expect_errors: bool = False,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"accept": ACCEPT, **(headers or {})},
    )
    body: dict[str, Any] = response.json()
    if not expect_errors:
        assert "errors" not in body, body
    return body
