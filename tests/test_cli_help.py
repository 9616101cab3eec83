"""Usage errors that help: the subcommand's usage, "did you mean", Terraform's single dash."""

from __future__ import annotations

import pytest

from snaplint.cli import build_parser, main


def usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err


def parse(*argv: str):
    return build_parser(only=argv[0]).parse_args(list(argv))


def test_a_misspelt_option_gets_the_subcommands_usage_and_the_closest_option(capsys) -> None:
    err = usage_error(capsys, "plan", "--outt", "x")
    assert err.startswith("usage: snaplint plan ")
    assert "snaplint plan: error: unrecognized arguments: --outt; did you mean `--out`?" in err
    assert "usage: snaplint [-h]" not in err


def test_nested_subcommands_report_their_own_usage(capsys) -> None:
    err = usage_error(capsys, "state", "show", "--wrkspace", "prod", "lobby-cam")
    assert err.startswith("usage: snaplint state show ")
    assert "did you mean `--workspace`?" in err


def test_several_misspelt_options_each_get_a_suggestion(capsys) -> None:
    err = usage_error(capsys, "apply", "--auto-aprove", "--tagret", "a")
    assert "`--auto-approve` (for --auto-aprove)" in err and "`--target` (for --tagret)" in err


def test_an_unknown_option_far_from_every_option_gets_no_guess(capsys) -> None:
    err = usage_error(capsys, "plan", "--zzzzzz")
    assert err.startswith("usage: snaplint plan ")
    assert "unrecognized arguments: --zzzzzz" in err and "did you mean" not in err


def test_a_misspelt_single_dash_option_is_compared_with_the_long_names(capsys) -> None:
    err = usage_error(capsys, "plan", "-outt=x")
    assert "did you mean `--out`?" in err


def test_terraform_options_snaplint_has_no_name_for_say_what_to_do(capsys) -> None:
    err = usage_error(capsys, "plan", "-destroy")
    assert "-destroy: `snaplint destroy` shows what it would stop and asks first" in err
    err = usage_error(capsys, "apply", "-var-file=prod.tfvars")
    assert "${env:NAME}" in err


def test_a_misspelt_command_gets_the_closest_command(capsys) -> None:
    err = usage_error(capsys, "plna")
    assert "unknown command 'plna'; did you mean `plan`?" in err


def test_terraform_single_dash_options_are_read_as_their_long_form() -> None:
    args = parse(
        "plan",
        "-out=saved.plan",
        "-target=job.a",
        "-exclude=b",
        "-replace=job.c",
        "-detailed-exitcode",
        "-refresh=false",
        "-parallelism=3",
        "-no-color",
        "-json",
    )
    assert args.out == "saved.plan" and args.detailed_exitcode and args.no_color and args.json
    assert (args.target, args.exclude, args.replace) == (["a"], ["b"], ["c"])
    assert args.refresh is False and args.parallelism == 3
    args = parse("apply", "-auto-approve", "-lock-timeout=30s", "-target", "a", "saved.plan")
    assert args.auto_approve and args.lock_timeout == 30.0 and args.paths == ["saved.plan"]
    args = parse("state", "rm", "-dry-run", "-lock-timeout=5s", "job.a")
    assert args.dry_run and args.lock_timeout == 5.0 and args.name == ["a"]


def test_single_letter_options_and_values_are_left_alone() -> None:
    args = parse("lint", "-q", "-o", "report.txt", "-j", "2", "x.yaml")
    assert args.quiet and args.output_file == "report.txt" and args.jobs == 2
    # a value that looks like a Terraform flag stays the value it is
    args = parse("lint", "--stdin-filename=-json", "-")
    assert args.stdin_filename == "-json" and args.paths == ["-"]
    # after `--` everything is a path
    args = parse("lint", "--", "-quiet")
    assert args.paths == ["-quiet"] and not args.quiet
    # a long option written with one dash where a short option shares its first letter
    args = parse("lint", "-output-file=r.txt", "x.yaml")
    assert args.output_file == "r.txt"


def test_abbreviations_are_not_rewritten_from_a_single_dash(capsys) -> None:
    # `--ou` is argparse's abbreviation of --out; `-ou` is not a Terraform spelling of anything
    assert parse("plan", "--ou", "x").out == "x"
    err = usage_error(capsys, "plan", "-ou", "x")
    assert "usage: snaplint plan " in err
