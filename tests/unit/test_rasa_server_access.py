"""rasa_ext/server_access.py: how `rasa run` is completed from the environment, and the webhook check.
(The running server is tested in tests/e2e/test_rasa_token.py.)"""

import pytest

from rasa_ext.server_access import MissingToken, allowed, provided_token, run_arguments

RUN = ["run", "--enable-api", "--model", "models/daleel.tar.gz", "--port", "5005"]


def option(args: list[str], name: str) -> list[str]:
    """The values after `name`, up to the next option."""
    at = args.index(name) + 1
    values = []
    while at < len(args) and not args[at].startswith("-"):
        values.append(args[at])
        at += 1
    return values


def test_run_takes_the_token_interface_and_origins_from_the_environment():
    args = run_arguments(
        RUN, {"DALEEL_RASA_TOKEN": "t0ken", "DALEEL_APP_ORIGINS": "https://daleel.example, https://app.example"}
    )
    assert args[: len(RUN)] == RUN
    assert "--auth-token=t0ken" in args
    assert option(args, "--interface") == ["127.0.0.1"]  # not Rasa's default, every interface
    assert option(args, "--cors") == ["https://daleel.example", "https://app.example"]


def test_a_token_that_starts_with_a_dash_is_still_the_token():
    import argparse

    parser = argparse.ArgumentParser()  # as Rasa's `run` parser takes it
    parser.add_argument("-t", "--auth-token")
    parser.add_argument("--interface")
    args = run_arguments(RUN, {"DALEEL_RASA_TOKEN": "-Xq9_secret"})
    assert parser.parse_known_args(args[len(RUN) :])[0].auth_token == "-Xq9_secret"


def test_origins_as_the_app_reads_them_a_json_list():
    args = run_arguments(RUN, {"DALEEL_RASA_TOKEN": "t0ken", "DALEEL_APP_ORIGINS": '["https://daleel.example.ae"]'})
    assert option(args, "--cors") == ["https://daleel.example.ae"]
    assert "--cors" not in run_arguments(RUN, {"DALEEL_RASA_TOKEN": "t0ken", "DALEEL_APP_ORIGINS": "[]"})


def test_no_origins_means_no_cors_at_all_and_a_private_interface_can_be_chosen():
    args = run_arguments(RUN, {"DALEEL_RASA_TOKEN": "t0ken", "DALEEL_RASA_HOST": "10.0.1.7"})
    assert "--cors" not in args and "*" not in args
    assert option(args, "--interface") == ["10.0.1.7"]


@pytest.mark.parametrize("environ", [{}, {"DALEEL_RASA_TOKEN": "  "}])
def test_run_refuses_to_start_without_a_token(environ):
    with pytest.raises(MissingToken, match="DALEEL_RASA_TOKEN"):
        run_arguments(RUN, environ)


def test_explicit_arguments_win_and_other_commands_are_untouched():
    explicit = [*RUN, "--auth-token=given", "-i", "10.0.0.2", "--cors", "https://a.example"]
    assert run_arguments(explicit, {"DALEEL_RASA_TOKEN": "env", "DALEEL_APP_ORIGINS": "https://b.example"}) == explicit
    train = ["train", "--fixed-model-name", "daleel"]
    assert run_arguments(train, {}) == train


def test_the_token_comes_from_a_bearer_header_or_the_query():
    assert provided_token({"authorization": "Bearer abc"}, {}) == "abc"
    assert provided_token({}, {"token": ["abc"]}) == "abc"
    assert provided_token({"authorization": "Basic abc"}, {}) == ""
    assert provided_token({}, {}) == ""


def test_webhooks_need_the_token_other_routes_are_left_to_rasa():
    assert allowed("/webhooks/rest/webhook", "secret", "secret")
    assert not allowed("/webhooks/rest/webhook", "secret", "")
    assert not allowed("/webhooks/rest/webhook", "secret", "secreT")
    assert not allowed("/webhooks/twilio/webhook", "secret", "guess")
    assert allowed("/", "secret", "")  # Rasa's hello; its API routes check the token themselves
