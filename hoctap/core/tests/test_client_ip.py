"""The client's address, recorded in the audit log and used to slow down password guessing:
behind our proxies, from the right end of X-Forwarded-For, where the proxies wrote it."""

from __future__ import annotations

from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from hoctap.core.middleware import client_ip


def _request(forwarded: str | None) -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_a_trusted_proxy_the_header_is_ignored():
    with override_settings(HOCTAP_TRUST_X_FORWARDED_FOR=0):
        assert client_ip(_request("198.51.100.77")) == "10.0.0.2"


def test_behind_one_proxy_a_forged_first_hop_is_not_believed():
    with override_settings(HOCTAP_TRUST_X_FORWARDED_FOR=1):
        # the client sent "198.51.100.77"; our nginx appended the address it saw
        assert client_ip(_request("198.51.100.77, 203.0.113.9")) == "203.0.113.9"
        assert client_ip(_request("203.0.113.9")) == "203.0.113.9"
        assert client_ip(_request(None)) == "10.0.0.2"


def test_behind_two_proxies_the_second_address_from_the_right():
    with override_settings(HOCTAP_TRUST_X_FORWARDED_FOR=2):
        assert client_ip(_request("198.51.100.77, 203.0.113.9, 10.0.0.1")) == "203.0.113.9"
        assert client_ip(_request("203.0.113.9")) == "203.0.113.9"
