"""The scorecard opens and prints in LibreOffice (skipped, with the reason, when it is absent)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from writer_fixtures import q3_path  # noqa: F401  (pytest fixture)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _page_count(pdf: bytes) -> int:
    """Pages of a PDF: LibreOffice writes one '/Type /Page' object per page (not '/Pages')."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it in CI")
def test_libreoffice_converts_the_scorecard_to_pdf(q3_path, tmp_path):
    """11 sheets: Summary (2 pages), 6 priorities (1 each), Exceptions (2), All indicators
    (2 wide), Data quality and Sources (1 each) come to about 14 pages; allow some slack for fonts."""
    profile = tmp_path / "profile"  # a private profile, so a running LibreOffice does not interfere
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(q3_path)],
        capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "scorecard.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr or result.stdout
    assert 11 <= _page_count(pdf.read_bytes()) <= 20
