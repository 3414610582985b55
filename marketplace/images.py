"""Image uploads: checked and cleaned (`imaging.processing`), kept once under the hash of the
cleaned original (`imaging.storage`), and recorded with an audit entry and an outbox event."""

import asyncio
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.events.marketplace import ImageUploaded
from core.outbox import record
from core.principal import Actor, Role
from marketplace.imaging import storage
from marketplace.imaging.processing import ImageLimits, process_image
from marketplace.models import Image

UPLOADERS = (Role.SUPPLIER, Role.PARTNER, Role.OPERATOR)


async def get_image(session: AsyncSession, sha256: str) -> Image | None:
    return await session.scalar(select(Image).where(Image.sha256 == sha256))


async def store_image(
    session: AsyncSession,
    data: bytes,
    *,
    actor: Actor,
    clock: Clock,
    media_dir: Path,
    limits: ImageLimits,
) -> Image:
    """Check, clean and keep an upload; the same picture again returns the image already kept.

    Every check passes before a file is written, so a refused upload stores nothing. The files
    are written before the row: if the transaction then fails, they are harmless leftovers that
    the next identical upload reuses (ADR 11).
    """
    principal = actor.require(*UPLOADERS)
    return await _keep(session, data, principal.organisation_id, actor, clock, media_dir, limits)


async def store_registration_image(
    session: AsyncSession,
    data: bytes,
    *,
    actor: Actor,
    clock: Clock,
    media_dir: Path,
    limits: ImageLimits,
) -> Image:
    """A document sent with a self-registration (营业执照), before its organisation exists."""
    return await _keep(session, data, None, actor, clock, media_dir, limits)


async def _keep(
    session: AsyncSession,
    data: bytes,
    organisation_id: int | None,
    actor: Actor,
    clock: Clock,
    media_dir: Path,
    limits: ImageLimits,
) -> Image:
    # Pillow's work is CPU-bound and the disk blocks: both run off the event loop, and before
    # the transaction's first statement, so no connection (nor SQLite's write lock) waits on them.
    processed = await asyncio.to_thread(process_image, data, limits)
    await asyncio.to_thread(storage.save, media_dir, processed)
    existing = await get_image(session, processed.sha256)
    if existing is not None:
        return existing
    image = Image(
        sha256=processed.sha256,
        format=processed.format,
        width=processed.width,
        height=processed.height,
        byte_size=len(processed.original),
        uploaded_by_organisation_id=organisation_id,
        created_at=clock.now(),
    )
    session.add(image)
    await session.flush()
    record(
        session,
        ImageUploaded(
            image_id=image.id,
            sha256=image.sha256,
            format=image.format.value,
            width=image.width,
            height=image.height,
            organisation_id=organisation_id,
        ),
        clock=clock,
    )
    write_audit(
        session,
        actor,
        "image.upload",
        clock=clock,
        target_type="Image",
        target_id=image.id,
        details={"sha256": image.sha256, "uploadedBytes": len(data)},
    )
    return image
