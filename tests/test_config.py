"""Tuned numbers: one frozen object per analysis, overridable from Python and from a file."""

from __future__ import annotations

import dataclasses

import pytest
from typer.testing import CliRunner

from pressdiff import config
from pressdiff.claims import check
from pressdiff.cli import app
from pressdiff.config import CheckerConfig, ClaimsConfig, Config, ConfigError


def test_a_file_overrides_only_the_numbers_it_names(tmp_path):
    path = tmp_path / "strict.toml"
    path.write_text("[claims.checker]\nsupport_threshold = 0.9\n\n[reuse]\nsimilar = 0.8\n")
    loaded = config.load(path)
    assert loaded.claims.checker.support_threshold == 0.9
    assert loaded.reuse.similar == 0.8
    defaults = Config()
    assert loaded.claims.checker.gap_tolerance == defaults.claims.checker.gap_tolerance
    assert loaded.quotes == defaults.quotes and loaded.consensus == defaults.consensus


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[claims]\nsuport_threshold = 0.9\n", "unknown setting 'suport_threshold'"),
        ("[reuse]\nsimilar = 'high'\n", "similar must be a number"),
        ("[reuse]\nneighbours = 2.5\n", "neighbours must be a whole number"),
        ("reuse = 3\n", "reuse is a section"),
        ("[reuse\n", "strict.toml"),
    ],
)
def test_a_bad_file_is_refused_with_the_reason(tmp_path, text, message):
    path = tmp_path / "strict.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        config.load(path)


def test_configs_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().reuse.similar = 0.5  # type: ignore[misc]


def test_the_cli_refuses_a_bad_config_before_reading_anything(tmp_path, example_dir):
    path = tmp_path / "bad.toml"
    path.write_text("[claims.checker]\nthreshold = 1\n")
    result = CliRunner().invoke(app, ["analyze", str(example_dir), "--config", str(path)])
    assert result.exit_code == 2
    assert "unknown setting 'threshold'" in result.output


@pytest.mark.slow
def test_use_changes_what_the_checker_decides(example_line):
    # The same real pair, supported under the tuned threshold, is unsettled under a stricter
    # one set for a block of work, and supported again after it.
    evidence = example_line("001", "Baldwin")
    claim = evidence
    assert check(evidence, claim).label == "supports"
    strict = Config(claims=ClaimsConfig(checker=CheckerConfig(support_threshold=1.01)))
    with config.use(strict):
        assert config.settings().claims.checker.support_threshold == 1.01
        assert check(evidence, claim).label == "unclear"
    assert check(evidence, claim).label == "supports"
