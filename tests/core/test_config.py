"""Connection settings come from arguments, environment variables or a 0600 profiles file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tripletex_connect.core.config import ENVIRONMENTS, ConnectionSettings, Secret, check_base_url, resolve_settings
from tripletex_connect.core.errors import ConfigurationError
from tripletex_connect.core.profiles import Profile, ProfileStore


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "cfg" / "config.toml")


def test_environments_have_the_official_base_urls() -> None:
    assert ENVIRONMENTS["production"] == "https://tripletex.no/v2"
    assert ENVIRONMENTS["sandbox"] == "https://api-test.tripletex.tech/v2"
    assert ENVIRONMENTS["local"].startswith("http://127.0.0.1:")


def test_arguments_win_over_environment_variables_which_win_over_the_profile(store: ProfileStore) -> None:
    store.save(Profile("main", env="sandbox", consumer_token="p-c", employee_token="p-e", company_id=5))
    environ = {"TRIPLETEX_EMPLOYEE_TOKEN": "env-e", "TRIPLETEX_COMPANY_ID": "7", "TRIPLETEX_PROFILE": "main"}
    s = resolve_settings(consumer_token="arg-c", environ=environ, store=store)
    assert s.consumer_token.reveal() == "arg-c"
    assert s.employee_token.reveal() == "env-e"
    assert s.company_id == 7
    assert s.base_url == ENVIRONMENTS["sandbox"]
    assert s.profile == "main"


def test_the_default_profile_is_used_when_nothing_else_is_given(store: ProfileStore) -> None:
    store.save(Profile("first", env="sandbox", consumer_token="c", employee_token="e"))
    store.save(Profile("second", env="production", consumer_token="c2", employee_token="e2"))
    s = resolve_settings(environ={}, store=store)
    assert s.profile == "first" and s.environment == "sandbox"


def test_an_environment_chosen_over_the_profile_takes_its_own_base_url(store: ProfileStore) -> None:
    store.save(Profile("local", env="local", base_url="http://127.0.0.1:8765/v2", consumer_token="c",
                       employee_token="e"))
    tokens = {"TRIPLETEX_CONSUMER_TOKEN": "prod-c", "TRIPLETEX_EMPLOYEE_TOKEN": "prod-e", "TRIPLETEX_PROFILE": "local"}
    for chosen in ({"env": "production"}, {"environ": {**tokens, "TRIPLETEX_ENV": "prod"}}):
        s = resolve_settings(store=store, **{"environ": tokens, **chosen})  # type: ignore[arg-type]
        assert (s.environment, s.base_url) == ("production", ENVIRONMENTS["production"])
    same = resolve_settings(env="local", environ={}, store=store)
    assert same.base_url == "http://127.0.0.1:8765/v2"


def test_environment_variables_alone_configure_a_connection(store: ProfileStore) -> None:
    environ = {"TRIPLETEX_CONSUMER_TOKEN": "c", "TRIPLETEX_EMPLOYEE_TOKEN": "e", "TRIPLETEX_ENV": "test"}
    s = resolve_settings(environ=environ, store=store)
    assert s.environment == "sandbox" and s.base_url == ENVIRONMENTS["sandbox"]
    assert s.company_id == 0


def test_any_base_url_can_be_given(store: ProfileStore) -> None:
    s = resolve_settings(base_url="http://127.0.0.1:8123/v2/", environ={}, store=store)
    assert s.base_url == "http://127.0.0.1:8123/v2" and s.environment == "custom"


@pytest.mark.parametrize("url", ["http://tripletex.no/v2", "http://10.0.0.5/v2", "ftp://x/v2", "tripletex.no/v2"])
def test_plain_http_is_refused_except_to_loopback_hosts(url: str) -> None:
    with pytest.raises(ConfigurationError):
        check_base_url(url)


@pytest.mark.parametrize("url", ["http://localhost:8000/v2", "http://127.0.0.1/v2", "http://[::1]:80/v2"])
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert check_base_url(url) == url


def test_settings_built_by_hand_refuse_plain_http_to_a_remote_host() -> None:
    with pytest.raises(ConfigurationError, match="plain HTTP"):
        ConnectionSettings(base_url="http://tripletex.example/v2", environment="custom")
    assert ConnectionSettings(base_url="http://127.0.0.1:8000/v2/", environment="local").base_url.endswith("/v2")


@pytest.mark.parametrize(
    ("field", "value"), [("timeout", 0), ("max_retries", -1), ("max_retry_time", -5.0), ("session_days", 0),
                         ("company_id", -3), ("max_retries", "many")],
)
def test_settings_refuse_values_out_of_range(field: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match=field.replace("_", "[_ ]")):
        ConnectionSettings(base_url=ENVIRONMENTS["production"], environment="production", **{field: value})  # type: ignore[arg-type]


def test_unknown_environment_is_a_clear_error(store: ProfileStore) -> None:
    with pytest.raises(ConfigurationError, match="production, sandbox, local"):
        resolve_settings(env="staging", environ={}, store=store)


def test_a_company_id_that_is_not_a_number_is_a_clear_error(store: ProfileStore) -> None:
    with pytest.raises(ConfigurationError, match="whole number"):
        resolve_settings(environ={"TRIPLETEX_COMPANY_ID": "abc"}, store=store)


def test_missing_tokens_are_reported_with_the_variables_to_set(store: ProfileStore) -> None:
    s = resolve_settings(environ={}, store=store)
    with pytest.raises(ConfigurationError, match="TRIPLETEX_CONSUMER_TOKEN and TRIPLETEX_EMPLOYEE_TOKEN"):
        s.require_tokens()


def test_secrets_never_show_in_repr_or_str() -> None:
    secret = Secret("test-abcdef123456")
    assert "abcdef" not in repr(secret) and "abcdef" not in str(secret)
    assert secret.reveal() == "test-abcdef123456"
    s = resolve_settings(consumer_token="c-SECRET-1", employee_token="e-SECRET-2", environ={},
                         store=ProfileStore(Path("/nonexistent/x.toml")))
    assert "SECRET" not in repr(s)


def test_profiles_file_is_created_with_mode_0600(store: ProfileStore) -> None:
    store.save(Profile("main", env="sandbox", consumer_token="c", employee_token="e"))
    mode = stat.S_IMODE(os.stat(store.path).st_mode)
    assert mode == 0o600


def test_profiles_round_trip_and_removal_moves_the_default(store: ProfileStore) -> None:
    store.save(Profile("a", env="sandbox", consumer_token='we"ird\\', employee_token="e", company_id=3))
    store.save(Profile("b", base_url="http://127.0.0.1:8000/v2", consumer_token="c", employee_token="e"))
    assert store.get("a").consumer_token == 'we"ird\\' and store.get("a").company_id == 3
    assert [p.name for p in store.list()] == ["a", "b"] and store.default_name() == "a"
    store.remove("a")
    assert store.default_name() == "b"
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_profile_repr_hides_tokens() -> None:
    text = repr(Profile("p", consumer_token="c-XYZZY-1", employee_token="e-XYZZY-2"))
    assert "XYZZY" not in text


def test_unknown_profile_lists_the_known_ones(store: ProfileStore) -> None:
    store.save(Profile("main", consumer_token="c", employee_token="e"))
    with pytest.raises(ConfigurationError, match="main"):
        store.get("mian")


def test_a_corrupt_profiles_file_is_a_clear_error(store: ProfileStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text("[profiles.x\nbroken", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="cannot read profiles file"):
        store.list()


def test_profile_names_are_restricted_to_safe_characters(store: ProfileStore) -> None:
    with pytest.raises(ConfigurationError):
        store.save(Profile("bad name]", consumer_token="c", employee_token="e"))


def test_a_profiles_path_that_cannot_be_read_or_written_is_a_clear_error(tmp_path: Path) -> None:
    directory = ProfileStore(tmp_path)  # a directory where the file should be
    with pytest.raises(ConfigurationError, match="cannot read profiles file"):
        directory.list()
    blocked = ProfileStore(tmp_path / "a-file" / "config.toml")
    (tmp_path / "a-file").write_text("not a directory")
    with pytest.raises(ConfigurationError, match="cannot write profiles file"):
        blocked.save(Profile("main", consumer_token="c", employee_token="e"))


@pytest.mark.parametrize(
    ("chosen", "environ"),
    [
        ({"base_url": "http://127.0.0.1:8799/v2"}, {}),
        ({}, {"TRIPLETEX_BASE_URL": "http://127.0.0.1:8799/v2"}),
        ({"env": "production"}, {}),
        ({}, {"TRIPLETEX_ENV": "production"}),
        ({"profile": "local", "env": "sandbox"}, {}),
    ],
)
def test_a_profiles_tokens_never_go_to_an_overriding_url_or_environment(
    store: ProfileStore, chosen: dict[str, str], environ: dict[str, str]
) -> None:
    store.save(Profile("local", env="local", consumer_token="local-c", employee_token="local-e"))
    with pytest.raises(ConfigurationError, match=r"profile 'local' belongs to http://127\.0\.0\.1:8000/v2") as raised:
        resolve_settings(environ=environ, store=store, **chosen)  # type: ignore[arg-type]
    assert "TRIPLETEX_CONSUMER_TOKEN" in str(raised.value) and "local-c" not in str(raised.value)


def test_an_override_works_with_tokens_from_arguments_or_environment_variables(store: ProfileStore) -> None:
    store.save(Profile("local", env="local", consumer_token="local-c", employee_token="local-e", company_id=4))
    by_args = resolve_settings(consumer_token="c", employee_token="e", base_url="http://127.0.0.1:8799/v2",
                               profile="local", environ={}, store=store)
    assert (by_args.consumer_token.reveal(), by_args.employee_token.reveal()) == ("c", "e")
    environ = {"TRIPLETEX_CONSUMER_TOKEN": "c", "TRIPLETEX_EMPLOYEE_TOKEN": "e", "TRIPLETEX_ENV": "production"}
    by_env = resolve_settings(environ=environ, profile="local", store=store)
    assert by_env.base_url == ENVIRONMENTS["production"] and by_env.employee_token.reveal() == "e"


def test_the_profiles_own_environment_named_again_keeps_its_tokens(store: ProfileStore) -> None:
    store.save(Profile("work", env="production", consumer_token="w-c", employee_token="w-e"))
    for chosen in ({"env": "prod"}, {"base_url": "https://tripletex.no/v2/"}):
        s = resolve_settings(environ={}, store=store, **chosen)  # type: ignore[arg-type]
        assert s.consumer_token.reveal() == "w-c"
