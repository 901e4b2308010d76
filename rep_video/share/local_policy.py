"""The page content of folder and S3 pages: the admin config's `policy.file` names a
POLICY.toml in the format `rep-video admin policy push` takes (docs/ADMIN.md); its safety
information, adverse-event line, HCP gate and `analytics` go on every static page this
laptop writes, as the share server's policy goes on the pages it serves."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from rep_video.errors import UserError
from rep_video.share.manifest import ShareManifest
from rep_video.share.page_content import NO_POLICY, PageContent, page_content
from rep_video.share.page_status import render_pending_page

if TYPE_CHECKING:
    from rep_video.server.catalog_schema import PolicyIn


def local_page_content(path: Path | None) -> PageContent:
    """What the policy file asks pages to carry (nothing without a file); UserError naming
    the file and the problem when it cannot be read or is not a valid policy."""
    if path is None:
        return NO_POLICY
    return page_content(load_policy_file(path).model_dump(mode="json"))


def local_pending_page(m: ShareManifest, policy_file: Path | None) -> str:
    """The "on its way" page a folder or S3 link shows until the upload is published, with
    the local policy's content."""
    return render_pending_page(
        m.rep,
        recipient_name=m.recipient.name,
        page_approval_code=m.page_approval_code,
        language=m.language,
        content=local_page_content(policy_file),
    )


def load_policy_file(path: Path) -> PolicyIn:
    """The policy file, validated as the share server validates a pushed policy; UserError
    naming the file and the problem."""
    from pydantic import ValidationError

    from rep_video.server.catalog_schema import PolicyIn

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return PolicyIn.model_validate(data)
    except OSError as exc:
        raise UserError(
            f"cannot read the policy file {path} ({exc.strerror or exc}); fix policy.file."
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"the policy file {path} is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise UserError(f"the policy file {path}: {where}: {first['msg']}") from exc
