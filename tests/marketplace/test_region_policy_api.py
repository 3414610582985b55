"""Operators set their region's rules; what applies is inherited down the region tree."""

import httpx

from core.db import Database
from core.principal import Role
from tests import factories
from tests.gql import gql

SET = """mutation($input: RegionPolicyInput!) {
  setRegionPolicy(input: $input) {
    policy { regionCode marketPriceRule marketWindowDays closedMinEliminationPercent reviewListingChanges goodsTermMonths }
    errors { code field message }
  }
}"""
GET = "query($r: String!) { regionPolicy(regionCode: $r) { marketPriceRule marketWindowDays goodsTermMonths } }"


async def test_an_operator_sets_its_region_and_counties_inherit(
    client: httpx.AsyncClient, db: Database
) -> None:
    operator = await factories.member(db, Role.OPERATOR, region="331100")
    body = await gql(
        client,
        SET,
        {
            "input": {
                "regionCode": "331100",
                "marketPriceRule": "AVERAGE",
                "closedMinEliminationPercent": "25",
            }
        },
        headers=factories.bearer(operator),
    )
    assert body["data"]["setRegionPolicy"] == {
        "policy": {
            "regionCode": "331100",
            "marketPriceRule": "AVERAGE",
            "marketWindowDays": 30,
            "closedMinEliminationPercent": "25",
            "reviewListingChanges": True,
            "goodsTermMonths": 12,
        },
        "errors": [],
    }
    county = await gql(client, GET, {"r": "331102"})
    assert county["data"]["regionPolicy"] == {
        "marketPriceRule": "AVERAGE",
        "marketWindowDays": 30,
        "goodsTermMonths": 12,
    }
    province = await gql(client, GET, {"r": "330000"})
    assert province["data"]["regionPolicy"]["marketPriceRule"] == "LOWEST"


async def test_policy_outside_the_operators_region_or_out_of_bounds_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    operator = await factories.member(db, Role.OPERATOR, region="331100")
    headers = factories.bearer(operator)
    elsewhere = await gql(client, SET, {"input": {"regionCode": "320400"}}, headers=headers)
    assert [e["code"] for e in elsewhere["data"]["setRegionPolicy"]["errors"]] == ["FORBIDDEN"]
    too_long = await gql(
        client, SET, {"input": {"regionCode": "331100", "goodsTermMonths": 18}}, headers=headers
    )
    assert [(e["code"], e["field"]) for e in too_long["data"]["setRegionPolicy"]["errors"]] == [
        ("INVALID_INPUT", "goodsTermMonths")
    ]
    supplier = await factories.member(db, Role.SUPPLIER)
    refused = await gql(
        client, SET, {"input": {"regionCode": "331100"}}, headers=factories.bearer(supplier)
    )
    assert [e["code"] for e in refused["data"]["setRegionPolicy"]["errors"]] == ["FORBIDDEN"]
