"""Who searches where, and which page a cursor names: checked before the index is asked."""

import pytest

from core.principal import Principal, Role
from search.errors import SearchError, SearchErrorCode
from search.service import cursor, search_scope


def _viewer(role: Role, region_code: str = "330102") -> Principal:
    return Principal(role=role, organisation_id=1, region_code=region_code, user_id=1)


def test_a_purchaser_searches_its_own_region_whatever_it_names() -> None:
    scope = search_scope(_viewer(Role.PURCHASER), region_code="110000", first=20, after=None)
    assert scope.region_code == "330102"


def test_anyone_else_names_a_region_or_is_refused() -> None:
    named = search_scope(_viewer(Role.SUPPLIER), region_code="110000", first=20, after=None)
    assert named.region_code == "110000"
    with pytest.raises(SearchError) as refused:
        search_scope(None, region_code=None, first=20, after=None)
    assert refused.value.code == SearchErrorCode.INVALID_REGION


def test_a_cursor_names_the_offset_of_a_whole_page() -> None:
    scope = search_scope(None, region_code="330102", first=20, after=cursor(40))
    assert (scope.offset, scope.page_size) == (40, 20)
    for after in (cursor(30), "not a cursor"):
        with pytest.raises(SearchError) as refused:
            search_scope(None, region_code="330102", first=20, after=after)
        assert refused.value.code == SearchErrorCode.INVALID_PAGE
