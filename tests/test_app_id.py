"""App-ID precedence has one home (snaplint.config.app_id_fallback); lint, plan and the
connection agree with it (issue 13, point 7)."""

from __future__ import annotations

import pytest

from snaplint.agora.connection import resolve_app_id
from snaplint.config import Config, app_id_fallback
from snaplint.lint.linter import Linter, LintOptions
from snaplint.lint.plugins import load_rules
from snaplint.plan import jobs
from tests.test_plan_jobs import docs, manifest

ENV_APP = "e" * 32
CONFIG_APP = "c" * 32
SPEC_APP = "5" * 32


@pytest.mark.parametrize(
    ("env", "config_app", "expected"),
    [
        ({"AGORA_APP_ID": ENV_APP}, CONFIG_APP, ENV_APP),  # the environment over the config
        ({"AGORA_APP_ID": ""}, CONFIG_APP, CONFIG_APP),  # empty counts as unset
        ({}, CONFIG_APP, CONFIG_APP),
        ({}, None, None),
    ],
)
def test_every_context_uses_the_one_fallback(env, config_app, expected):
    api = {"app-id": config_app} if config_app else {}
    assert app_id_fallback(env, api) == expected
    assert resolve_app_id(config_app, env) == expected  # the client's default App ID
    linter = Linter(Config(raw={"api": api}), load_rules(autoload=False), LintOptions(env=env))
    assert {ctx.default_app_id for ctx in linter.contexts.values()} == {expected}
    found, problems = jobs.desired_jobs(docs(manifest()), config_app_id=config_app, env=env)
    assert [j.app_id for j in found] == ([expected] if expected else [])
    assert bool(problems) == (expected is None)  # "job a has no App ID"


def test_a_jobs_own_app_id_always_wins():
    extra = f"  appId: {SPEC_APP}\n"
    found, _ = jobs.desired_jobs(
        docs(manifest(extra_spec=extra)), config_app_id=CONFIG_APP, env={"AGORA_APP_ID": ENV_APP}
    )
    assert found[0].app_id == SPEC_APP
