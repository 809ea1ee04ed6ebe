"""Staff ids are replaced by a keyed hash: stable, keyed, and never the id itself."""

import hashlib
import hmac

import pytest

from arp_portal.core.pseudonymisation import pseudonymise


def test_it_is_hmac_sha256_of_the_identifier_under_the_key():
    expected = hmac.new(b"a-key", b"E012345", hashlib.sha256).hexdigest()
    assert pseudonymise("E012345", key="a-key") == expected
    assert len(expected) == 64


def test_the_same_id_gives_the_same_reference_and_spaces_do_not_count():
    assert pseudonymise(" E012345 ", key="k") == pseudonymise("E012345", key="k")


def test_a_different_key_gives_a_different_reference():
    assert pseudonymise("E012345", key="k1") != pseudonymise("E012345", key="k2")


def test_it_is_not_a_plain_hash_of_the_id(settings):
    settings.PSEUDONYMISATION_KEY = "portal-key"
    assert pseudonymise("E012345") != hashlib.sha256(b"E012345").hexdigest()
    assert pseudonymise("E012345") == pseudonymise("E012345", key="portal-key")


def test_an_empty_id_is_refused():
    with pytest.raises(ValueError):
        pseudonymise("  ")
