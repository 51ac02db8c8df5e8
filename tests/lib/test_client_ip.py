"""The client's address behind trusted proxies: the rightmost forwarded address that is not a
trusted proxy; never what an untrusted connection claims."""

import pytest
from django.test import RequestFactory

from digiplan.lib.client_ip import client_ip, client_network, parse_networks


def _ip(remote: str, forwarded: str = "") -> str | None:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


@pytest.fixture(autouse=True)
def _proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip("10.0.0.5", "203.0.113.7") == "10.0.0.5"


def test_a_connection_that_is_not_a_trusted_proxy_is_the_client_whatever_it_forwards():
    assert _ip("203.0.113.66", "192.0.2.1") == "203.0.113.66"


def test_the_rightmost_address_that_is_not_a_trusted_proxy_is_the_client():
    assert _ip("10.0.0.5", "192.0.2.1, 203.0.113.7, 10.0.0.9") == "203.0.113.7"


def test_a_chain_of_trusted_proxies_only_gives_the_leftmost():
    assert _ip("10.0.0.5", "10.1.1.1, 10.0.0.9") == "10.1.1.1"


def test_a_forwarded_value_that_is_no_address_stops_at_the_last_trusted_proxy():
    assert _ip("10.0.0.5", "203.0.113.7, ogiltig, 10.0.0.9") == "10.0.0.9"
    assert _ip("10.0.0.5", "") == "10.0.0.5"


def test_ports_and_brackets_as_some_proxies_write_them():
    assert _ip("10.0.0.5", "203.0.113.7:51234") == "203.0.113.7"
    assert _ip("10.0.0.5", "[2001:db8::1]:443") == "2001:db8::1"
    assert _ip("2001:db8:ffff::2", "2001:db8::1") == "2001:db8::1"


def test_an_ipv4_address_written_as_ipv6_is_the_same_address():
    assert _ip("::ffff:10.0.0.5", "203.0.113.7") == "203.0.113.7"


def test_an_ipv6_client_counts_as_its_64():
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:5:7:abcd::1")
    assert client_network(request) == "2001:db8:5:7::/64"
    assert client_network(RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")) == "203.0.113.7"


def test_a_typo_in_the_setting_stops_the_start():
    assert parse_networks(" 10.0.0.0/8 , 192.0.2.1,") == ["10.0.0.0/8", "192.0.2.1"]
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/8, 10.0.0.300")
