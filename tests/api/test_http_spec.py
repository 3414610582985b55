"""The GraphQL over HTTP rules of /graphql: methods, media types and status codes."""

import json
from typing import Any

import httpx
import pytest

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
TYPE_BY_NAME = "query($name: String!) { __type(name: $name) { name } }"


async def _post(client: httpx.AsyncClient, body: dict[str, Any], accept: str) -> httpx.Response:
    return await client.post("/graphql", json=body, headers={"accept": accept})


def _media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


def _codes(response: httpx.Response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json()["errors"]]


async def test_a_query_can_be_sent_with_get(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": TYPE_BY_NAME, "variables": json.dumps({"name": "Query"})},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    assert _media_type(response) == GRAPHQL_RESPONSE
    assert response.json() == {"data": {"__type": {"name": "Query"}}}


async def test_a_mutation_sent_with_get_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "mutation { __typename }"},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert _media_type(response) == GRAPHQL_RESPONSE
    assert _codes(response) == ["METHOD_NOT_ALLOWED"]


@pytest.mark.parametrize(
    ("accept", "status", "media_type"),
    [(GRAPHQL_RESPONSE, 400, GRAPHQL_RESPONSE), (JSON, 200, JSON)],
)
async def test_a_syntax_error_is_a_400_only_for_clients_of_the_new_media_type(
    client: httpx.AsyncClient, accept: str, status: int, media_type: str
) -> None:
    response = await _post(client, {"query": "{"}, accept)
    assert response.status_code == status
    assert _media_type(response) == media_type
    assert "data" not in response.json()
    assert _codes(response) == ["GRAPHQL_PARSE_FAILED"]


async def test_a_query_of_an_unknown_field_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await _post(client, {"query": "{ noSuchField }"}, GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert "data" not in response.json()
    assert _codes(response) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_a_variable_of_the_wrong_type_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await _post(
        client, {"query": TYPE_BY_NAME, "variables": {"name": 5}}, GRAPHQL_RESPONSE
    )
    assert response.status_code == 400
    assert "data" not in response.json()
    assert "$name" in response.json()["errors"][0]["message"]


async def test_an_error_during_execution_keeps_status_200_and_the_data_entry(
    client: httpx.AsyncClient,
) -> None:
    response = await _post(client, {"query": "{ me { __typename } }"}, GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert _media_type(response) == GRAPHQL_RESPONSE
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["me"]


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/*", "text/html", f"{GRAPHQL_RESPONSE};q=0, */*;q=0.1"]
)
async def test_clients_that_do_not_ask_for_the_new_media_type_get_json(
    client: httpx.AsyncClient, accept: str | None
) -> None:
    request = client.build_request("POST", "/graphql", json={"query": "{ __typename }"})
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    response = await client.send(request)
    assert response.status_code == 200
    assert _media_type(response) == JSON
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_post_that_is_not_json_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content='{"query": "{ __typename }"}', headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert _codes(response) == ["UNSUPPORTED_MEDIA_TYPE"]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
@pytest.mark.parametrize(
    "body",
    ['{"query": ', "5", '{"query": 5}', '{"query": "{ __typename }", "operationName": 5}'],
)
async def test_a_malformed_request_is_a_bad_request_whatever_the_client_accepts(
    client: httpx.AsyncClient, accept: str, body: str
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": JSON, "accept": accept}
    )
    assert response.status_code == 400
    assert _media_type(response) == accept
    assert _codes(response) == ["BAD_REQUEST"]


async def test_variables_in_a_get_must_be_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": TYPE_BY_NAME, "variables": "{name"})
    assert response.status_code == 400
    assert _codes(response) == ["BAD_REQUEST"]


async def test_a_get_without_a_query_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 400
    assert _codes(response) == ["BAD_REQUEST"]


@pytest.mark.parametrize(
    ("method", "params", "body"),
    [
        ("POST", None, {"query": "{ __typename }"}),
        ("POST", None, {"query": "{"}),
        ("GET", {"query": "mutation { __typename }"}, None),
        ("PUT", None, None),
    ],
)
async def test_every_response_carries_a_request_id(
    client: httpx.AsyncClient, method: str, params: dict[str, str] | None, body: Any
) -> None:
    response = await client.request(
        method, "/graphql", params=params, json=body, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert response.headers["x-request-id"]
