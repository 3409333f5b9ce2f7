"""`ttx` runs every group of the ledger's own modules (vouchers, payment types out, historical vouchers)
against the sandbox, including a file upload with `--file`."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from string import Template
from typing import Any

import pytest

from tests.cli.sandbox_cli import first_id, ttx_json
from tripletex_connect import catalog
from tripletex_connect.sandbox import SandboxCompany

VOUCHER = ('{"date": "2026-03-01", "description": "Husleie", "postings": ['
           '{"account": {"number": 6300}, "amountGross": 100}, {"account": {"number": 1920}, "amountGross": -100}]}')
HISTORICAL = ('[{"date": "2024-06-30", "postings": [{"account": {"number": 6300}, "amount": 50}, '
              '{"account": {"number": 1920}, "amount": -50}]}]')
# Per group, the commands to run in order; `$id` is the object the first command made.
GROUPS: dict[str, list[str]] = {
    "Ledger Vouchers": [
        f"vouchers create --data '{VOUCHER}'", "vouchers update $id --set description=Leie --no-send-to-ledger",
        "vouchers get $id", "vouchers search --date-from 2026-01-01 --date-to 2027-01-01 --number 1",
        "vouchers reverse $id --date 2026-03-31", "vouchers delete $id"],
    "Ledger Payment Types Out": [
        "payment-types-out create --set description=Bedriftskort --set creditAccount.number=1930",
        "payment-types-out update $id --set isInactive=true", "payment-types-out get $id",
        "payment-types-out search --description kort --is-inactive", "payment-types-out delete $id"],
    "Historical Vouchers": [
        f"historical-vouchers create --data '{HISTORICAL}' --comment 'Gammelt system'",
        "historical-vouchers upload $id --file $tmp/scan.pdf"],
}


@pytest.mark.parametrize("group", GROUPS)
def test_every_voucher_group_runs_in_the_cli(tripletex_sandbox: SandboxCompany, tmp_path: Path, group: str) -> None:
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    names: dict[str, Any] = {"id": None, "tmp": tmp_path}
    for command in GROUPS[group]:
        args = shlex.split(Template(command).substitute(names))
        result = ttx_json(tripletex_sandbox, args)
        assert result.exit_code == 0, f"ttx {' '.join(args)}: {result.stderr}"
        names["id"] = names["id"] or first_id(result.stdout)


def test_an_uploaded_file_is_stored_with_its_name_size_and_type(tripletex_sandbox: SandboxCompany,
                                                                 tmp_path: Path) -> None:
    scan = tmp_path / "bilag 17.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    made = first_id(ttx_json(tripletex_sandbox, ["historical-vouchers", "create", "--data", HISTORICAL]).stdout)
    uploaded = ttx_json(tripletex_sandbox, ["historical-vouchers", "upload", str(made), "--file", str(scan)])
    assert uploaded.exit_code == 0, uploaded.stderr
    shown = ttx_json(tripletex_sandbox, ["vouchers", "get", str(made), "--fields", "attachment(*)"])
    attachment = json.loads(shown.stdout)["attachment"]
    assert (attachment["fileName"], attachment["size"], attachment["mimeType"]) == ("bilag 17.png", 18, "image/png")


def test_an_upload_without_an_existing_file_is_a_usage_error(tripletex_sandbox: SandboxCompany,
                                                             tmp_path: Path) -> None:
    result = ttx_json(tripletex_sandbox, ["historical-vouchers", "upload", "1", "--file", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "nope" in result.stderr


def test_the_cli_covers_every_voucher_group_of_the_catalog() -> None:
    assert set(GROUPS) == {op.group for op in catalog.vouchers.OPERATIONS}
